"""API tokens (only their hash is kept) and the per-call log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.db import TimestampMixin, UTCDateTime, WorkspaceScoped, utcnow
from crm.extensions import db

SCOPES = ("read", "write")


class ApiToken(WorkspaceScoped, TimestampMixin, db.Model):
    """A bearer token for one workspace; it acts with its creator's current role, capped by its scope."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    scope: Mapped[str] = mapped_column(String(10), default="read")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 hex of the whole token
    prefix: Mapped[str] = mapped_column(String(16))  # the token's first characters, to recognise it in the list
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The rate limit's fixed window, kept on the row so every web worker counts against the same number.
    window_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    window_calls: Mapped[int] = mapped_column(default=0, server_default="0")

    created_by = relationship("User")

    @property
    def state(self) -> str:
        """active, revoked or expired."""
        if self.revoked_at:
            return "revoked"
        if self.expires_at and self.expires_at <= utcnow():
            return "expired"
        return "active"


class ApiCall(db.Model):
    """One API call: narrow, append-only rows ordered by time, so pruning old ones is one range delete."""

    __tablename__ = "api_call"
    __table_args__ = (Index("ix_api_call_token_at", "token_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    token_id: Mapped[int] = mapped_column(ForeignKey("api_token.id", ondelete="CASCADE"))
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(300))
    status: Mapped[int] = mapped_column()
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
