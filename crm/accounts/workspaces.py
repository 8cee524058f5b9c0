"""Creating users and workspaces, memberships and roles, and invitations."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import func, select

from crm import events
from crm.accounts import audit
from crm.accounts.auth import AuthError, hash_password, normalise_email
from crm.accounts.models import ROLES, Invitation, Membership, User, Workspace
from crm.db import utcnow
from crm.extensions import db


class WorkspaceError(Exception):
    """A change to users, workspaces or memberships that must be refused, with a message for the person."""


@dataclass(frozen=True)
class NewInvitation:
    """An invitation just made, with the one-time token for its link."""

    invitation: Invitation
    token: str


def check_email(email: str) -> str:
    """A syntactically valid, normalised address, or WorkspaceError."""
    try:
        return normalise_email(validate_email(email, check_deliverability=False).normalized)
    except EmailNotValidError as exc:
        raise WorkspaceError(f"{email!r} is not a valid email address: {exc}") from None


def check_role(role: str) -> str:
    """One of the known roles, or WorkspaceError."""
    if role not in ROLES:
        raise WorkspaceError(f"Role must be one of {', '.join(ROLES)}.")
    return role


def find_workspace(name: str) -> Workspace | None:
    """The workspace with this name (case-insensitive), if there is one."""
    name = (name or "").strip()
    return db.session.scalar(select(Workspace).where(func.lower(Workspace.name) == name.lower())) if name else None


def get_or_create_workspace(name: str) -> Workspace:
    """The workspace with this name (case-insensitive), created when missing (not committed)."""
    name = (name or "").strip()
    if not name:
        raise WorkspaceError("A workspace needs a name.")
    workspace = find_workspace(name)
    if workspace is None:
        workspace = Workspace(name=name)
        db.session.add(workspace)
        db.session.flush()
    return workspace


def _announce_member(workspace_id: int, user: User, role: str) -> None:
    """Tell the features someone joined the workspace (delivered after the caller's commit)."""
    db.session.flush()  # the user's id
    events.announce(events.member_joined, workspace_id, user_id=user.id, role=role)


def create_user(
    email: str, password: str, *, name: str = "", workspace: str | None = None, role: str = "owner",
    admin: bool = False,
) -> User:
    """Create a user (an instance admin when `admin`; optionally a member of a workspace made if missing); commits."""
    email = check_email(email)
    if db.session.scalar(select(User.id).where(User.email == email)):
        raise WorkspaceError(f"A user with the address {email} already exists.")
    try:
        user = User(email=email, name=name.strip(), password_hash=hash_password(password), is_admin=admin)
    except AuthError as exc:
        raise WorkspaceError(str(exc)) from None
    db.session.add(user)
    if workspace:
        joined = get_or_create_workspace(workspace)
        db.session.add(Membership(user=user, workspace=joined, role=check_role(role)))
        audit.record(joined.id, "member_added", detail={"member": email, "role": role})
        _announce_member(joined.id, user, role)
    db.session.commit()
    return user


CREATION_REFUSED = ("Only instance admins can create workspaces here. Ask an owner to invite you to their "
                    "workspace, or ask an instance admin to create one for you.")


def may_create_workspace(user: User) -> bool:
    """True when WORKSPACE_CREATION lets this user create workspaces (instance admins always may)."""
    return bool(user.is_admin) or current_app.config.get("WORKSPACE_CREATION", "admins") == "everyone"


def set_admin(email: str, admin: bool = True) -> User:
    """Make a user an instance admin (or no longer one); commits."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise WorkspaceError(f"No user with the address {email}.")
    user.is_admin = admin
    db.session.commit()
    return user


def new_workspace_for(user: User, name: str) -> Workspace:
    """A new workspace owned by the user who made it, when they may create one; commits."""
    if not may_create_workspace(user):
        raise WorkspaceError(CREATION_REFUSED)
    if db.session.scalar(select(Workspace.id).where(func.lower(Workspace.name) == name.strip().lower())):
        raise WorkspaceError(f"A workspace called {name.strip()!r} already exists.")
    workspace = get_or_create_workspace(name)
    db.session.add(Membership(user=user, workspace=workspace, role="owner"))
    audit.record(workspace.id, "member_added", user.id, detail={"member": user.email, "role": "owner",
                                                                 "workspace_created": True})
    db.session.commit()
    return workspace


def memberships_of(user: User) -> list[Membership]:
    """A user's memberships, workspaces by name."""
    return list(
        db.session.scalars(
            select(Membership).join(Workspace).where(Membership.user_id == user.id).order_by(Workspace.name)
        )
    )


def membership_in(user: User, workspace_id: int | None) -> Membership | None:
    """The user's membership in a workspace, or None when they do not belong to it."""
    if workspace_id is None:
        return None
    return db.session.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.workspace_id == workspace_id)
    )


