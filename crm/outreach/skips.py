"""Why the launch checklist skips a card: each reason a code (for counting) and words (for the marketer)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

# Codes in the order the checklist's summary lists them, with the heading each count is shown under.
LABELS = {
    "no_contact": "no contact",
    "no_email": "no email",
    "invalid_email": "invalid email",
    "suppressed": "suppressed",
    "missing_field": "missing field",
    "contact_status": "contact marked",
    "site_status": "site marked",
    "duplicate": "listed twice",
    "already_queued": "already enrolled",
    "template": "template problem",
}
# Render problems that mean a merge field has no value for this contact.
_FIELD_PROBLEMS = frozenset({"empty_field", "unknown_field"})


@dataclass(frozen=True)
class SkipReason:
    """One reason a card's first message would not go: a code from LABELS and a sentence."""

    code: str
    words: str


def render_reasons(label: str, template_name: str, problems: Iterable, email: str) -> list[SkipReason]:
    """A step's render problems as reasons; an empty merge field names the field and the contact."""
    reasons = []
    for p in problems:
        if p.code == "empty_field":
            words = f"{{{{ {p.field} }}}} is empty for {email or 'this contact'} and has no fallback"
        else:
            words = p.message
        code = "missing_field" if p.code in _FIELD_PROBLEMS else "template"
        reasons.append(SkipReason(code, f"{label} ({template_name}), {p.part}: {words}."))
    return reasons


def tally(reason_lists: Iterable[Iterable[SkipReason]]) -> dict[str, int]:
    """Cards per reason code (a card counted once per code it has), in LABELS order, only codes that occur."""
    counts: Counter = Counter()
    for reasons in reason_lists:
        counts.update({r.code for r in reasons})
    return {code: counts[code] for code in [*LABELS, *sorted(set(counts) - set(LABELS))] if counts[code]}
