"""Background jobs of the prospects feature: their rows, and live progress kept in the job queue's store.

Progress cannot live in the job's own row: an import holds one write transaction from start to end (it is all
or nothing), and on SQLite a second connection could not update the row meanwhile. The queue's key-value store
(Huey's SQLite file, Redis, or memory in tests) is outside that transaction and shared by every worker.
"""

from __future__ import annotations

import time
from typing import Any

from crm.db import utcnow
from crm.extensions import db
from crm.jobs import huey
from crm.prospects.models import ProspectJob

_PREFIX = "prospects:progress:"


def create(workspace_id: int, kind: str, params: dict, user_id: int | None) -> ProspectJob:
    """Add a queued job and commit it, so the worker (maybe another process) can load it."""
    job = ProspectJob(workspace_id=workspace_id, kind=kind, params=params, created_by_id=user_id, status="queued")
    db.session.add(job)
    db.session.commit()
    return job


def start(job: ProspectJob) -> None:
    """Mark a job running (committed before its real work begins)."""
    job.status, job.started_at, job.message = "running", utcnow(), ""
    db.session.commit()
    report(job.id, "Starting", 0, None)


def finish(job: ProspectJob, result: dict) -> None:
    """Record a job's result in the caller's transaction (the caller commits it with the work)."""
    job.status, job.finished_at, job.result = "done", utcnow(), result


def fail(job_id: int, message: str) -> None:
    """After a rollback: record why a job stopped, in a transaction of its own."""
    db.session.rollback()
    job = db.session.get(ProspectJob, job_id)
    if job is not None:
        job.status, job.finished_at, job.message = "failed", utcnow(), message
        db.session.commit()
    clear(job_id)


class Reporter:
    """Writes a job's progress at most every `interval` seconds (the store is shared, so writes are not free)."""

    def __init__(self, job_id: int | None, interval: float = 0.5) -> None:
        self.job_id, self.interval, self._last = job_id, interval, 0.0

    def __call__(self, phase: str, done: int, total: int | None, *, force: bool = False) -> None:
        """Report that `done` of `total` units of `phase` are complete."""
        if self.job_id is None:
            return
        now = time.monotonic()
        if force or now - self._last >= self.interval:
            self._last = now
            report(self.job_id, phase, done, total)


def report(job_id: int, phase: str, done: int, total: int | None) -> None:
    """Store a job's current phase and counts."""
    huey.put(_PREFIX + str(job_id), {"phase": phase, "done": done, "total": total})


def read(job_id: int) -> dict[str, Any] | None:
    """A job's latest progress ({phase, done, total, percent}), or None before it reported any."""
    data = huey.get(_PREFIX + str(job_id), peek=True)
    if not data:
        return None
    total = data.get("total")
    data["percent"] = min(100, int(100 * data["done"] / total)) if total else None
    return data


def clear(job_id: int) -> None:
    """Forget a finished job's progress."""
    huey.delete(_PREFIX + str(job_id))
