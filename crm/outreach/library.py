"""Templates, a campaign's sequence and the hand-kept suppression list: saving, previewing and removing them."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select

from crm.accounts import audit
from crm.accounts.models import Workspace
from crm.extensions import db
from crm.outreach import composing, rendering, suppression, variants
from crm.outreach.merge_names import undefined_keys
from crm.outreach.models import SenderIdentity, Sequence, SequenceStep, StepVariant, Suppression, Template
from crm.outreach.sequencing import render_step
from crm.outreach.stopping import block_address

MAX_STEPS = 6
MAX_DELAY_DAYS = 60
SAMPLE = {
    "first_name": "Ana", "last_name": "Müller", "site_domain": "example.com", "page_url": "https://example.com/post",
    "page_title": "A sample article", "target_url": "https://example.org/guide", "anchor_text": "our guide",
    "sender_name": "Sam", "personal_line": "Your piece on raised beds was a great read.",
    "personal_ps": "P.S. Loved the photos.",
}
_FATAL = {"syntax", "not_allowed", "too_long", "too_complex", "unknown_field", "bad_filter"}


class LibraryError(ValueError):
    """A change cannot be saved; the message says why."""


def template_problems(subject: str, body: str, defined: dict[str, list[str]] | None = None) -> tuple[
    list[str], list[str]
]:
    """(errors that stop saving, warnings shown with the template), checked against sample merge values.

    defined (custom field keys by scope) refuses custom keys the workspace does not define.
    """
    samples: dict[str, dict[str, str]] = {"custom": {}}  # custom.x and site.custom.x each get a sample value
    errors: list[str] = []
    for part, source in (("Subject", subject), ("Body", body)):
        with contextlib.suppress(rendering.RenderError):  # reported by the render below, with its part named
            used = rendering.fields_used(source)
            errors += [f"{part}: {why}" for _, why in undefined_keys(used, defined or {})]
            for name in used:
                scope, found, key = name.rpartition(rendering.CUSTOM_PREFIX)
                if found:
                    samples.setdefault(f"{scope.rstrip('.')}_custom" if scope else "custom", {})[key] = "sample"
    _, problems = rendering.attempt(subject or "-", body, {**SAMPLE, **samples})
    errors += [f"{p.part.capitalize()}: {p.message}" for p in problems if p.code in _FATAL]
    warnings = [f"{p.part.capitalize()}: {p.message}" for p in problems if p.code not in _FATAL]
    return errors, warnings


def save_template(workspace_id: int, template: Template | None, name: str, subject: str, body: str,
                  defined: dict[str, list[str]] | None = None) -> tuple[Template, list[str]]:
    """Create or change a template; refuses one that cannot render; commits. Returns it and any warnings.

    defined: the workspace's custom field keys by scope (prospects' definitions, handed down by the caller).
    """
    errors, warnings = template_problems(subject, body, defined)
    if errors:
        raise LibraryError(" ".join(errors))
    template = template or Template(workspace_id=workspace_id)
    template.name, template.subject, template.body = name.strip(), subject.strip(), body
    db.session.add(template)
    db.session.commit()
    return template, warnings


def delete_template(workspace_id: int, template: Template) -> None:
    """Delete a template no sequence uses; commits."""
    used = db.session.scalar(select(func.count(SequenceStep.id)).where(SequenceStep.template_id == template.id))
    used += db.session.scalar(select(func.count(StepVariant.id)).where(StepVariant.template_id == template.id))
    if used:
        raise LibraryError(f"{template.name} is used by {used} sequence step(s); change those steps first.")
    db.session.delete(template)
    db.session.commit()


@dataclass(frozen=True)
class Preview:
    """A template rendered for one recipient: subject and body with footer, or the problems that block it."""

    subject: str
    body: str
    problems: tuple[str, ...]


def preview(workspace_id: int, subject: str, body: str, context: dict, sender: SenderIdentity | None,
            contact_id: int | None = None, position: int = 1) -> Preview:
    """Render unsaved template text for a recipient exactly as the outbox would, footer included."""
    draft = Template(name="preview", subject=subject, body=body)
    rendered, problems = render_step(draft, position, context, sender.from_name if sender else "",
                                     "(the first pitch's subject)")
    if rendered is None:
        return Preview("", "", tuple(f"{p.part.capitalize()}: {p.message}" for p in problems))
    workspace = db.session.get(Workspace, workspace_id)
    notes = () if (workspace.postal_address or "").strip() else ("The workspace has no postal address yet.",)
    return Preview(rendered.subject, footed_body(workspace_id, rendered.body, sender, contact_id), notes)


def footed_body(workspace_id: int, body: str, sender: SenderIdentity | None, contact_id: int | None) -> str:
    """A rendered body with the footer the outbox adds: postal address and the contact's unsubscribe link."""
    workspace = db.session.get(Workspace, workspace_id)
    settings = composing.Settings.from_config(current_app.config, sender.reply_domain if sender else "")
    link = composing.unsubscribe_url(settings, workspace_id, contact_id or 0)
    return composing.with_footer(body, workspace.postal_address, link)


