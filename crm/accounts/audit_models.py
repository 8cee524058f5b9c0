"""The audit trail's row, and the guard that keeps it append-only for everything but retention pruning."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from crm.db import UTCDateTime, utcnow
from crm.extensions import db

_PRUNING = "audit_pruning"  # a Session.info key: set only while retention pruning deletes old rows


class AppendOnlyError(RuntimeError):
    """An attempt to change or delete an audit event: the trail is append-only."""


class AuditEvent(db.Model):
    """Who did what, when and from where; written once, never changed (only pruned after the retention time)."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_workspace_at", "workspace_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Empty for events outside any workspace (a failed sign-in for an unknown address).
    workspace_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("workspace.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    action: Mapped[str] = mapped_column(String(40))
    # No foreign key: the trail keeps naming a user after the account is gone.
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor_email: Mapped[str] = mapped_column(String(254), default="")
    ip: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(255), default="")
    detail: Mapped[dict] = mapped_column(JSON, default=dict)


@contextmanager
def pruning(session: Session):
    """Allow deleting audit rows within the block (retention pruning only)."""
    session.info[_PRUNING] = True
    try:
        yield
    finally:
        session.info.pop(_PRUNING, None)


@event.listens_for(Session, "before_flush")
def _refuse_changes(session: Session, flush_context, instances) -> None:
    """Refuse a flush that would update or delete an audit row."""
    for row in session.dirty:
        if isinstance(row, AuditEvent) and session.is_modified(row, include_collections=False):
            raise AppendOnlyError("Audit events are append-only: they cannot be changed.")
    if not session.info.get(_PRUNING) and any(isinstance(row, AuditEvent) for row in session.deleted):
        raise AppendOnlyError("Audit events are append-only: they cannot be deleted.")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_changes(state) -> None:
    """Refuse UPDATE and DELETE statements on the audit table run through a session."""
    statement = state.statement
    if not (state.is_update or state.is_delete):
        return
    table = getattr(statement, "table", None)
    if getattr(table, "name", None) != AuditEvent.__tablename__:
        return
    if state.is_update:
        raise AppendOnlyError("Audit events are append-only: they cannot be changed.")
    if not state.session.info.get(_PRUNING):
        raise AppendOnlyError("Audit events are append-only: they cannot be deleted.")
