"""What people may do to one outbox row by hand: cancel it, send it again, or settle an unknown one as sent."""

from __future__ import annotations

from sqlalchemy import update

from crm.db import utcnow
from crm.extensions import db
from crm.outreach.models import Enrollment, OutboundMessage
from crm.outreach.recording import announce_sent, mark_sent

CANCELLABLE = ("queued", "unknown", "failed")
RETRYABLE = ("failed", "unknown")


class ActionError(ValueError):
    """The row is not in a state that allows the action."""


def cancel(row: OutboundMessage, actor: str) -> None:
    """Keep a queued, unknown or failed message from ever going out; commits."""
    changed = db.session.execute(
        update(OutboundMessage).where(OutboundMessage.id == row.id, OutboundMessage.status.in_(CANCELLABLE))
        .values(status="cancelled", last_error=f"cancelled by {actor}", lease_owner=None, updated_at=utcnow()),
        execution_options={"synchronize_session": False},
    ).rowcount
    db.session.commit()
    if not changed:
        raise ActionError("Only queued, unknown or failed messages can be cancelled.")


def retry(row: OutboundMessage) -> None:
    """Queue a failed message again, or an unknown one someone has checked never went out; commits."""
    now = utcnow()
    changed = db.session.execute(
        update(OutboundMessage).where(OutboundMessage.id == row.id, OutboundMessage.status.in_(RETRYABLE))
        .values(status="queued", next_attempt_at=now, request_started_at=None, last_error="", lease_owner=None,
                lease_expires_at=None, updated_at=now),
        execution_options={"synchronize_session": False},
    ).rowcount
    if changed and row.enrollment_id is not None:
        db.session.execute(
            update(Enrollment).where(Enrollment.id == row.enrollment_id, Enrollment.status == "stopped",
                                     Enrollment.stop_reason == "send failed")
            .values(status="active", stop_reason="", updated_at=now),
            execution_options={"synchronize_session": False},
        )
    db.session.commit()
    if not changed:
        raise ActionError("Only failed or unknown messages can be sent again.")


def settle_as_sent(row: OutboundMessage) -> None:
    """Record an unknown message as sent after someone found it in the provider's activity; commits."""
    if row.status != "unknown":
        raise ActionError("Only messages whose fate is unknown can be marked as sent.")
    sent = mark_sent(row.id, row.request_started_at or utcnow())
    if sent is not None:
        announce_sent(sent)
    db.session.commit()
