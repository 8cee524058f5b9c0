"""Turning sequence steps into outbox rows: render, schedule inside window and cap, and advance after each send."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select, update

from crm.accounts.models import Workspace
from crm.extensions import db
from crm.outreach import composing, identities, rendering, rowbatch, variants
from crm.outreach.models import Enrollment, OutboundMessage, SenderIdentity, Sequence, SequenceStep
from crm.outreach.recipients import render_context
from crm.outreach.scheduling import add_business_days, day_bounds, next_send_time

_RE_PREFIX = re.compile(r"^\s*(?:re|aw|sv|fw|fwd)\s*:\s*", re.I)


def idempotency_key(campaign_id: int, position: int, contact_id: int) -> str:
    """The outbox key that makes a (campaign, step, contact) message unique: it can never be queued twice."""
    return f"campaign:{campaign_id}/step:{position}/contact:{contact_id}"


def follow_up_subject(first_subject: str) -> str:
    """"Re: <first subject>" for a follow-up whose template leaves the subject blank."""
    return "Re: " + _RE_PREFIX.sub("", first_subject).strip()


def step_values(context: dict, sender_name: str) -> rendering.Values:
    """A recipient's merge fields checked and flattened once, for rendering every step and variant."""
    return rendering.prepare(render_context(context, sender_name))


def render_step(template, position: int, context: dict | rendering.Values, sender_name: str,
                first_subject: str = "") -> tuple[rendering.Rendered | None, list[rendering.Problem]]:
    """Render one step for one recipient; a follow-up with a blank subject replies in the first message's thread."""
    values = context if isinstance(context, rendering.Values) else render_context(context, sender_name)
    subject_source = template.subject
    reuse_subject = position > 1 and not template.subject.strip()
    if reuse_subject:
        subject_source = "-"  # rendered only to satisfy the renderer; the thread's subject replaces it
    rendered, problems = rendering.attempt(subject_source, template.body, values)
    if problems:
        return None, problems
    if reuse_subject:
        rendered = rendering.Rendered(follow_up_subject(first_subject or rendered.subject), rendered.body)
    return rendered, []


class CapPlanner:
    """Finds each new message a slot inside the identity's window on the first day its daily cap allows."""

    def __init__(self, sender: SenderIdentity):
        self.sender = sender
        self.zone = identities.sender_zone(sender)
        self.window = identities.sending_window(sender)
        self._counts: dict = {}
        self._opens: dict = {}  # next_send_time is pure: a launch asks it the same (earliest, zone) for everyone

    def _planned(self, moment: datetime) -> int:
        day = moment.astimezone(self.zone).date()
        if day not in self._counts:
            self._counts[day] = identities.planned_on_day(self.sender.id, moment, self.zone)
        return self._counts[day]

    def slot(self, earliest: datetime, window_tz: ZoneInfo, take: bool = True) -> datetime:
        """The first instant at or after `earliest` inside the window with room under the cap; counts it if `take`."""
        at = self._opens.get((earliest, window_tz))
        if at is None:
            at = self._opens[earliest, window_tz] = next_send_time(earliest, self.window, window_tz)
        cap = self.sender.daily_cap or 0
        for _ in range(400):
            if not cap or self._planned(at) < cap:
                if take and cap:
                    self._counts[at.astimezone(self.zone).date()] += 1
                return at
            at = next_send_time(day_bounds(at, self.zone)[1], self.window, window_tz)
        raise identities.IdentityError("the daily cap leaves no room in the next year")


@dataclass(frozen=True)
class QueueResult:
    """A queued row, or the problems that kept the step from being queued."""

    message: OutboundMessage | None
    problems: tuple[rendering.Problem, ...] = ()


def _previous_messages(enrollment: Enrollment, position: int) -> list[OutboundMessage]:
    return list(db.session.scalars(
        select(OutboundMessage).where(
            OutboundMessage.enrollment_id == enrollment.id, OutboundMessage.step_position < position
        ).order_by(OutboundMessage.step_position)
    ))


@dataclass(frozen=True)
class _Shared:
    """What every row of one sender and workspace shares: the footer's address and the link settings."""

    postal_address: str
    settings: composing.Settings

    @classmethod
    def of(cls, workspace_id: int, sender: SenderIdentity) -> _Shared:
        workspace = db.session.get(Workspace, workspace_id)
        return cls(workspace.postal_address, composing.Settings.from_config(current_app.config, sender.reply_domain))