def _owners(workspace_id: int) -> int:
    return db.session.scalar(
        select(func.count()).where(Membership.workspace_id == workspace_id, Membership.role == "owner")
    )


def change_role(membership: Membership, role: str) -> None:
    """Give a member another role, keeping at least one owner; commits."""
    role = check_role(role)
    if membership.role == "owner" and role != "owner" and _owners(membership.workspace_id) <= 1:
        raise WorkspaceError("A workspace needs at least one owner. Make someone else owner first.")
    if membership.role != role:
        audit.record(membership.workspace_id, "member_role_changed",
                     detail={"member": membership.user.email, "from": membership.role, "to": role})
    membership.role = role
    db.session.commit()


def remove_member(membership: Membership) -> None:
    """Remove someone from a workspace, keeping at least one owner; commits."""
    if membership.role == "owner" and _owners(membership.workspace_id) <= 1:
        raise WorkspaceError("The last owner cannot leave. Make someone else owner first.")
    audit.record(membership.workspace_id, "member_removed",
                 detail={"member": membership.user.email, "role": membership.role})
    db.session.delete(membership)
    db.session.commit()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite(workspace: Workspace, email: str, role: str, invited_by: User) -> NewInvitation:
    """Invite an address to a workspace; the token is shown once, only its hash is kept; commits."""
    email, role = check_email(email), check_role(role)
    existing = db.session.scalar(
        select(Membership).join(User).where(Membership.workspace_id == workspace.id, User.email == email)
    )
    if existing:
        raise WorkspaceError(f"{email} is already a member of {workspace.name}.")
    token = secrets.token_urlsafe(32)
    days = current_app.config["INVITATION_DAYS"]
    invitation = Invitation(
        workspace_id=workspace.id,
        email=email,
        role=role,
        token_hash=_hash(token),
        invited_by=invited_by,
        expires_at=utcnow() + timedelta(days=days),
    )
    db.session.add(invitation)
    audit.record(workspace.id, "invitation_sent", invited_by.id, detail={"email": email, "role": role})
    db.session.commit()
    return NewInvitation(invitation=invitation, token=token)


def find_invitation(token: str) -> Invitation | None:
    """The pending invitation a link's token names, or None when unknown, used, revoked or expired."""
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == _hash(token or "")))
    return invitation if invitation is not None and invitation.state == "pending" else None


def accept_invitation(invitation: Invitation, user: User) -> Membership:
    """Join the invitation's workspace as the signed-in user (whose address must match); commits."""
    if invitation.state != "pending":
        raise WorkspaceError("This invitation is no longer valid. Ask for a new one.")
    if normalise_email(user.email) != invitation.email:
        raise WorkspaceError(f"This invitation is for {invitation.email}. Sign in with that address to accept it.")
    membership = membership_in(user, invitation.workspace_id)
    if membership is None:
        membership = Membership(user=user, workspace_id=invitation.workspace_id, role=invitation.role)
        db.session.add(membership)
        _announce_member(invitation.workspace_id, user, invitation.role)
    invitation.accepted_at = utcnow()
    audit.record(invitation.workspace_id, "invitation_accepted", user.id,
                 detail={"email": invitation.email, "role": membership.role})
    db.session.commit()
    return membership


def accept_as_new_user(invitation: Invitation, name: str, password: str) -> User:
    """Create the invited person's account and join the workspace in one step; commits."""
    if db.session.scalar(select(User.id).where(User.email == invitation.email)):
        raise WorkspaceError(f"An account for {invitation.email} exists. Sign in to accept the invitation.")
    try:
        user = User(email=invitation.email, name=name.strip(), password_hash=hash_password(password))
    except AuthError as exc:
        raise WorkspaceError(str(exc)) from None
    db.session.add(user)
    db.session.flush()
    accept_invitation(invitation, user)
    return user


def revoke_invitation(invitation: Invitation) -> None:
    """Withdraw a pending invitation; commits."""
    if invitation.state == "pending":
        invitation.revoked_at = utcnow()
        audit.record(invitation.workspace_id, "invitation_revoked",
                     detail={"email": invitation.email, "role": invitation.role})
        db.session.commit()


def update_workspace(workspace: Workspace, *, name: str, postal_address: str) -> None:
    """Rename a workspace and set its postal address; commits."""
    name = name.strip()
    clash = db.session.scalar(
        select(Workspace.id).where(func.lower(Workspace.name) == name.lower(), Workspace.id != workspace.id)
    )
    if clash:
        raise WorkspaceError(f"A workspace called {name!r} already exists.")
    workspace.name, workspace.postal_address = name, postal_address.strip()
    db.session.commit()
