"""Share links for campaign reports, the marketer's disavow decisions, and precomputed report figures."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from crm.db import UTCDateTime, WorkspaceScoped, utcnow
from crm.extensions import db


class ShareLink(WorkspaceScoped, db.Model):
    """A signed, expiring, revocable read-only link to one campaign report."""

    __tablename__ = "share_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Internal notes the client sees only when ticked in: risk lists, costs, reply rates.
    show_risks: Mapped[bool] = mapped_column(default=False, server_default=false())
    show_costs: Mapped[bool] = mapped_column(default=False, server_default=false())
    show_reply_rates: Mapped[bool] = mapped_column(default=False, server_default=false())


class DisavowDecision(WorkspaceScoped, db.Model):
    """A reviewed harmful domain or URL: disavow it or keep it; remembered for the next export."""

    __tablename__ = "disavow_decision"
    __table_args__ = (UniqueConstraint("workspace_id", "kind", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # domain, url
    value: Mapped[str] = mapped_column(String(2048))
    decision: Mapped[str] = mapped_column(String(10))  # disavow, keep
    comment: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReportFigures(WorkspaceScoped, db.Model):
    """Figures computed ahead for pages that show many campaigns at once (a campaign's headline, the workspace's
    link summary); recomputed when marked stale by an event, when old, or when the report is opened."""

    __tablename__ = "report_figures"
    __table_args__ = (UniqueConstraint("workspace_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40))  # "campaign:<id>" or "links"
    # Only so that deleting a campaign deletes its figures.
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    data: Mapped[dict] = mapped_column(JSON)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    stale: Mapped[bool] = mapped_column(default=False)


class ReportSchedule(WorkspaceScoped, db.Model):
    """A campaign report mailed to a client address each month, with a fresh share link to the full page."""

    __tablename__ = "report_schedule"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    recipient: Mapped[str] = mapped_column(String(254))  # stored lower-case
    day_of_month: Mapped[int] = mapped_column()  # 1-28, so every month has the day
    show_risks: Mapped[bool] = mapped_column(default=False, server_default=false())
    show_costs: Mapped[bool] = mapped_column(default=False, server_default=false())
    show_reply_rates: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_send_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    last_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="", server_default="")
    failures: Mapped[int] = mapped_column(default=0, server_default="0")
