"""The audit trail: record who did what from where, list a workspace's events, export them, prune old ones."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from flask import current_app, has_request_context, request
from flask_login import current_user
from sqlalchemy import delete, inspect, select

from crm.accounts.audit_models import AuditEvent, pruning
from crm.accounts.models import Membership, User
from crm.db import utcnow
from crm.extensions import db

# Every action the trail records, with how the audit page names it.
ACTIONS = {
    "sign_in": "Signed in",
    "sign_in_failed": "Failed sign-in",
    "sign_out": "Signed out",
    "password_changed": "Changed password",
    "member_added": "Member added",
    "member_role_changed": "Role changed",
    "member_removed": "Member removed",
    "invitation_sent": "Invitation sent",
    "invitation_accepted": "Invitation accepted",
    "invitation_revoked": "Invitation withdrawn",
    "share_link_created": "Share link created",
    "share_link_revoked": "Share link revoked",
    "share_link_notes_changed": "Share link notes changed",
    "report_schedule_created": "Monthly report mail set up",
    "report_schedule_deleted": "Monthly report mail stopped",
    "workspace_logo_set": "Workspace logo uploaded",
    "workspace_logo_removed": "Workspace logo removed",
    "export": "Export downloaded",
    "suppression_added": "Suppression added",
    "suppression_removed": "Suppression removed",
    "sender_created": "Sender added",
    "sender_changed": "Sender changed",
}
_SECRET_HINTS = ("password", "secret", "token", "key")


def _request_origin() -> tuple[str, str]:
    """The client address (as ProxyFix leaves it) and user agent of the current request, if there is one."""
    if not has_request_context():
        return "", ""
    return (request.remote_addr or "")[:64], (request.user_agent.string or "")[:255]


def _actor(actor_id: int | None) -> tuple[int | None, str]:
    """The acting user's id and address now: the one given, else the signed-in user of the request."""
    if actor_id is None and has_request_context() and current_user and current_user.is_authenticated:
        return current_user.id, current_user.email
    user = db.session.get(User, actor_id) if actor_id is not None else None
    return actor_id, user.email if user else ""


def record(workspace_id: int | None, action: str, actor_id: int | None = None, ip: str | None = None,
           detail: dict | None = None, *, actor_email: str | None = None, commit: bool = False) -> AuditEvent:
    """Add one event (who and from where default to the current request), committed with the caller's work.

    commit=True commits it at once, for callers with nothing else to commit (a download).
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    address, agent = _request_origin()
    actor_id, email = _actor(actor_id)
    event = AuditEvent(workspace_id=workspace_id, at=utcnow(), action=action, actor_id=actor_id,
                       actor_email=(actor_email if actor_email is not None else email)[:254],
                       ip=(ip if ip is not None else address)[:64], user_agent=agent, detail=dict(detail or {}))
    db.session.add(event)
    if commit:
        db.session.commit()
    return event


def record_for_user(user: User | None, action: str, detail: dict | None = None, *, ip: str | None = None,
                    actor_email: str | None = None) -> None:
    """One event in each of a user's workspaces (one without a workspace when they have none); not committed."""
    workspace_ids = [] if user is None else list(
        db.session.scalars(select(Membership.workspace_id).where(Membership.user_id == user.id)))
    email = actor_email if actor_email is not None else (user.email if user else "")
    for workspace_id in workspace_ids or [None]:
        record(workspace_id, action, user.id if user else None, ip, detail, actor_email=email)


def changes(row, *always: str) -> dict:
    """A row's unsaved changes as {column: [old, new]} (secrets only say "changed"), plus the `always` columns."""
    state = inspect(row)
    found = {name: _plain(getattr(row, name)) for name in always}
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if not history.has_changes() or attr.key in {"id", "workspace_id", "created_at", "updated_at"}:
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if any(hint in attr.key for hint in _SECRET_HINTS):
            found[attr.key] = "changed"
        elif old != new:
            found[attr.key] = [_plain(old), _plain(new)]
    return found


def _plain(value):
    """A value as JSON can hold it."""
    return value if value is None or isinstance(value, bool | int | float | str) else str(value)


def listing(workspace_id: int, action: str | None = None):
    """A workspace's events, newest first, optionally of one action."""
    query = select(AuditEvent).where(AuditEvent.workspace_id == workspace_id)
    if action:
        query = query.where(AuditEvent.action == action)
    return query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


def export_rows(workspace_id: int) -> Iterator[dict]:
    """A workspace's events oldest first, as the plain dicts `audit export` prints."""
    query = (select(AuditEvent).where(AuditEvent.workspace_id == workspace_id)
             .order_by(AuditEvent.at, AuditEvent.id).execution_options(yield_per=1000))
    for event in db.session.scalars(query):
        yield {"id": event.id, "at": event.at.isoformat(), "action": event.action, "actor_email": event.actor_email,
               "ip": event.ip, "user_agent": event.user_agent, "detail": event.detail}


def prune(now=None) -> int:
    """Delete events older than AUDIT_RETENTION_DAYS (the only deletion the trail allows); commits."""
    cutoff = (now or utcnow()) - timedelta(days=current_app.config["AUDIT_RETENTION_DAYS"])
    with pruning(db.session):
        removed = db.session.execute(delete(AuditEvent).where(AuditEvent.at < cutoff)).rowcount
        db.session.commit()
    return removed
