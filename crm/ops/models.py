"""The heartbeat each job worker writes, so people can see whether background work is running."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from crm.db import UTCDateTime, utcnow
from crm.extensions import db


class WorkerHeartbeat(db.Model):
    """The last time a named periodic job ran on some worker."""

    __tablename__ = "worker_heartbeat"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    host: Mapped[str] = mapped_column(String(255), default="")
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