def same_values(step: SequenceStep, sender: SenderIdentity) -> dict:
    """The columns every outbox row of one step and sender shares, read once for a launch's thousands of rows."""
    return {"step_id": step.id, "step_position": step.position, "sender_id": sender.id,
            "from_email": sender.from_email, "from_name": sender.from_name, "status": "queued"}


def message_values(enrollment, step: SequenceStep, label: str, template_id: int, rendered: rendering.Rendered,
                   contact, at: datetime, sender: SenderIdentity, shared: _Shared,
                   earlier: list[OutboundMessage] | tuple = (), same: dict | None = None) -> dict:
    """The column values of one rendered, scheduled outbox row; `enrollment` has the Enrollment's fields.

    `same` is same_values(step, sender), when the caller writes many rows of that step and sender.
    """
    same = same or same_values(step, sender)
    key = idempotency_key(enrollment.campaign_id, same["step_position"], enrollment.contact_id)
    unsubscribe = composing.unsubscribe_url(shared.settings, enrollment.workspace_id, enrollment.contact_id)
    return {
        **same, "workspace_id": enrollment.workspace_id, "idempotency_key": key,
        "campaign_id": enrollment.campaign_id, "sequence_id": enrollment.sequence_id,
        "template_id": template_id, "variant": label, "enrollment_id": enrollment.id,
        "opportunity_id": enrollment.opportunity_id, "contact_id": enrollment.contact_id,
        "site_id": enrollment.site_id, "to_email": contact.email, "to_name": contact.name,
        "recipient_timezone": (getattr(contact, "timezone", "") or "")[:64], "subject": rendered.subject,
        "body_text": composing.with_footer(rendered.body, shared.postal_address, unsubscribe),
        "message_id_header": composing.message_id_for(key, same["from_email"]),
        "in_reply_to": earlier[-1].message_id_header if earlier else "",
        "due_at": at, "next_attempt_at": at,
    }


@dataclass(frozen=True)
class _Enrolled:
    """The enrollment fields an outbox row copies, read from an Enrollment object."""

    id: int
    workspace_id: int
    campaign_id: int | None
    sequence_id: int
    opportunity_id: int | None
    contact_id: int
    site_id: int

    @classmethod
    def of(cls, enrollment: Enrollment) -> _Enrolled:
        sequence = enrollment.sequence
        return cls(enrollment.id, enrollment.workspace_id, sequence.campaign_id, sequence.id,
                   enrollment.opportunity_id, enrollment.contact_id, enrollment.site_id)


def _row(enrollment: Enrollment, step: SequenceStep, contact, earliest: datetime, planner: CapPlanner,
         recipient_timezone: str, earlier: list[OutboundMessage], shared: _Shared) -> QueueResult:
    """The rendered, scheduled outbox row for one enrollment (not added), or the problems that stop it."""
    sender = planner.sender
    label, template = variants.choose(step, enrollment.contact_id)
    rendered, problems = render_step(template, step.position, enrollment.context or {}, sender.from_name,
                                     earlier[0].subject if earlier else "")
    if rendered is None:
        return QueueResult(None, tuple(problems))
    at = planner.slot(earliest, identities.window_zone(sender, recipient_timezone))
    return QueueResult(OutboundMessage(**message_values(
        _Enrolled.of(enrollment), step, label, template.id, rendered, contact, at, sender, shared, earlier)))


def queue_step(enrollment: Enrollment, step: SequenceStep, earliest: datetime, planner: CapPlanner,
               recipient_timezone: str = "") -> QueueResult:
    """Render and queue one step for an enrolled contact (not committed); nothing when its key already exists."""
    key = idempotency_key(enrollment.sequence.campaign_id, step.position, enrollment.contact_id)
    if db.session.scalar(select(OutboundMessage.id).where(OutboundMessage.idempotency_key == key)) is not None:
        return QueueResult(None)
    earlier = _previous_messages(enrollment, step.position) if step.position > 1 else []
    shared = _Shared.of(enrollment.workspace_id, planner.sender)
    result = _row(enrollment, step, enrollment.contact, earliest, planner, recipient_timezone, earlier, shared)
    if result.message is not None:
        db.session.add(result.message)
        db.session.flush()  # the row id goes into the signed Reply-To token
        result.message.reply_to = composing.reply_to_for(shared.settings, result.message.id)
    return result


