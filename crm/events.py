"""The product's domain events as signals: one feature announces, others subscribe, after the sender's commit.

A sender calls `announce(signal, workspace_id, **values)` inside its own transaction: that writes a
`pending_event` row, saved or rolled back with the sender's work. Once the sender's transaction commits, the
rows it wrote are dispatched: claimed once (a conditional UPDATE, so two dispatchers never deliver one event
twice), every subscriber run in one transaction, each in its own savepoint (a failing subscriber is logged and
undone alone), committed once. Rows a killed worker left undispatched are picked up by `dispatch_overdue`.
Subscribers never commit; what must happen outside the database (a job enqueued, a mail sent) goes through
`after_commit`, which runs once the dispatch (or any) transaction has committed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from datetime import date, datetime, timedelta

from blinker import NamedSignal
from sqlalchemy import JSON, Index, String, delete, event, insert, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from crm.db import Base, UTCDateTime, utcnow

log = logging.getLogger(__name__)
OVERDUE = timedelta(seconds=30)  # a committed event not dispatched by then lost its worker
KEEP = timedelta(days=7)  # dispatched rows kept this long, to read what happened
CHUNK = 500  # ids per claim (well under any database's bound-parameter limit)


class DomainSignal(NamedSignal):
    """A signal delivered only through the event queue: `.send()` refuses, so nobody announces before a commit."""

    def send(self, *args, **kwargs):
        """Refuse: announce with `events.announce(signal, workspace_id, ...)` in the sender's transaction."""
        raise RuntimeError(f"{self.name}: use crm.events.announce(...) so it is delivered after the commit")


SIGNALS: dict[str, DomainSignal] = {}


def _signal(name: str) -> DomainSignal:
    SIGNALS[name] = DomainSignal(name)
    return SIGNALS[name]


# Outreach announces these; each is delivered with sender=workspace_id and keyword arguments named below.
message_sent = _signal("message-sent")  # message_id, campaign_id, opportunity_id, contact_id, site_id, step, sent_at
reply_received = _signal("reply-received")  # reply_id, kind, campaign_id, opportunity_id, contact_id
bounce = _signal("bounce")  # message_id, contact_id, email, permanent
unsubscribe = _signal("unsubscribe")  # contact_id, email
# an address was suppressed (bounce, unsubscribe, spam report, by hand): prospects marks its contacts
address_blocked = _signal("address-blocked")  # email, reason

# Links announces these.
link_live = _signal("link-live")  # backlink_id, opportunity_id, campaign_id
link_changed = _signal("link-changed")  # backlink_id, opportunity_id, campaign_id, old_status, new_status
link_lost = _signal("link-lost")  # backlink_id, opportunity_id, campaign_id, reasons
# backlink_id, campaign_id, opportunity_id, cost_cents (None: no cost), currency, source_url, placed_on, deleted
link_cost_set = _signal("link-cost-set")

# Campaigns announces this for any stage change, by a person or an event.
# reason: "" for a person's move, else why it moved ("reply received", "link verified live", ...)
stage_changed = _signal("stage-changed")  # opportunity_id, campaign_id, site_id, from_stage, to_stage, reason

# Prospects announces these. A contact's or site's status changed (any status but ok/active forbids mail):
# outreach keeps its own copy, so the outbox never reads prospects' tables. `at` orders late deliveries.
contact_status_changed = _signal("contact-status-changed")  # contact_ids, status, at
site_status_changed = _signal("site-status-changed")  # site_ids, status, at
# a background import has finished
import_finished = _signal("import-finished")  # job_id, format, new, updated, skipped, errors

# Accounts announces this when someone becomes a member of a workspace.
member_joined = _signal("member-joined")  # user_id, role


