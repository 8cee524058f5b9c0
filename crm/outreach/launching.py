"""Outreach's part of a launch, over plain values handed down by campaigns: what stops each first pitch on
outreach's side (the sequence, the suppression list, a repeat, the render), when it would go, and writing
outreach's own rows (enrollments, outbox, the queued events on the timeline).

Outreach reads no prospect or campaign here: campaigns, which stands above, reads its cards and their contacts
and hands each one down as an Addressee (DESIGN §2).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from crm import timeline
from crm.accounts.models import Workspace
from crm.db import utcnow
from crm.extensions import db
from crm.mail import link_safety
from crm.outreach import identities, mailboxes, rowbatch, skips, suppression, variants
from crm.outreach.models import Enrollment, OutboundMessage, Sequence
from crm.outreach.recipients import Recipient, basic_context, storable_context
from crm.outreach.sequencing import (
    CapPlanner,
    FirstPitch,
    idempotency_key,
    queue_first_steps,
    render_step,
    step_values,
    steps_of,
)
from crm.outreach.skips import SkipReason


class LaunchError(Exception):
    """The sequence cannot be launched; the message says why."""


@dataclass(frozen=True, slots=True)
class Addressee:
    """One person a first pitch would go to, as plain values: who, where, and the merge fields.

    `blockers` are the reasons the feature handing it down already found (its address, its status...): with any,
    outreach still names its own reasons but plans no slot.
    """

    opportunity_id: int | None
    id: int  # the contact's id
    site_id: int
    email: str
    name: str
    timezone: str
    context: dict
    blockers: tuple[SkipReason, ...] = ()


@dataclass(frozen=True, slots=True)
class Verdict:
    """Outreach's answer for one addressee: every reason (blockers first), its slot, and the first pitch."""

    reasons: tuple[SkipReason, ...]
    send_at: datetime | None = None
    waits: bool = False  # the slot is later than now: the sending window or the daily cap
    first: FirstPitch | None = None

    @property
    def ready(self) -> bool:
        return not self.reasons


def merged_context(contact, recipient: Recipient) -> dict[str, str]:
    """The contact's own fields, overridden by the non-blank fields the campaign supplied."""
    context = basic_context(contact, contact.site)
    context.update({k: v for k, v in storable_context(recipient.context).items() if v.strip() or k not in context})
    return context


def sequence_of(workspace_id: int, sequence_id: int) -> Sequence:
    """The workspace's sequence; LaunchError when it is not there."""
    sequence = db.session.get(Sequence, sequence_id)
    if sequence is None or sequence.workspace_id != workspace_id:
        raise LaunchError("That sequence does not exist in this workspace.")
    return sequence


def sequence_problems(workspace_id: int, sequence: Sequence) -> list[str]:
    """What stops the sequence as a whole: its sender, its steps, the footer's postal address, the mail settings."""
    workspace = db.session.get(Workspace, workspace_id)
    if workspace is None:
        raise LaunchError("That sequence does not exist in this workspace.")
    problems = []
    sender = sequence.sender
    if sender is None:
        problems.append("No sender identity: choose who the mail comes from in the sequence editor.")
    elif not sender.active:
        problems.append(f"The sender identity {sender.from_email} is switched off.")
    else:
        try:
            identities.validate(sender)
        except identities.IdentityError as exc:
            problems.append(f"The sender identity {sender.from_email} cannot send: {exc}.")
    if not sequence.steps:
        problems.append("The sequence has no steps: add a first pitch in the sequence editor.")
    if not (workspace.postal_address or "").strip():
        problems.append("The workspace has no postal address; the law requires one in every email footer.")
    config = current_app.config
    if config.get("MAIL_BACKEND") == "sendgrid" and not config.get("SENDGRID_API_KEY"):
        problems.append("MAIL_BACKEND is sendgrid but SENDGRID_API_KEY is not set.")
    backend = mailboxes.backend_name(sender, config)
    refused = link_safety.refusal(config.get("PUBLIC_BASE_URL") or "", {backend})
    if refused:
        problems.append(refused)
    return problems


def _taken(sequence: Sequence, ids: set[int]) -> dict[int, str]:
    """Contacts already in this sequence, or whose first pitch of this campaign is in the outbox: why, per id.

    Read as the sequence's enrollments and the campaign's first pitches (each row carries the campaign its key
    names), not as lists of thousands of values to match, which cost a launch more than the rows it finds.
    """
    enrolled = db.session.scalars(select(Enrollment.contact_id).where(Enrollment.sequence_id == sequence.id))
    taken = dict.fromkeys((cid for cid in enrolled if cid in ids), "Already in this sequence.")
    keys = {idempotency_key(sequence.campaign_id, 1, cid): cid for cid in ids}
    queued = select(OutboundMessage.idempotency_key)
    if sequence.campaign_id is None:
        queued = queued.where(OutboundMessage.idempotency_key.in_(keys or {""}))
    else:
        queued = queued.where(OutboundMessage.campaign_id == sequence.campaign_id, OutboundMessage.step_position == 1)
    for key in db.session.scalars(queued):
        if key in keys:
            taken.setdefault(keys[key], "This campaign's first pitch to this contact already exists in the outbox.")
    return taken


