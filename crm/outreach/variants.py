"""Subject and body tests: which of a step's variants each contact gets, the same one on every retry."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

LABELS = "ABCD"  # A is the step's own template; a step tests at most four versions
MAX_VARIANTS = len(LABELS)


def assign(step_id: int, contact_id: int, count: int) -> int:
    """The variant index (0 to count-1) for a contact at a step: a hash, so no stored state and no randomness."""
    if count <= 1:
        return 0
    digest = hashlib.blake2b(f"{step_id}:{contact_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % count


def templates_of(step) -> list:
    """The step's templates in variant order: its own (A), then B, C and D."""
    return [step.template, *(v.template for v in sorted(step.variants, key=lambda v: v.label))]


def chooser(step) -> Callable[[int], tuple[str, object]]:
    """choose() for one step, its templates put in order once: a launch asks it for every recipient."""
    if not step.variants:
        return lambda contact_id: ("", step.template)
    templates, step_id = templates_of(step), step.id

    def choose_for(contact_id: int) -> tuple[str, object]:
        index = assign(step_id, contact_id, len(templates))
        return LABELS[index], templates[index]

    return choose_for


def choose(step, contact_id: int) -> tuple[str, object]:
    """(label, template) a contact gets at a step; the label is empty when the step tests nothing."""
    return chooser(step)(contact_id)
