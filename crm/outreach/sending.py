"""`send-due`: recover, reconcile, queue due follow-ups, then claim and send what is due with a pool of workers.

The periodic job and `flask outreach send-due` run this same code. Each worker thread has its own app
context and database session, claims small batches under a lease and records each outcome as it comes.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import select

from crm import events
from crm.db import utcnow
from crm.extensions import db
from crm.mail import link_safety
from crm.mail.delivery import backend_for
from crm.mail.message import FAILED, RETRY, MailBackend, SendOutcome, retry_later
from crm.outreach import composing, mailboxes, outbox, recording
from crm.outreach.advancing import advance_due
from crm.outreach.models import OutboundMessage, SenderIdentity

COUNT_KEYS = ("claimed", "sent", "failed", "retry", "skipped_suppressed", "unknown")
# Tests install a function here to kill the process at a named point ("claimed", "request_started",
# "accepted", "recorded") and prove that no message is lost or sent twice; it is None in production.
CHECKPOINT: Callable[[str, int], None] | None = None


def _checkpoint(point: str, message_id: int) -> None:
    if CHECKPOINT is not None:
        CHECKPOINT(point, message_id)


class SendRefusedError(ValueError):
    """Nothing may be sent now; the message says why and what to change."""


def _sender_backend(sender_id: int | None, default: MailBackend, cache: dict) -> MailBackend:
    """The backend for a sender identity: its own SMTP account when it has one, else the workspace default."""
    if sender_id not in cache:
        sender = db.session.get(SenderIdentity, sender_id) if sender_id is not None else None
        cache[sender_id] = (mailboxes.smtp_backend_for(sender) if sender is not None else None) or default
    return cache[sender_id]


def refusal(workspace_id: int | None = None) -> str | None:
    """Why real mail must not go now (an unsubscribe link recipients cannot reach), or None."""
    config = current_app.config
    backends = {mailboxes.default_backend_name(config)}
    query = select(SenderIdentity.id).where(SenderIdentity.active.is_(True), SenderIdentity.smtp_host != "").limit(1)
    if workspace_id is not None:
        query = query.where(SenderIdentity.workspace_id == workspace_id)
    if db.session.scalar(query) is not None:
        backends.add("smtp")
    return link_safety.refusal(config.get("PUBLIC_BASE_URL") or "", backends)


def _references(row: OutboundMessage) -> list[str]:
    if row.step_position == 0 and row.in_reply_to:  # an answer written in the inbox
        from crm.outreach.answering import references_for  # answering sends through this module

        return references_for(row)
    if row.enrollment_id is None or row.step_position <= 1:
        return []
    return [ref for ref in db.session.scalars(
        select(OutboundMessage.message_id_header).where(
            OutboundMessage.enrollment_id == row.enrollment_id, OutboundMessage.step_position < row.step_position
        ).order_by(OutboundMessage.step_position)
    ) if ref]


def _reply_domain(sender_id: int | None) -> str:
    return db.session.scalar(select(SenderIdentity.reply_domain).where(SenderIdentity.id == sender_id)) or ""


def writer_turns(app: Flask) -> AbstractContextManager:
    """What the sending threads hold while they write: on SQLite, one lock, since it takes one writer at a time.

    Threads that wait for a busy SQLite database sleep in growing steps and poll, and a writer waiting for the
    interpreter holds the database meanwhile; queueing them on a lock instead hands the database over at once.
    On PostgreSQL, rows are locked one by one and nothing needs to wait.
    """
    with app.app_context():
        return threading.Lock() if db.engine.dialect.name == "sqlite" else nullcontext()


def _prepare(row: OutboundMessage, settings: dict, backends: dict, default: MailBackend, config):
    """The message and backend for a claimed row, or the outcome to record at once when it cannot be sent now."""
    try:
        if row.sender_id not in settings:
            settings[row.sender_id] = composing.Settings.from_config(config, _reply_domain(row.sender_id))
        message = composing.build(row, settings[row.sender_id], _references(row))
    except ValueError as exc:  # a row that can never make a valid message fails at once, with the reason
        return None, None, SendOutcome(FAILED, reason=str(exc))
    try:
        backend = _sender_backend(row.sender_id, default, backends)
    except ValueError as exc:  # the sender's stored account cannot be used now: try again later
        return None, None, retry_later(utcnow(), row.attempts + 1, str(exc)[:500])
    return message, backend, None


def send_rows(rows: list[OutboundMessage], worker: str, backend: MailBackend, now: datetime | None = None,
              writes: AbstractContextManager | None = None) -> Counter:
    """Send claimed rows one by one: build, mark the request started, send, record. Returns counts.

    The rows come detached from the claim with their values loaded; nothing here reads them again. `writes`
    is held around the writes (see `writer_turns`). One turn of it records a message's outcome and then marks the
    next message's request started, each committed on its own and in that order, so a crash at any point
    leaves the rows as it would with a turn for each write, and the threads hand the database over half as often.
    The batch's events ("message sent") go in one dispatch at its end, not one transaction per message.
    """
    writes = writes if writes is not None else nullcontext()
    with events.held() as waiting:
        counts = _send_each(rows, worker, backend, now, writes)
        if len(waiting.ids) >= DISPATCH_EVERY or not waiting.outer:
            with writes:
                waiting.flush()
    return counts


def _send_each(rows: list[OutboundMessage], worker: str, backend: MailBackend, now: datetime | None,
               writes: AbstractContextManager) -> Counter:
    counts: Counter = Counter()
    config, settings, backends = current_app.config, {}, {}
    answered = None  # the last sent row, its outcome and attempt, recorded at the start of the next turn

    def record_answered() -> None:
        nonlocal answered
        if answered is not None:
            row, outcome, attempt = answered
            answered = None
            counts[recording.record_outcome(row, worker, outcome, now, attempts=attempt)] += 1
            _checkpoint("recorded", row.id)

    try:
        for row in rows:
            message, row_backend, refused = _prepare(row, settings, backends, backend, config)
            with writes:
                record_answered()
                if refused is not None:
                    counts[recording.record_outcome(row, worker, refused, now)] += 1
                    continue
                _checkpoint("claimed", row.id)
                started = recording.start_request(row.id, worker, now)
            if not started:
                counts["lost_lease"] += 1
                continue
            _checkpoint("request_started", row.id)
            attempt = row.attempts + 1
            try:
                outcome = row_backend.send(message, attempt=attempt)
            except Exception as exc:  # noqa: BLE001 - whatever broke, the request may have left: treat it as unknown
                outcome = SendOutcome(RETRY, retry_at=utcnow() + timedelta(minutes=5), maybe_sent=True,
                                      reason=f"the mail backend failed: {type(exc).__name__}: {exc}"[:500])
            _checkpoint("accepted" if outcome.accepted else "answered", row.id)
            answered = (row, outcome, attempt)
    finally:  # the last answer, or the one before an unexpected error, is written all the same
        if answered is not None:
            with writes:
                record_answered()
    return counts


# events of sent mail are dispatched together once this many wait (a transaction each, so fewer is slower)
DISPATCH_EVERY = 100


def _worker_name(index: int) -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}:{index}"


def drain(app: Flask, backend: MailBackend, *, now: datetime | None = None, workers: int = 1, batch: int = 20,
          limit: int | None = None, time_budget: float | None = None, workspace_id: int | None = None) -> Counter:
    """Claim and send until nothing is due (or the limit or time budget is reached), with `workers` threads.

    With `workspace_id`, only that workspace's due mail is claimed.
    """
    deadline = time.monotonic() + time_budget if time_budget else None
    lock = threading.Lock()
    remaining = [limit if limit is not None else float("inf")]
    writes = writer_turns(app)

    def take() -> int:
        with lock:
            size = int(min(batch, remaining[0]))
            remaining[0] -= size
            return size

    def work(index: int) -> Counter:
        counts: Counter = Counter()
        worker = _worker_name(index)
        with app.app_context(), events.held() as waiting:
            waiting.outer = True  # each batch's send_rows leaves its events here until enough wait
            try:
                while deadline is None or time.monotonic() < deadline:
                    size = take()
                    if size <= 0:
                        break
                    with writes:
                        claim = outbox.claim(worker, size, now, workspace_id=workspace_id)
                    counts.update(claim.counts)
                    if not claim.counts["claimed"]:
                        break
                    counts.update(send_rows(claim.rows, worker, backend, now, writes))
                with writes:
                    waiting.flush()
            finally:
                db.session.remove()
        return counts

    if workers <= 1:
        return work(0)
    total: Counter = Counter()
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="outbox") as pool:
        for counts in pool.map(work, range(workers)):
            total.update(counts)
    return total


def send_due(now: datetime | None = None, workers: int | None = None, limit: int | None = None,
             time_budget: float | None = None, workspace_id: int | None = None) -> dict[str, int]:
    """Everything `send-due` does, in order; returns the counts printed as JSON.

    With `workspace_id` ("Send now" on a workspace's outbox) only that workspace's follow-ups are queued and only
    its mail is sent; the periodic job and the CLI pass none and send every workspace's due mail.
    """
    app = current_app._get_current_object()
    backend = backend_for(app)  # a backend that cannot be built (no API key) says so first
    refused = refusal(workspace_id)
    if refused:
        raise SendRefusedError(refused)
    counts: Counter = Counter(dict.fromkeys(COUNT_KEYS, 0))
    counts.update(outbox.recover_expired(now))
    counts.update(recording.reconcile_unknown(now, lookup=getattr(backend, "find", None)))
    advanced = advance_due(now, workspace_id=workspace_id)
    counts["queued_followups"] += advanced.get("queued_followups", 0)
    counts["resumed"] += advanced.get("resumed", 0)
    db.session.commit()  # end this session's transaction; each worker thread opens its own session
    counts.update(drain(app, backend, now=now, workers=workers or int(app.config.get("OUTREACH_SEND_WORKERS", 4)),
                        limit=limit, time_budget=time_budget, workspace_id=workspace_id))
    return dict(counts)
