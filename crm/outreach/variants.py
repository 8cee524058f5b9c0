"""Subject and body tests: which of a step's variants each contact gets, the same one on every retry."""

from __future__ import annotations

import hashlib

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


def choose(step, contact_id: int) -> tuple[str, object]:
    """(label, template) a contact gets at a step; the label is empty when the step tests nothing."""
    if not step.variants:
        return "", step.template
    templates = templates_of(step)
    index = assign(step.id, contact_id, len(templates))
    return LABELS[index], templates[index]