@dataclass(frozen=True)
class FirstPitch:
    """One new enrollment's first message, already rendered and scheduled by the launch checklist."""

    opportunity_id: int | None
    contact: object  # the Contact (email, name, site_id)
    context: dict
    label: str
    template_id: int
    rendered: rendering.Rendered
    at: datetime


_CHUNK = 5000  # values per IN list when reading new ids back, well inside SQLite's and PostgreSQL's limits


def _ids_by(key_column, keys: list, *where) -> dict:
    """{key: id} for the rows just inserted, read back in chunks (RETURNING would cost a round trip per row)."""
    found: dict = {}
    for start in range(0, len(keys), _CHUNK):
        found.update(db.session.execute(select(key_column, key_column.table.c.id).where(
            *where, key_column.in_(keys[start:start + _CHUNK]))).all())
    return found


def queue_first_steps(sequence: Sequence, step: SequenceStep, pitches: list[FirstPitch]) -> None:
    """Enrol every recipient and queue their rendered first pitch (not committed).

    Plain rows and one executemany per table (crm.outreach.rowbatch): a launch of thousands would otherwise spend
    its time building ORM objects and on round trips. A key already in the outbox raises IntegrityError, which
    undoes it all.
    """
    if not pitches:
        return
    sender, ws = sequence.sender, sequence.workspace_id
    enrollments, outbox = Enrollment.__table__, OutboundMessage.__table__
    rowbatch.insert_rows(enrollments, [{
        "workspace_id": ws, "sequence_id": sequence.id, "opportunity_id": p.opportunity_id, "contact_id": p.contact.id,
        "site_id": p.contact.site_id, "status": "active", "next_position": 1, "context": p.context,
    } for p in pitches])
    contact_ids = [p.contact.id for p in pitches]
    enrolled = _ids_by(enrollments.c.contact_id, contact_ids, enrollments.c.sequence_id == sequence.id)
    shared, same = _Shared.of(ws, sender), same_values(step, sender)
    rowbatch.insert_rows(outbox, [message_values(
        _Enrolled(enrolled[p.contact.id], ws, sequence.campaign_id, sequence.id, p.opportunity_id, p.contact.id,
                  p.contact.site_id), step, p.label, p.template_id, p.rendered, p.contact, p.at, sender, shared,
        same=same) for p in pitches])
    if shared.settings.reply_domain:  # the row id goes into the signed Reply-To token
        queued = _ids_by(outbox.c.enrollment_id, [enrolled[c] for c in contact_ids])
        db.session.execute(update(OutboundMessage), [
            {"id": row_id, "reply_to": composing.reply_to_for(shared.settings, row_id)} for row_id in queued.values()])


def steps_of(sequence: Sequence) -> list[SequenceStep]:
    """The sequence's steps in order."""
    return sorted(sequence.steps, key=lambda s: s.position)


def next_due(enrollment: Enrollment, sent_at: datetime) -> datetime | None:
    """When the step after the one just sent becomes due (business days in the sender's zone), or None at the end."""
    steps = steps_of(enrollment.sequence)
    following = [s for s in steps if s.position == enrollment.next_position]
    if not following:
        return None
    sender = enrollment.sequence.sender
    zone = identities.sender_zone(sender) if sender is not None else ZoneInfo("UTC")
    return add_business_days(sent_at, following[0].delay_business_days, zone)


def after_sent(row, sent_at: datetime) -> None:
    """Move the row's enrollment past the step just sent and say when the next one is due (not committed)."""
    if row.enrollment_id is None:
        return
    enrollment = db.session.get(Enrollment, row.enrollment_id)
    if enrollment is None or enrollment.next_position > row.step_position:
        return
    enrollment.next_position = row.step_position + 1
    enrollment.next_due_at = next_due(enrollment, sent_at)
    if enrollment.next_due_at is None and enrollment.status == "active":
        enrollment.status, enrollment.stop_reason = "finished", "all steps sent"
