"""Launching a campaign's sequence: a checklist of every reason a message would not go, then enrol and queue."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from crm import timeline
from crm.accounts.models import Workspace
from crm.db import utcnow
from crm.extensions import db
from crm.mail import link_safety
from crm.outreach import identities, mailboxes, skips, suppression, variants
from crm.outreach.collecting import collector_paused
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
from crm.prospects.contactinfo import verification_check
from crm.prospects.models import Contact, Site


class LaunchError(Exception):
    """The sequence cannot be launched; the message says why."""


@dataclass(frozen=True)
class RecipientCheck:
    """One recipient on the checklist: who, what stops their first message, and when it would go."""

    recipient: Recipient
    email: str = ""
    name: str = ""
    site_domain: str = ""
    reasons: tuple[SkipReason, ...] = ()
    notes: tuple[str, ...] = ()
    send_at: datetime | None = None
    context: dict = field(default_factory=dict)
    first: FirstPitch | None = None  # the first pitch as it will be queued, for a ready recipient

    @property
    def problems(self) -> tuple[str, ...]:
        """The reasons in words."""
        return tuple(r.words for r in self.reasons)

    @property
    def codes(self) -> tuple[str, ...]:
        """The reasons' codes, each once."""
        return tuple(dict.fromkeys(r.code for r in self.reasons))

    @property
    def ready(self) -> bool:
        """Nothing stops this recipient's first message."""
        return not self.reasons


@dataclass(frozen=True)
class Checklist:
    """Problems with the sequence as a whole, and each recipient's check."""

    sequence_problems: tuple[str, ...]
    recipients: tuple[RecipientCheck, ...]

    @property
    def ready(self) -> list[RecipientCheck]:
        """Recipients whose first message would be queued."""
        return [r for r in self.recipients if r.ready]

    @property
    def blocked(self) -> list[RecipientCheck]:
        """Recipients who would be skipped, each with reasons."""
        return [r for r in self.recipients if not r.ready]

    @property
    def skipped_by_reason(self) -> dict[str, int]:
        """Skipped cards per reason code, counted from the rows themselves."""
        return skips.tally(r.reasons for r in self.recipients)

    @property
    def can_launch(self) -> bool:
        """True when the sequence is sound and at least one recipient is ready."""
        return not self.sequence_problems and bool(self.ready)


@dataclass(frozen=True, slots=True)
class _Place:
    """The site fields the checklist reads, as plain values."""

    domain: str
    status: str
    custom_fields: dict | None


@dataclass(frozen=True, slots=True)
class _Person:
    """The contact fields the checklist and the outbox row read, as plain values (no ORM object per recipient)."""

    id: int
    site_id: int
    email: str
    first_name: str
    last_name: str
    status: str
    timezone: str
    is_role_address: bool
    email_verification: str
    custom_fields: dict | None
    site: _Place | None

    @property
    def name(self) -> str:
        """First and last name, or empty."""
        return " ".join(part for part in (self.first_name, self.last_name) if part)


def _people(workspace_id: int, ids: set[int]) -> dict[int, _Person]:
    """The workspace's contacts among these ids with their sites, in one query of plain rows."""
    rows = db.session.execute(
        select(Contact.id, Contact.site_id, Contact.email, Contact.first_name, Contact.last_name, Contact.status,
               Contact.timezone, Contact.is_role_address, Contact.email_verification, Contact.custom_fields,
               Site.id, Site.domain, Site.status, Site.custom_fields)
        .outerjoin(Site, Site.id == Contact.site_id)
        .where(Contact.workspace_id == workspace_id, Contact.id.in_(ids or {0}))
    )
    return {row[0]: _Person(*row[:10], _Place(*row[11:]) if row[10] is not None else None) for row in rows}


def merged_context(contact: Contact, recipient: Recipient) -> dict[str, str]:
    """The contact's own fields, overridden by the non-blank fields the campaign supplied."""
    context = basic_context(contact, contact.site)
    context.update({k: v for k, v in storable_context(recipient.context).items() if v.strip() or k not in context})
    return context


