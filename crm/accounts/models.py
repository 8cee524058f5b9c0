"""Users, workspaces, memberships, server-side sessions, invitations and sign-in throttling."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.db import TimestampMixin, UTCDateTime, WorkspaceScoped, utcnow
from crm.extensions import db

ROLES = ("viewer", "member", "admin", "owner")
ROLE_RANK = {role: rank for rank, role in enumerate(ROLES)}


class Workspace(TimestampMixin, db.Model):
    """An agency client or team; every other row belongs to one."""

    __tablename__ = "workspace"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    # Printed in the footer of every outreach email (CAN-SPAM and bulk-sender rules require it).
    postal_address: Mapped[str] = mapped_column(Text, default="")
    # Sites contacted within this many days are skipped when adding prospects to a campaign.
    recontact_days: Mapped[int] = mapped_column(default=90, server_default="90")
    # Shown on share pages instead of our name (white label): PNG, JPEG or WebP bytes, checked by crm.accounts.logo.
    logo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    logo_type: Mapped[str] = mapped_column(String(20), default="", server_default="")

    memberships: Mapped[list[Membership]] = relationship(back_populates="workspace", cascade="all, delete-orphan")


class User(UserMixin, TimestampMixin, db.Model):
    """A person who signs in; belongs to workspaces through memberships."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-case
    name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # An instance admin: may create workspaces when WORKSPACE_CREATION is "admins" (the default).
    is_admin: Mapped[bool] = mapped_column(default=False, server_default=false())
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    memberships: Mapped[list[Membership]] = relationship(back_populates="user", cascade="all, delete-orphan")

    @property
    def is_active(self) -> bool:
        """Flask-Login refuses sessions of deactivated users."""
        return self.active

    @property
    def display_name(self) -> str:
        """The name to show, falling back to the address."""
        return self.name or self.email


class Membership(TimestampMixin, db.Model):
    """A user's role in one workspace."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "workspace_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))

    user: Mapped[User] = relationship(back_populates="memberships")
    workspace: Mapped[Workspace] = relationship(back_populates="memberships")

    def allows(self, minimum: str) -> bool:
        """True when this role is at least `minimum` (viewer < member < admin < owner)."""
        return ROLE_RANK[self.role] >= ROLE_RANK[minimum]


class UserSession(db.Model):
    """A signed-in browser; the cookie carries its token, so ending the row ends the session server-side."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ip_address: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(255), default="")

    user: Mapped[User] = relationship()


class Invitation(WorkspaceScoped, TimestampMixin, db.Model):
    """An owner's invitation for an address to join a workspace with a role."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    workspace: Mapped[Workspace] = relationship()
    invited_by: Mapped[User | None] = relationship()

    @property
    def state(self) -> str:
        """pending, accepted, revoked or expired."""
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        return "expired" if self.expires_at <= utcnow() else "pending"


class LoginThrottle(db.Model):
    """Failed sign-ins counted per account or per client address within a window."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)  # "account:<email>" or "address:<ip>"
    failures: Mapped[int] = mapped_column(default=0)
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