def _render_reasons(person: Addressee, steps, sender_name: str) -> tuple[list[SkipReason], tuple | None]:
    """Every step rendered for this person, as the outbox would; each problem a reason. Also the first pitch."""
    values = step_values(person.context, sender_name)  # checked and flattened once for every step and variant
    reasons, first, first_subject = [], None, ""
    for step, choose in steps:
        label, template = choose(person.id)  # the variant this contact would get
        rendered, step_problems = render_step(template, step.position, values, sender_name, first_subject)
        name = "First pitch" if step.position == 1 else f"Follow-up {step.position - 1}"
        reasons += skips.render_reasons(name, template.name, step_problems, person.email)
        if step.position == 1 and rendered is not None:
            first_subject = rendered.subject
            first = (label, template.id, rendered)
    return reasons, first


def screen(workspace_id: int, sequence: Sequence, people: list[Addressee], now: datetime,
           planner: CapPlanner | None = None) -> tuple[list[str], list[Verdict]]:
    """The sequence's problems, and a verdict per person (in order): what stops them, when the first pitch goes."""
    general = sequence_problems(workspace_id, sequence)
    ids = {p.id for p in people}
    suppressed = suppression.find_many(workspace_id, [p.email for p in people])
    taken = _taken(sequence, ids)
    steps = [(step, variants.chooser(step)) for step in steps_of(sequence)]  # variants put in order once
    sender = sequence.sender
    sender_name = sender.from_name if sender else ""
    planner = planner or (CapPlanner(sender) if sender is not None and not general else None)
    zones: dict = {}  # the window's zone per recipient time zone, worked out once each
    verdicts, seen = [], set()
    for person in people:
        reasons = list(person.blockers)
        if person.id in seen:
            reasons.append(SkipReason("duplicate", "Listed twice."))
        seen.add(person.id)
        hit = suppressed.get(suppression.normalise_address(person.email))
        if hit is not None:
            reasons.append(SkipReason("suppressed", suppression.describe(hit).capitalize() + "."))
        if person.id in taken:
            reasons.append(SkipReason("already_queued", taken[person.id]))
        rendered_reasons, first = _render_reasons(person, steps, sender_name)
        reasons += rendered_reasons
        if reasons or planner is None:
            verdicts.append(Verdict(tuple(reasons)))
            continue
        if person.timezone not in zones:
            zones[person.timezone] = identities.window_zone(sender, person.timezone)
        send_at = planner.slot(now, zones[person.timezone])
        pitch = FirstPitch(person.opportunity_id, person, person.context, *first, send_at) if first else None
        verdicts.append(Verdict((), send_at, send_at > now, pitch))
    return general, verdicts


def _record_queued(workspace_id: int, pitches: list[FirstPitch], actor_id: int | None) -> None:
    """One timeline event per queued first pitch, written as one multi-row INSERT (not committed)."""
    stamp = utcnow()
    rowbatch.insert_rows(timeline.Activity.__table__, [{
        "workspace_id": workspace_id, "kind": "outreach_queued", "summary": f"First pitch to {p.contact.email} queued",
        "site_id": p.contact.site_id, "contact_id": p.contact.id, "opportunity_id": p.opportunity_id,
        "actor_id": actor_id, "data": None, "happened_at": stamp} for p in pitches])


def enrol_and_queue(workspace_id: int, sequence: Sequence, pitches: list[FirstPitch], actor_id: int | None,
                    now: datetime) -> None:
    """Enrol each pitch's contact, queue the rendered first pitch and note it on the timeline (not committed).

    LaunchError when a first pitch is missing or one was queued meanwhile; the caller rolls the whole launch back.
    """
    if any(p is None for p in pitches):
        raise LaunchError("A first pitch could not be rendered; reload the checklist.")
    try:
        queue_first_steps(sequence, steps_of(sequence)[0], pitches)
    except IntegrityError as exc:  # someone queued the same (campaign, step, contact) since the checklist
        raise LaunchError("A first pitch was queued by someone else meanwhile; reload the checklist.") from exc
    _record_queued(workspace_id, pitches, actor_id)
    sequence.status = "active"
    sequence.launched_at = sequence.launched_at or now
