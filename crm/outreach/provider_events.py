"""SendGrid Event Webhook events: stored once each by sg_event_id, then applied to the outbox and suppression list."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from crm import events as signals
from crm.db import utcnow
from crm.extensions import db
from crm.outreach.models import EmailEvent, OutboundMessage
from crm.outreach.recording import announce_sent, mark_sent
from crm.outreach.stopping import block_address, stop_enrollments

# how far along a message is; an event never moves it back (SendGrid does not promise order)
RANK = {"queued": 0, "sending": 1, "unknown": 1, "sent": 2, "delivered": 3, "opened": 4, "clicked": 5}
FINAL = ("bounced", "failed", "cancelled")
ACCEPTED_EVENTS = {"processed": "sent", "deferred": "sent", "delivered": "delivered", "open": "opened",
                   "click": "clicked"}
DROP_REASONS = {"bounced address": "bounce", "unsubscribed address": "unsubscribe",
                "spam reporting address": "spam_report"}
_NO_SYNC = {"synchronize_session": False}


class EventError(ValueError):
    """The body is not a list of SendGrid events."""


def _when(event: dict, now: datetime) -> datetime:
    try:
        return datetime.fromtimestamp(int(event.get("timestamp")), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return now


def _message_for(event: dict) -> OutboundMessage | None:
    """The outbox row an event is about: by our opaque custom arg, else by SendGrid's message id."""
    text = str(event.get("outbound_id", "")).strip()
    row = db.session.get(OutboundMessage, int(text)) if text.isdigit() and len(text) < 10 else None
    if row is not None:
        workspace = str(event.get("workspace_id", "")).strip()
        return row if not workspace or workspace == str(row.workspace_id) else None
    provider_id = str(event.get("sg_message_id") or "").split(".", 1)[0]
    if not provider_id:
        return None
    return db.session.scalar(select(OutboundMessage).where(OutboundMessage.provider_message_id == provider_id))


def _advance(row: OutboundMessage, status: str, when: datetime) -> None:
    db.session.execute(
        update(OutboundMessage).where(OutboundMessage.id == row.id, OutboundMessage.status.in_(
            [s for s, rank in RANK.items() if rank < RANK[status]]))
        .values(status=status, updated_at=utcnow()), execution_options=_NO_SYNC,
    )


def _apply(row: OutboundMessage, event: dict, when: datetime) -> None:
    kind = event.get("event")
    db.session.execute(update(OutboundMessage).where(OutboundMessage.id == row.id)
                       .values(last_event_at=when), execution_options=_NO_SYNC)
    if kind in ACCEPTED_EVENTS or kind == "bounce":
        first = mark_sent(row.id, when, str(event.get("sg_message_id") or "").split(".", 1)[0] or None)
        if first is not None:
            announce_sent(first)
    if kind in ACCEPTED_EVENTS:
        _advance(row, ACCEPTED_EVENTS[kind], when)
    elif kind == "bounce":
        permanent = str(event.get("type") or "bounce").lower() != "blocked"
        reason = str(event.get("reason") or event.get("status") or "bounced")[:500]
        db.session.execute(update(OutboundMessage).where(OutboundMessage.id == row.id)
                           .values(status="bounced", last_error=reason), execution_options=_NO_SYNC)
        if permanent:
            block_address(row.workspace_id, row.to_email, "bounce", "sendgrid bounce", [row.contact_id])
        elif row.contact_id is not None:
            stop_enrollments(row.workspace_id, "bounced", contact_id=row.contact_id)
        signals.announce(signals.bounce, row.workspace_id, message_id=row.id, contact_id=row.contact_id,
                         email=row.to_email, permanent=permanent)
    elif kind == "dropped":
        reason = str(event.get("reason") or "dropped by SendGrid")
        db.session.execute(update(OutboundMessage).where(OutboundMessage.id == row.id,
                                                         OutboundMessage.status.not_in(FINAL))
                           .values(status="failed", last_error=f"SendGrid dropped it: {reason}"[:500]),
                           execution_options=_NO_SYNC)
        blocked = DROP_REASONS.get(reason.strip().lower())
        if blocked:
            block_address(row.workspace_id, row.to_email, blocked, "sendgrid dropped", [row.contact_id])
        elif row.contact_id is not None:
            stop_enrollments(row.workspace_id, "dropped", contact_id=row.contact_id)
    elif kind in ("spamreport", "unsubscribe", "group_unsubscribe"):
        reason = "spam_report" if kind == "spamreport" else "unsubscribe"
        block_address(row.workspace_id, row.to_email, reason, f"sendgrid {kind}", [row.contact_id])
        signals.announce(signals.unsubscribe, row.workspace_id, contact_id=row.contact_id, email=row.to_email)


def process(events: object, now: datetime | None = None) -> dict[str, int]:
    """Store and apply a webhook delivery's events; a repeated event changes nothing. Commits."""
    if not isinstance(events, list):
        raise EventError("expected a JSON list of events")
    now = now or utcnow()
    counts = {"stored": 0, "duplicates": 0, "unmatched": 0, "invalid": 0}
    try:
        for event in events:
            event_id = event.get("sg_event_id") if isinstance(event, dict) else None
            if not isinstance(event_id, str) or not event_id or len(event_id) > 255 or not event.get("event"):
                counts["invalid"] += 1
                continue
            if db.session.scalar(select(EmailEvent.id).where(EmailEvent.provider_event_id == event_id)):
                counts["duplicates"] += 1
                continue
            row = _message_for(event)
            when = _when(event, now)
            try:
                with db.session.begin_nested():
                    db.session.add(EmailEvent(
                        workspace_id=row.workspace_id if row else None, provider_event_id=event_id,
                        message_id=row.id if row else None, event=str(event["event"])[:40],
                        email=str(event.get("email") or "")[:254], occurred_at=when, received_at=now, payload=event,
                    ))
            except IntegrityError:
                counts["duplicates"] += 1  # a concurrent delivery of the same event stored it first
                continue
            counts["stored"] += 1
            if row is None:
                counts["unmatched"] += 1
                continue
            _apply(row, event, when)  # its announcements are delivered once this commits
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return counts