def sequence_for(workspace_id: int, campaign_id: int) -> Sequence | None:
    """The campaign's sequence, if it has one."""
    return db.session.scalar(select(Sequence).where(Sequence.workspace_id == workspace_id,
                                                    Sequence.campaign_id == campaign_id).order_by(Sequence.id))


def _check_steps(workspace_id: int, steps: list[tuple[int, int, list[int]]]) -> None:
    if not steps:
        raise LibraryError("Add at least a first pitch.")
    if len(steps) > MAX_STEPS:
        raise LibraryError(f"A sequence has at most {MAX_STEPS} steps.")
    wanted = {t for template_id, _, others in steps for t in (template_id, *others)}
    templates = set(db.session.scalars(select(Template.id).where(
        Template.workspace_id == workspace_id, Template.id.in_(wanted))))
    if wanted - templates:
        raise LibraryError("Choose templates from this workspace.")
    if any(not 0 <= delay <= MAX_DELAY_DAYS for _, delay, _ in steps):
        raise LibraryError(f"Delays are 0 to {MAX_DELAY_DAYS} business days.")
    for position, (template_id, _, others) in enumerate(steps, start=1):
        if len({template_id, *others}) != 1 + len(others):
            raise LibraryError(f"Step {position}: each variant needs a template of its own.")
        if len(others) >= variants.MAX_VARIANTS:
            raise LibraryError(f"Step {position}: at most {variants.MAX_VARIANTS} variants.")


def _set_variants(step: SequenceStep, template_ids: list[int]) -> None:
    """Make the step's variants B, C... the given templates, keeping rows whose template stays in place."""
    current = {v.label: v for v in step.variants}
    for label, template_id in zip(variants.LABELS[1:], template_ids, strict=False):
        row = current.pop(label, None) or StepVariant(workspace_id=step.workspace_id, label=label)
        row.template_id = template_id
        if row not in step.variants:
            step.variants.append(row)
    for leftover in current.values():
        step.variants.remove(leftover)


def save_sequence(workspace_id: int, campaign_id: int, sender_id: int | None,
                  steps: list[tuple[int, int, list[int]]]) -> Sequence:
    """Create or change the campaign's sequence: sender and ordered (template id, business days, variant template
    ids) steps; commits."""
    _check_steps(workspace_id, steps)
    sender = db.session.get(SenderIdentity, sender_id) if sender_id else None
    if sender_id and (sender is None or sender.workspace_id != workspace_id):
        raise LibraryError("Choose a sender identity from this workspace.")
    sequence = sequence_for(workspace_id, campaign_id) or Sequence(workspace_id=workspace_id, campaign_id=campaign_id)
    sequence.sender_id = sender_id
    existing = {s.position: s for s in sequence.steps}
    for position, (template_id, delay, others) in enumerate(steps, start=1):
        step = existing.pop(position, None) or SequenceStep(workspace_id=workspace_id, position=position)
        step.template_id, step.delay_business_days = template_id, delay
        _set_variants(step, others)
        if step not in sequence.steps:
            sequence.steps.append(step)
    for leftover in existing.values():
        sequence.steps.remove(leftover)
    db.session.add(sequence)
    db.session.commit()
    return sequence


def add_suppression(workspace_id: int | None, value: str, source: str, reason: str = "manual") -> Suppression:
    """Suppress an address or domain in a workspace (stopping its sequences to it) or everywhere; commits."""
    kind, normalised = suppression.parse_value(value)
    if kind == "address" and workspace_id is not None:
        block_address(workspace_id, normalised, reason, source)
        row = suppression.find(workspace_id, normalised)
    else:  # a global entry is caught when each message is queued and claimed, whatever its workspace
        row = suppression.suppress(workspace_id, kind, normalised, reason, source)
    audit.record(workspace_id, "suppression_added", detail={"value": normalised, "kind": kind, "source": source})
    db.session.commit()
    return row


def remove_suppression(workspace_id: int, row: Suppression) -> None:
    """Remove a workspace's entry (global entries are not the workspace's to remove); commits."""
    if row.workspace_id != workspace_id:
        raise LibraryError("Only this workspace's own entries can be removed.")
    audit.record(workspace_id, "suppression_removed", detail={"value": row.value, "kind": row.kind})
    db.session.delete(row)
    db.session.commit()
