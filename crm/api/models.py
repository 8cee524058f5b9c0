"""API tokens (only their hash is kept) and the per-call log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
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


class WebhookEndpoint(WorkspaceScoped, TimestampMixin, db.Model):
    """A URL the workspace's events are posted to; its signing secret is sealed, since signing needs it back."""

    __tablename__ = "webhook_endpoint"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    kind: Mapped[str] = mapped_column(String(10), default="standard")  # standard | slack
    events: Mapped[list] = mapped_column(JSON, default=list)
    secret_sealed: Mapped[str] = mapped_column(Text)
    paused: Mapped[bool] = mapped_column(default=False, server_default="0")
    paused_reason: Mapped[str] = mapped_column(String(300), default="", server_default="")
    failures: Mapped[int] = mapped_column(default=0, server_default="0")  # consecutive failed deliveries
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))


class WebhookDelivery(db.Model):
    """One event for one endpoint: the exact body sent, and how the last attempt went."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (Index("ix_webhook_delivery_endpoint_created", "endpoint_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"), index=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoint.id", ondelete="CASCADE"))
    event_type: Mapped[str] = mapped_column(String(40))
    webhook_id: Mapped[str] = mapped_column(String(40), unique=True)  # "msg_..."; the same on every retry
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending | delivered | failed
    attempts: Mapped[int] = mapped_column(default=0)
    response_status: Mapped[int | None] = mapped_column()
    response_excerpt: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str] = mapped_column(String(300), default="")
    duration_ms: Mapped[int | None] = mapped_column()
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    endpoint = relationship("WebhookEndpoint")
