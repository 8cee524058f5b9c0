"""The signed-in user's current workspace and role, and queries scoped to it."""

from __future__ import annotations

import functools

from flask import abort, flash, g, redirect, request, session, url_for
from flask_login import current_user
from sqlalchemy import Select, select

from crm.accounts.models import Membership, Workspace
from crm.accounts.workspaces import membership_in, memberships_of
from crm.extensions import db

SESSION_KEY = "workspace_id"


def load_current_membership() -> None:
    """Put the user's membership in the workspace chosen in the session on g (first workspace by default)."""
    g.membership = None
    if not current_user.is_authenticated:
        return
    membership = membership_in(current_user, session.get(SESSION_KEY))
    if membership is None:
        mine = memberships_of(current_user)
        membership = mine[0] if mine else None
        session[SESSION_KEY] = membership.workspace_id if membership else None
    g.membership = membership


def current_membership() -> Membership | None:
    """The signed-in user's membership in the current workspace."""
    return g.get("membership")


def current_workspace() -> Workspace:
    """The current workspace; 403 when the user has none (callers sit behind require_role)."""
    membership = current_membership()
    if membership is None:
        abort(403)
    return membership.workspace


def can(minimum: str) -> bool:
    """True when the signed-in user's role in the current workspace is at least `minimum`."""
    membership = current_membership()
    return membership is not None and membership.allows(minimum)


def require_role(minimum: str = "viewer"):
    """Guard a view: signed in, a member of the current workspace, with at least this role."""

    def decorator(view):
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.is_authenticated:
                return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
            membership = current_membership()
            if membership is None:
                flash("You do not belong to any workspace yet. Create one or ask for an invitation.", "warning")
                return redirect(url_for("accounts.workspaces"))
            if not membership.allows(minimum):
                abort(403)
            return view(*args, **kwargs)

        return guarded

    return decorator


def scoped(model) -> Select:
    """A select of a workspace-owned model limited to the current workspace."""
    return select(model).where(model.workspace_id == current_workspace().id)


def get_scoped_or_404(model, row_id: int):
    """One row of the current workspace by id; 404 for ids of other workspaces, exactly as for missing ones."""
    row = db.session.get(model, row_id)
    if row is None or row.workspace_id != current_workspace().id:
        abort(404)
    return row


def switch_workspace(workspace_id: int) -> Membership | None:
    """Make another of the user's workspaces current; None when they do not belong to it."""
    membership = membership_in(current_user, workspace_id)
    if membership is not None:
        session[SESSION_KEY] = membership.workspace_id
        g.membership = membership
    return membership
