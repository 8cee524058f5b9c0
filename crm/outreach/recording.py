"""What a send attempt came to, written to the outbox row; the one place a message becomes "sent", exactly once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import String, bindparam, case, func, select, update

from crm import events, timeline
from crm.db import utcnow
from crm.extensions import db
from crm.mail.message import SendOutcome
from crm.outreach.models import EmailEvent, Enrollment, OutboundMessage
from crm.outreach.sequencing import after_sent
from crm.outreach.threads import note_sent

MAX_ATTEMPTS = 8
# SendGrid reports "processed" within seconds; with its events flowing for later mail and none for ours after
# this long, the request that might have gone out did not
UNKNOWN_GRACE = timedelta(minutes=15)
_NO_SYNC = {"synchronize_session": False}
_MINE = ("sending",)
_UNSENT = ("queued", "sending", "unknown")
# The statements every send runs are built once: building and keying an ORM update per message cost more
# than the database work it asks for.
_T = OutboundMessage.__table__
_START = (
    update(_T).where(_T.c.id == bindparam("p_id"), _T.c.status == "sending", _T.c.lease_owner == bindparam("p_worker"))
    .values(request_started_at=bindparam("p_now"), attempts=_T.c.attempts + 1, updated_at=bindparam("p_now"))
)
_PROVIDER_ID = func.coalesce(_T.c.provider_message_id, bindparam("p_provider", type_=String))
_SETTLED = {"provider_message_id": _PROVIDER_ID, "lease_owner": None, "lease_expires_at": None, "last_error": "",
            "updated_at": bindparam("p_now")}
_MINE_NOW = (_T.c.id == bindparam("p_id"), _T.c.status.in_(_MINE), _T.c.lease_owner == bindparam("p_worker"))


def start_request(message_id: int, worker: str, now: datetime | None = None) -> bool:
    """Mark that the request is about to go out (committed first); False when this worker lost the lease."""
    now = now or utcnow()
    done = db.session.execute(_START, {"p_id": message_id, "p_worker": worker, "p_now": now}).rowcount
    db.session.commit()
    return bool(done)


@dataclass(frozen=True)
class Sent:
    """What the rest of a send needs to know about a message that has just gone out."""

    id: int
    workspace_id: int
    campaign_id: int | None
    enrollment_id: int | None
    opportunity_id: int | None
    contact_id: int | None
    site_id: int | None
    step_position: int
    to_email: str
    subject: str
    sent_at: datetime


_FIRST_SENT = (
    update(_T).where(_T.c.id == bindparam("p_id"), _T.c.sent_at.is_(None))
    .values(sent_at=bindparam("p_when"), status=case((_T.c.status.in_(_UNSENT), bindparam("p_status", type_=String)),
                                                     else_=_T.c.status), **_SETTLED)
    .returning(*(_T.c[name] for name in Sent.__dataclass_fields__))
)
_SETTLE_AGAIN = (update(_T).where(_T.c.id == bindparam("p_id"), _T.c.status.in_(_UNSENT))
                 .values(status=bindparam("p_status", type_=String), **_SETTLED))


def mark_sent(message_id: int, when: datetime, provider_message_id: str | None = None,
              status: str = "sent") -> Sent | None:
    """Record that a message went out (not committed); returns it the first time only, so effects run once."""
    values = {"p_id": message_id, "p_when": when, "p_provider": provider_message_id, "p_status": status,
              "p_now": utcnow()}
    first = db.session.execute(_FIRST_SENT, values).first()
    if first is None:  # told before (an event came first): settle the status and lease only
        db.session.execute(_SETTLE_AGAIN, values)
        return None
    row = Sent(*first)
    after_sent(row, when)
    note_sent(row)
    what = ("Answer" if row.step_position == 0 else "First pitch" if row.step_position == 1
            else f"Follow-up {row.step_position - 1}")
    timeline.record(row.workspace_id, "message_sent", f"{what} sent to {row.to_email}: {row.subject}",
                    site_id=row.site_id, contact_id=row.contact_id, opportunity_id=row.opportunity_id,
                    data={"message_id": row.id, "step": row.step_position}, when=when)
    return row


def announce_sent(row: Sent) -> None:
    """Tell other features a message went out (in the sender's transaction: delivered once it commits)."""
    events.announce(events.message_sent, row.workspace_id, message_id=row.id, campaign_id=row.campaign_id,
                    opportunity_id=row.opportunity_id, contact_id=row.contact_id, site_id=row.site_id,
                    step=row.step_position, sent_at=row.sent_at)


def _stop_after_failure(enrollment_id: int | None, reason: str) -> None:
    if enrollment_id is not None:
        db.session.execute(
            update(Enrollment).where(Enrollment.id == enrollment_id, Enrollment.status.in_(("active", "paused")))
            .values(status="stopped", stop_reason=reason, next_due_at=None), execution_options=_NO_SYNC,
        )


def record_outcome(row: OutboundMessage, worker: str, outcome: SendOutcome, now: datetime | None = None,
                   attempts: int | None = None) -> str:
    """Write an attempt's outcome for a claimed row; returns its count (sent, retry, failed, unknown); commits.

    `row` is the claimed row as the claim loaded it (nothing is read again); `attempts` counts this one when its
    request was started, and defaults to the row's own count.
    """
    now = now or utcnow()
    attempts = row.attempts if attempts is None else attempts
    try:
        if outcome.accepted:
            sent = mark_sent(row.id, now, outcome.provider_message_id)
            if sent is not None:
                announce_sent(sent)
            db.session.commit()
            return "sent"
        if outcome.should_retry and outcome.maybe_sent:
            kind, values = "unknown", {"status": "unknown", "last_error": (
                f"{outcome.reason}; waiting for the provider's events before any resend")}
        elif outcome.should_retry and attempts < MAX_ATTEMPTS:
            kind, values = "retry", {"status": "queued", "next_attempt_at": outcome.retry_at or now,
                                     "request_started_at": None, "last_error": outcome.reason}
        else:
            reason = outcome.reason if outcome.failed else f"gave up after {attempts} attempts: {outcome.reason}"
            kind, values = "failed", {"status": "failed", "last_error": reason}
        release = {"lease_owner": None, "lease_expires_at": None, "updated_at": now}
        changed = db.session.execute(update(_T).where(*_MINE_NOW).values(**values, **release),
                                     {"p_id": row.id, "p_worker": worker}).rowcount
        if changed and kind == "failed":
            _stop_after_failure(row.enrollment_id, "send failed")
        db.session.commit()
        return kind if changed else "lost_lease"
    except Exception:
        db.session.rollback()
        raise


def reconcile_unknown(now: datetime | None = None, lookup=None, limit: int = 500) -> dict[str, int]:
    """Settle "unknown" rows: by the backend's own record when it keeps one, else by the provider's events; commits.

    `lookup(idempotency_key)` (the file backend's) returns a provider id when the message exists, None when not.
    Without it, a row goes back to the queue only when the provider has reported "processed" for mail sent well
    after this row's request, and nothing for this row: events flow, and this message was never taken.
    """
    now = now or utcnow()
    counts = {"reconciled_sent": 0, "reconciled_unsent": 0}
    rows = db.session.scalars(select(OutboundMessage).where(OutboundMessage.status == "unknown")
                              .order_by(OutboundMessage.id).limit(limit)).all()
    for row in rows:
        started = row.request_started_at or row.updated_at
        heard = db.session.scalar(select(EmailEvent.id).where(EmailEvent.message_id == row.id).limit(1))
        if lookup is not None:
            provider_id = lookup(row.idempotency_key)
            verdict = provider_id is not None
        elif heard is None and now - started > UNKNOWN_GRACE:
            later = db.session.scalar(select(EmailEvent.id).where(
                EmailEvent.event == "processed", EmailEvent.occurred_at > started + UNKNOWN_GRACE).limit(1))
            verdict, provider_id = (False if later is not None else None), None
        else:
            verdict, provider_id = None, None
        if verdict is True:
            sent = mark_sent(row.id, started, provider_id)
            if sent is not None:
                announce_sent(sent)
            db.session.commit()
            counts["reconciled_sent"] += 1
        elif verdict is False:
            db.session.execute(update(OutboundMessage).where(OutboundMessage.id == row.id,
                                                             OutboundMessage.status == "unknown")
                               .values(status="queued", next_attempt_at=now, request_started_at=None,
                                       last_error="the provider never took the earlier attempt; sending again"),
                               execution_options=_NO_SYNC)
            db.session.commit()
            counts["reconciled_unsent"] += 1
    return counts
