"""The outbox's claim: workers take due rows under a lease and re-check, inside the claim, that each may still go.

PostgreSQL claims with ``FOR UPDATE SKIP LOCKED``, so workers on many hosts never wait on one another;
SQLite claims with one guarded ``UPDATE ... WHERE status = 'queued' RETURNING id`` (SQLite runs one writer at
a time, so the guard is all it takes). A lapsed lease is recovered: back to queued when no request went out,
to "unknown" when one may have, because then only the provider's events can say whether it was sent.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, update

from crm.db import utcnow
from crm.extensions import db
from crm.outreach import blocks, identities, suppression
from crm.outreach.models import Enrollment, OutboundMessage, SenderIdentity
from crm.outreach.scheduling import day_bounds, next_send_time
from crm.outreach.stopping import stop_enrollments

LEASE_SECONDS = 300  # longer than a batch of sends at the backend's timeout; a lapsed lease means a dead worker
_NO_SYNC = {"synchronize_session": False}


@dataclass
class Claim:
    """The rows a worker may send now, and what the in-claim checks did with the others."""

    rows: list[OutboundMessage] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)


def _claim_ids(worker: str, limit: int, now: datetime, lease_seconds: int, workspace_id: int | None) -> list[int]:
    due = (
        select(OutboundMessage.id)
        .where(OutboundMessage.status == "queued", OutboundMessage.next_attempt_at <= now)
        .order_by(OutboundMessage.next_attempt_at, OutboundMessage.id)
        .limit(limit)
    )
    if workspace_id is not None:
        due = due.where(OutboundMessage.workspace_id == workspace_id)
    if db.session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    claimed = db.session.execute(
        update(OutboundMessage)
        .where(OutboundMessage.id.in_(due), OutboundMessage.status == "queued")
        .values(status="sending", lease_owner=worker, lease_expires_at=now + timedelta(seconds=lease_seconds),
                request_started_at=None, updated_at=now)
        .returning(OutboundMessage.id),
        execution_options=_NO_SYNC,
    )
    return sorted(claimed.scalars())


def _release(row: OutboundMessage, at: datetime, why: str) -> None:
    row.status, row.next_attempt_at, row.last_error = "queued", at, why
    row.lease_owner = row.lease_expires_at = None


def _cancel(row: OutboundMessage, why: str) -> None:
    row.status, row.last_error = "cancelled", why
    row.lease_owner = row.lease_expires_at = None


def _screen(rows: list[OutboundMessage], now: datetime, counts: Counter) -> list[OutboundMessage]:
    """Suppression, stopped or paused sequences, sender, window and cap, checked while the rows are claimed.

    A contact's or site's status comes from outreach's own copy of it (crm.outreach.blocks), not prospects' rows.
    """
    by_workspace: dict[int, list[OutboundMessage]] = {}
    for row in rows:
        by_workspace.setdefault(row.workspace_id, []).append(row)
    suppressed = {ws: suppression.find_many(ws, [r.to_email for r in group]) for ws, group in by_workspace.items()}
    contacts, sites = blocks.find({r.contact_id for r in rows if r.contact_id}, {r.site_id for r in rows if r.site_id})
    enrollments = {e.id: e for e in db.session.scalars(select(Enrollment).where(
        Enrollment.id.in_({r.enrollment_id for r in rows if r.enrollment_id} or {0})))}
    senders = {s.id: s for s in db.session.scalars(select(SenderIdentity).where(
        SenderIdentity.id.in_({r.sender_id for r in rows if r.sender_id} or {0})))}
    sent_today: dict[int, int] = {}
    sendable = []
    for row in rows:
        enrollment, sender = enrollments.get(row.enrollment_id), senders.get(row.sender_id)
        hit = suppressed[row.workspace_id].get(suppression.normalise_address(row.to_email))
        blocked = (
            suppression.describe(hit) if hit is not None
            else "the contact was removed" if row.contact_id is None
            else f"the contact is marked {contacts[row.contact_id]}" if row.contact_id in contacts
            else f"the site is marked {sites[row.site_id]}" if row.site_id in sites
            else None
        )
        if blocked:
            _cancel(row, f"not sent: {blocked}")
            if row.contact_id is not None:
                stop_enrollments(row.workspace_id, "suppressed", contact_id=row.contact_id)
            counts["skipped_suppressed"] += 1
            continue
        if enrollment is not None and enrollment.status in ("stopped", "finished"):
            _cancel(row, f"not sent: the sequence stopped ({enrollment.stop_reason or enrollment.status})")
            counts["skipped_stopped"] += 1
            continue
        if enrollment is not None and enrollment.status == "paused" and (enrollment.paused_until or now) > now:
            _release(row, enrollment.paused_until, f"held: {enrollment.stop_reason or 'sequence paused'}")
            counts["held"] += 1
            continue
        if sender is None or not sender.active:
            _release(row, now + timedelta(hours=1), "held: the sender identity is missing or switched off")
            counts["held"] += 1
            continue
        try:
            window, zone = identities.sending_window(sender), identities.window_zone(sender, row.recipient_timezone)
            if not window.contains(now, zone):
                _release(row, next_send_time(now, window, zone), "held: outside the sending window")
                counts["held"] += 1
                continue
            if sender.daily_cap:
                sender_zone = identities.sender_zone(sender)
                if sender.id not in sent_today:
                    sent_today[sender.id] = identities.sent_on_day(sender.id, now, sender_zone)
                if sent_today[sender.id] >= sender.daily_cap:
                    tomorrow = next_send_time(day_bounds(now, sender_zone)[1], window, zone)
                    _release(row, tomorrow, "held: the sender's daily cap is reached")
                    counts["held"] += 1
                    continue
                sent_today[sender.id] += 1
        except identities.IdentityError as exc:
            _release(row, now + timedelta(hours=1), f"held: {exc}")
            counts["held"] += 1
            continue
        sendable.append(row)
    return sendable


def claim(worker: str, limit: int, now: datetime | None = None, lease_seconds: int = LEASE_SECONDS,
          workspace_id: int | None = None) -> Claim:
    """Lease up to `limit` due rows (of one workspace, or all) to this worker, screen them, and commit."""
    now = now or utcnow()
    result = Claim()
    try:
        ids = _claim_ids(worker, limit, now, lease_seconds, workspace_id)
        if ids:
            rows = list(db.session.scalars(select(OutboundMessage).where(OutboundMessage.id.in_(ids))
                                           .order_by(OutboundMessage.id)))
            result.counts["claimed"] += len(rows)
            result.rows = _screen(rows, now, result.counts)
            db.session.flush()
            for row in result.rows:  # detached with their values loaded, so sending reads no row again
                db.session.expunge(row)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return result


def recover_expired(now: datetime | None = None) -> Counter:
    """Rows whose worker died: back to queued if no request went out, else "unknown" until reconciled; commits."""
    now = now or utcnow()
    counts: Counter = Counter()
    lapsed = (OutboundMessage.status == "sending", OutboundMessage.lease_expires_at < now)
    counts["recovered"] = db.session.execute(
        update(OutboundMessage).where(*lapsed, OutboundMessage.request_started_at.is_(None))
        .values(status="queued", lease_owner=None, lease_expires_at=None, updated_at=now),
        execution_options=_NO_SYNC,
    ).rowcount or 0
    counts["unknown"] = db.session.execute(
        update(OutboundMessage).where(*lapsed, OutboundMessage.request_started_at.is_not(None))
        .values(status="unknown", lease_owner=None, lease_expires_at=None, updated_at=now,
                last_error="the sender stopped during the request; waiting for the provider's events to resend"),
        execution_options=_NO_SYNC,
    ).rowcount or 0
    db.session.commit()
    return counts