def _sequence_problems(workspace: Workspace, sequence: Sequence) -> list[str]:
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


def _contact_reasons(contact, suppressed, taken, seen) -> list[SkipReason]:
    """What about the contact itself stops a message: its address, its status, the suppression list, a repeat."""
    reasons = skips.address_reasons(contact.email)
    if contact.id in seen:
        reasons.append(SkipReason("duplicate", "Listed twice."))
    if contact.status != "ok":
        reasons.append(SkipReason("contact_status", f"The contact is marked {contact.status.replace('_', ' ')}."))
    if contact.site is not None and contact.site.status != "active":
        reasons.append(SkipReason("site_status", f"The site is marked {contact.site.status.replace('_', ' ')}."))
    hit = suppressed.get(suppression.normalise_address(contact.email))
    if hit is not None:
        reasons.append(SkipReason("suppressed", suppression.describe(hit).capitalize() + "."))
    if contact.id in taken:
        reasons.append(SkipReason("already_queued", taken[contact.id]))
    return reasons


def _render_reasons(contact, context, steps, sender_name) -> tuple[list[SkipReason], FirstPitch | None]:
    """Every step rendered for this contact, as the outbox would; each problem a reason. Also the first pitch."""
    values = step_values(context, sender_name)  # checked and flattened once for every step and variant
    reasons, first, first_subject = [], None, ""
    for step, choose in steps:
        label, template = choose(contact.id)  # the variant this contact would get
        rendered, step_problems = render_step(template, step.position, values, sender_name, first_subject)
        name = "First pitch" if step.position == 1 else f"Follow-up {step.position - 1}"
        reasons += skips.render_reasons(name, template.name, step_problems, contact.email)
        if step.position == 1 and rendered is not None:
            first_subject = rendered.subject
            first = (label, template.id, rendered)
    return reasons, first


def _recipient_reasons(recipient, contact, context, suppressed, taken, seen, steps, sender_name) -> tuple[
    list[SkipReason], tuple | None
]:
    if recipient.contact_id is None:
        return [SkipReason("no_contact", "The card has no contact: choose one on the card.")], None
    if contact is None:
        return [SkipReason("no_contact", "The contact no longer exists in this workspace.")], None
    reasons = _contact_reasons(contact, suppressed, taken, seen)
    rendered_reasons, first = _render_reasons(contact, context, steps, sender_name)
    return reasons + rendered_reasons, first


