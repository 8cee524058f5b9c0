"""The activity timeline shared by every feature: what happened to a site, contact or opportunity, and when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from crm.db import UTCDateTime, WorkspaceScoped, utcnow
from crm.extensions import db


class Activity(WorkspaceScoped, db.Model):
    """One event on the timeline; rows name the site, contact and opportunity they concern."""

    __tablename__ = "activity"
    __table_args__ = (
        Index("ix_activity_site_when", "site_id", "happened_at"),
        Index("ix_activity_opportunity_when", "opportunity_id", "happened_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))  # e.g. imported, stage_changed, message_sent, reply, link_live
    summary: Mapped[str] = mapped_column(Text)
    happened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"), index=True)
    opportunity_id: Mapped[int | None] = mapped_column(ForeignKey("opportunity.id", ondelete="CASCADE"))
    data: Mapped[dict | None] = mapped_column(JSON)


def record(
    workspace_id: int,
    kind: str,
    summary: str,
    *,
    site_id: int | None = None,
    contact_id: int | None = None,
    opportunity_id: int | None = None,
    actor_id: int | None = None,
    data: dict | None = None,
    when: datetime | None = None,
) -> Activity:
    """Add an event to the timeline in the caller's transaction (not committed)."""
    row = Activity(
        workspace_id=workspace_id,
        kind=kind,
        summary=summary,
        site_id=site_id,
        contact_id=contact_id,
        opportunity_id=opportunity_id,
        actor_id=actor_id,
        data=data,
        happened_at=when or utcnow(),
    )
    db.session.add(row)
    return row


def for_site(workspace_id: int, site_id: int, limit: int = 100) -> list[Activity]:
    """A site's timeline, newest first."""
    query = (
        select(Activity)
        .where(Activity.workspace_id == workspace_id, Activity.site_id == site_id)
        .order_by(Activity.happened_at.desc(), Activity.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def for_opportunity(workspace_id: int, opportunity_id: int, limit: int = 100) -> list[Activity]:
    """An opportunity's timeline, newest first."""
    query = (
        select(Activity)
        .where(Activity.workspace_id == workspace_id, Activity.opportunity_id == opportunity_id)
        .order_by(Activity.happened_at.desc(), Activity.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))