class PendingEvent(Base):
    """One announced event: written in the sender's transaction, dispatched (once) after it committed."""

    __tablename__ = "pending_event"
    __table_args__ = (Index("ix_pending_event_undispatched", "dispatched_at", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(nullable=False)
    signal: Mapped[str] = mapped_column(String(40), nullable=False)
    payload: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


_T = PendingEvent.__table__
_INSERT = insert(_T).returning(_T.c.id)


def _encode(value):
    """Values as JSON: dates and times tagged so subscribers get them back as they were sent."""
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, dict):
        return {str(k): _encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"an event value must be plain data, not {type(value).__name__}")


def _decode(value):
    if isinstance(value, dict):
        if len(value) == 1 and "$datetime" in value:
            return datetime.fromisoformat(value["$datetime"])
        if len(value) == 1 and "$date" in value:
            return date.fromisoformat(value["$date"])
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def _session(session=None):
    if session is None:
        from crm.extensions import db

        session = db.session()
    return session


def announce(signal: DomainSignal, workspace_id: int, session=None, **values) -> int:
    """Announce an event in the caller's transaction (not committed); delivered once that commits. Returns its id."""
    return announce_many(signal, [(workspace_id, values)], session)[0]


def announce_many(signal: DomainSignal, items: Iterable[tuple[int, dict]], session=None) -> list[int]:
    """Announce several events of one signal with one statement (bulk senders); returns their ids."""
    session = _session(session)
    now = utcnow()
    rows = [{"workspace_id": workspace_id, "signal": signal.name, "payload": _encode(values), "created_at": now}
            for workspace_id, values in items]
    if not rows:
        return []
    if signal.name not in SIGNALS:
        raise ValueError(f"not a domain signal: {signal.name}")
    ids = list(session.execute(_INSERT, rows).scalars())
    session.info.setdefault(_PENDING, []).extend(ids)
    return ids


def dispatch(ids: Iterable[int], session=None) -> int:
    """Deliver these events unless someone already has: claim, run every subscriber, commit once. Returns how many.

    Each subscriber runs in its own savepoint; one that fails is logged and its changes undone, the others stand.
    When the commit fails, nothing is claimed and `dispatch_overdue` tries again later.
    """
    session = _session(session)
    ids = sorted(set(ids))
    delivered = 0
    for start in range(0, len(ids), CHUNK):
        claimed = session.execute(
            update(_T).where(_T.c.id.in_(ids[start:start + CHUNK]), _T.c.dispatched_at.is_(None))
            .values(dispatched_at=utcnow()).returning(_T.c.id, _T.c.signal, _T.c.workspace_id, _T.c.payload)
        ).all()
        for row in sorted(claimed):
            _deliver(session, row.signal, row.workspace_id, _decode(row.payload))
        try:
            session.commit()
        except Exception:
            session.rollback()
            raise
        delivered += len(claimed)
    return delivered


def _deliver(session, name: str, workspace_id: int, values: dict) -> None:
    signal = SIGNALS.get(name)
    if signal is None:
        log.error("an event of unknown signal %r was dropped", name)
        return
    for receiver in list(signal.receivers_for(workspace_id)):
        try:
            with session.begin_nested():
                receiver(workspace_id, **values)
        except Exception:
            log.exception("%s could not handle %s for workspace %s; its changes were undone",
                          getattr(receiver, "__name__", receiver), name, workspace_id)


def dispatch_overdue(now: datetime | None = None, older_than: timedelta = OVERDUE, keep: timedelta = KEEP,
                     limit: int = 5000, session=None) -> dict[str, int]:
    """Deliver events committed but left undispatched (a worker killed in between), and prune old ones; commits."""
    session = _session(session)
    now = now or utcnow()
    ids = list(session.scalars(select(_T.c.id).where(_T.c.dispatched_at.is_(None), _T.c.created_at <= now - older_than)
                               .order_by(_T.c.id).limit(limit)))
    session.commit()  # end the read before dispatching: each claim is its own transaction
    delivered = dispatch(ids, session)
    pruned = session.execute(delete(_T).where(_T.c.dispatched_at < now - keep)).rowcount or 0
    session.commit()
    return {"dispatched": delivered, "pruned": pruned}


class _Held:
    """Committed events waiting for one dispatch (see `held`)."""

    def __init__(self, session, every: int | None) -> None:
        self.session, self.every, self.ids = session, every, []
        self.outer = False  # set by a caller holding around other holders: they leave flushing to it

    def flush(self) -> None:
        """Dispatch what is waiting now."""
        ids, self.ids = self.ids, []
        if ids:
            _dispatch_safely(self.session, ids)


@contextmanager
def held(session=None, every: int | None = None):
    """Within the block, committed events wait and go in one dispatch (at `every` events, `flush()`, or the end).

    For loops that commit once per item (the outbox): one dispatch transaction serves many items.
    """
    session = _session(session)
    if _HELD in session.info:  # an outer block already holds them
        yield session.info[_HELD]
        return
    holding = session.info[_HELD] = _Held(session, every)
    try:
        yield holding
    finally:
        session.info.pop(_HELD, None)
        holding.flush()


# After the commit: ids announced in a transaction wait on the session (dropped when it or their savepoint rolls
# back) until it commits; then they are dispatched. Callables queued with `after_commit` run the same way.
_PENDING, _READY, _MARKS, _HELD = "events_pending", "events_ready", "events_savepoint_marks", "events_held"


def after_commit(effect: Callable[[], object], session=None) -> None:
    """Run `effect()` once the session's current transaction commits (a released savepoint is not a commit)."""
    _session(session).info.setdefault(_PENDING, []).append(effect)


@event.listens_for(Session, "after_transaction_create")
def _mark_savepoint(session, transaction) -> None:
    if transaction.nested:
        session.info.setdefault(_MARKS, {})[transaction] = len(session.info.get(_PENDING, ()))


@event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(session, previous_transaction) -> None:
    pending = session.info.get(_PENDING)
    if not pending:
        return
    mark = session.info.get(_MARKS, {}).get(previous_transaction, len(pending)) if previous_transaction.nested else 0
    del pending[mark:]


@event.listens_for(Session, "after_commit")
def _ready(session) -> None:
    session.info.setdefault(_READY, []).extend(session.info.pop(_PENDING, ()))


def _dispatch_enabled() -> bool:
    from flask import current_app, has_app_context

    return not has_app_context() or bool(current_app.config.get("EVENTS_DISPATCH", True))


def _dispatch_safely(session, ids: list[int]) -> None:
    if not _dispatch_enabled():
        return
    try:
        dispatch(ids, session)
    except Exception:  # the events stay queued: dispatch_overdue delivers them
        log.exception("dispatching %d event(s) failed; they will be retried", len(ids))


@event.listens_for(Session, "after_transaction_end")
def _announce(session, transaction) -> None:
    if transaction.nested:
        session.info.get(_MARKS, {}).pop(transaction, None)
        return
    if transaction.parent is not None:
        return
    session.info.pop(_PENDING, None)  # never committed (closed or rolled back): nothing happened to announce
    session.info.pop(_MARKS, None)
    ready = session.info.pop(_READY, [])
    ids = [item for item in ready if isinstance(item, int)]
    if ids:
        holding = session.info.get(_HELD)
        if holding is not None:
            holding.ids.extend(ids)
            if holding.every is not None and len(holding.ids) >= holding.every:
                holding.flush()
        else:
            _dispatch_safely(session, ids)
    for effect in ready:  # the session is free again
        if isinstance(effect, int):
            continue
        try:
            effect()
        except Exception:
            log.exception("an effect after a commit failed; the committed change stands")
            session.rollback()
