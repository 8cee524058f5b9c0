"""Campaigns, target pages, opportunities (the pipeline), tasks and costs."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.db import TimestampMixin, UTCDateTime, WorkspaceScoped, utcnow
from crm.extensions import db

CAMPAIGN_KINDS = (
    "guest_post",
    "link_insertion",
    "broken_link",
    "resource_page",
    "digital_pr",
    "reclamation",
    "unlinked_mention",
)
CAMPAIGN_STATUSES = ("draft", "active", "paused", "finished")
OPEN_STAGES = ("prospect", "pitched", "replied", "negotiating", "won", "live")
CLOSED_STAGES = ("declined", "no_response", "lost")
STAGES = OPEN_STAGES + CLOSED_STAGES
PAYMENT_STATUSES = ("unpaid", "paid", "refunded")


class Campaign(WorkspaceScoped, TimestampMixin, db.Model):
    """A link-building campaign: what we want, by when, for how much."""

    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    kind: Mapped[str] = mapped_column(String(30), default="guest_post")
    status: Mapped[str] = mapped_column(String(20), default="draft")
    goal_links: Mapped[int | None] = mapped_column()
    budget_cents: Mapped[int | None] = mapped_column()
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    description: Mapped[str] = mapped_column(Text, default="")

    owner = relationship("User")
    target_pages: Mapped[list[TargetPage]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan", order_by="TargetPage.id"
    )
    opportunities: Mapped[list[Opportunity]] = relationship(back_populates="campaign", cascade="all, delete-orphan")


class TargetPage(WorkspaceScoped, db.Model):
    """A page on our own site that the campaign wants links to, with the anchors we want for it."""

    __tablename__ = "target_page"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2048))
    anchors: Mapped[list] = mapped_column(JSON, default=list)

    campaign: Mapped[Campaign] = relationship(back_populates="target_pages")


class Opportunity(WorkspaceScoped, TimestampMixin, db.Model):
    """A site in a campaign, moving through the stages to a live link (or a closed stage)."""

    __tablename__ = "opportunity"
    __table_args__ = (
        UniqueConstraint("campaign_id", "site_id"),
        Index("ix_opportunity_campaign_stage", "campaign_id", "stage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    target_page_id: Mapped[int | None] = mapped_column(ForeignKey("target_page.id", ondelete="SET NULL"))
    stage: Mapped[str] = mapped_column(String(20), default="prospect")
    stage_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    position: Mapped[int] = mapped_column(default=0)  # order within a board column
    next_action_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    price_cents: Mapped[int | None] = mapped_column()
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    payment_status: Mapped[str | None] = mapped_column(String(20))
    term_until: Mapped[date | None] = mapped_column(Date)  # None = permanent placement
    won_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    custom_fields: Mapped[dict | None] = mapped_column(JSON)  # values of the workspace's opportunity CustomFields
    # Written by hand for this one prospect; templates use them as {{ personal_line }} and {{ personal_ps }}.
    personal_line: Mapped[str] = mapped_column(Text, default="", server_default="")
    personal_ps: Mapped[str] = mapped_column(Text, default="", server_default="")

    campaign: Mapped[Campaign] = relationship(back_populates="opportunities")
    site = relationship("Site")
    contact = relationship("Contact")
    owner = relationship("User")
    target_page: Mapped[TargetPage | None] = relationship()


class Task(WorkspaceScoped, TimestampMixin, db.Model):
    """Something someone must do by a date; made by hand or by events (a reply waits, a link was lost)."""

    __tablename__ = "task"
    __table_args__ = (
        UniqueConstraint("workspace_id", "origin"),
        Index("ix_task_assignee_open", "assignee_id", "done_at", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(30), default="manual")  # manual, reply_waiting, link_lost, ...
    # What made an automatic task ("reply:42"), so a repeated event does not make it twice.
    origin: Mapped[str | None] = mapped_column(String(80))
    due_on: Mapped[date | None] = mapped_column(Date)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    opportunity_id: Mapped[int | None] = mapped_column(ForeignKey("opportunity.id", ondelete="CASCADE"), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    assignee = relationship("User")
    opportunity: Mapped[Opportunity | None] = relationship()


COST_SOURCES = ("manual", "placement", "backlink")  # the costs tab, a card's agreed price, a backlink's own cost


class Cost(WorkspaceScoped, db.Model):
    """The one ledger of money spent on a campaign: placement prices, content, tools, fees, backlinks' costs."""

    __tablename__ = "cost"
    # One entry per card's price ("placement:7") and per backlink's cost ("backlink:20"); None for the costs tab.
    __table_args__ = (UniqueConstraint("workspace_id", "origin"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    opportunity_id: Mapped[int | None] = mapped_column(ForeignKey("opportunity.id", ondelete="SET NULL"))
    backlink_id: Mapped[int | None] = mapped_column(ForeignKey("backlink.id", ondelete="SET NULL"), index=True)
    source: Mapped[str] = mapped_column(String(20), default="manual", server_default="manual")
    origin: Mapped[str | None] = mapped_column(String(40))
    amount_cents: Mapped[int] = mapped_column()
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    description: Mapped[str] = mapped_column(String(200), default="")
    spent_on: Mapped[date] = mapped_column(Date)