@collector_paused()
def checklist(workspace_id: int, sequence_id: int, recipients: list[Recipient], now: datetime | None = None,
              _planner: CapPlanner | None = None) -> Checklist:
    """Every reason each recipient's messages would not go, and when the first one would, before anything is queued."""
    now = now or utcnow()
    sequence = db.session.get(Sequence, sequence_id)
    workspace = db.session.get(Workspace, workspace_id)
    if sequence is None or sequence.workspace_id != workspace_id or workspace is None:
        raise LaunchError("That sequence does not exist in this workspace.")
    general = _sequence_problems(workspace, sequence)
    ids = {r.contact_id for r in recipients if r.contact_id is not None}
    contacts = _people(workspace_id, ids)
    suppressed = suppression.find_many(workspace_id, [c.email for c in contacts.values()])
    enrolled = db.session.scalars(select(Enrollment.contact_id).where(
        Enrollment.sequence_id == sequence.id, Enrollment.contact_id.in_(ids or {0})))
    taken = dict.fromkeys(enrolled, "Already in this sequence.")
    keys = {idempotency_key(sequence.campaign_id, 1, cid): cid for cid in ids}
    for key in db.session.scalars(select(OutboundMessage.idempotency_key).where(
            OutboundMessage.idempotency_key.in_(keys or {""}))):
        taken.setdefault(keys[key], "This campaign's first pitch to this contact already exists in the outbox.")
    steps = [(step, variants.chooser(step)) for step in steps_of(sequence)]  # variants put in order once
    sender = sequence.sender
    sender_name = sender.from_name if sender else ""
    planner = _planner or (CapPlanner(sender) if sender is not None and not general else None)
    zones: dict = {}  # the window's zone per recipient time zone, worked out once each
    checks, seen = [], set()
    for recipient in recipients:
        contact = contacts.get(recipient.contact_id)
        context = merged_context(contact, recipient) if contact is not None else {}
        reasons, first = _recipient_reasons(recipient, contact, context, suppressed, taken, seen, steps, sender_name)
        seen.add(recipient.contact_id)
        blockers, warnings = verification_check(contact) if contact is not None else ([], [])  # the finder's verdict
        reasons += [SkipReason("invalid_email", words) for words in blockers]
        send_at, notes, pitch = None, list(warnings), None
        if contact is not None and not reasons and planner is not None:
            if contact.timezone not in zones:
                zones[contact.timezone] = identities.window_zone(sender, contact.timezone)
            send_at = planner.slot(now, zones[contact.timezone])
            if send_at > now:
                notes.append("Waits for the sending window or the daily cap.")
            if first is not None:
                pitch = FirstPitch(recipient.opportunity_id, contact, context, *first, send_at)
        if contact is not None and contact.is_role_address:
            notes.append("A role address (info@, editor@...), not a person.")
        checks.append(RecipientCheck(
            recipient=recipient, email=contact.email if contact else "", name=contact.name if contact else "",
            site_domain=contact.site.domain if contact and contact.site else recipient.context.get("site_domain", ""),
            reasons=tuple(reasons), notes=tuple(notes), send_at=send_at, context=context, first=pitch,
        ))
    return Checklist(tuple(general), tuple(checks))


@dataclass(frozen=True)
class LaunchResult:
    """How many recipients were enrolled and queued, and who was skipped."""

    enrolled: int
    skipped: tuple[RecipientCheck, ...]


def _record_queued(workspace_id: int, pitches: list[FirstPitch], actor_id: int | None) -> None:
    """One timeline event per queued first pitch, written as one multi-row INSERT (not committed)."""
    stamp = utcnow()
    db.session.execute(insert(timeline.Activity.__table__), [{
        "workspace_id": workspace_id, "kind": "outreach_queued", "summary": f"First pitch to {p.contact.email} queued",
        "site_id": p.contact.site_id, "contact_id": p.contact.id, "opportunity_id": p.opportunity_id,
        "actor_id": actor_id, "data": None, "happened_at": stamp} for p in pitches])


@collector_paused()
def launch(workspace_id: int, sequence_id: int, recipients: list[Recipient], actor_id: int | None,
           now: datetime | None = None) -> LaunchResult:
    """Enrol every ready recipient and queue their first pitch in one transaction; commits."""
    now = now or utcnow()
    try:
        result = checklist(workspace_id, sequence_id, recipients, now)
        if result.sequence_problems:
            raise LaunchError(" ".join(result.sequence_problems))
        if not result.ready:
            raise LaunchError("Nobody is ready to receive this sequence; the checklist says why for each recipient.")
        sequence = db.session.get(Sequence, sequence_id)
        pitches = [check.first for check in result.ready]
        if any(p is None for p in pitches):
            raise LaunchError("A first pitch could not be rendered; reload the checklist.")
        try:
            queue_first_steps(sequence, steps_of(sequence)[0], pitches)
        except IntegrityError as exc:  # someone queued the same (campaign, step, contact) since the checklist
            raise LaunchError("A first pitch was queued by someone else meanwhile; reload the checklist.") from exc
        _record_queued(workspace_id, pitches, actor_id)
        sequence.status = "active"
        sequence.launched_at = sequence.launched_at or now
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return LaunchResult(enrolled=len(result.ready), skipped=tuple(result.blocked))
