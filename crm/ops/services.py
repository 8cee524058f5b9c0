"""Worker heartbeat and health checks."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import text

from crm.db import utcnow
from crm.extensions import db
from crm.ops.models import WorkerHeartbeat

HEARTBEAT = "periodic"
STALE_AFTER = timedelta(minutes=3)  # the heartbeat runs every minute; three missed means no periodic worker


@dataclass(frozen=True)
class WorkerStatus:
    """Whether a worker with periodic tasks has been seen lately."""

    running: bool
    seen_at: datetime | None
    host: str


def beat(name: str = HEARTBEAT) -> WorkerHeartbeat:
    """Record that a worker is alive now; commits."""
    row = db.session.get(WorkerHeartbeat, name) or WorkerHeartbeat(name=name)
    row.seen_at, row.host = utcnow(), socket.gethostname()
    db.session.add(row)
    db.session.commit()
    return row


def worker_status(name: str = HEARTBEAT) -> WorkerStatus:
    """The periodic worker's last heartbeat and whether it is recent."""
    row = db.session.get(WorkerHeartbeat, name)
    if row is None:
        return WorkerStatus(running=False, seen_at=None, host="")
    return WorkerStatus(running=utcnow() - row.seen_at < STALE_AFTER, seen_at=row.seen_at, host=row.host)


def database_ok() -> bool:
    """True when the database answers a trivial query."""
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means "not healthy" for a health check
        db.session.rollback()
        return False
