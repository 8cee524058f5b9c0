"""Backlinks we won or track, every check of them with its evidence, alerts, and page texts for relevance."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.db import TimestampMixin, UTCDateTime, WorkspaceScoped, utcnow
from crm.extensions import db

ACQUISITIONS = ("natural", "outreach", "paid", "self_created")
SELF_CREATED_KINDS = ("directory", "forum", "comment", "press_release", "profile", "other")


class Backlink(WorkspaceScoped, TimestampMixin, db.Model):
    """A link from someone's page to ours: what we expect, and what the latest checks found."""

    __tablename__ = "backlink"
    __table_args__ = (
        UniqueConstraint("workspace_id", "source_url", "target_url"),
        Index("ix_backlink_due", "next_check_at"),
        Index("ix_backlink_ws_status", "workspace_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_url: Mapped[str] = mapped_column(String(2048))
    source_domain: Mapped[str] = mapped_column(String(253), index=True)
    target_url: Mapped[str] = mapped_column(String(2048))
    expected_anchor: Mapped[str] = mapped_column(String(500), default="")
    expected_rel: Mapped[str] = mapped_column(String(20), default="")  # "", follow, nofollow, sponsored, ugc
    acquisition: Mapped[str] = mapped_column(String(20), default="outreach")
    self_kind: Mapped[str | None] = mapped_column(String(20))
    cost_cents: Mapped[int | None] = mapped_column()
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaign.id", ondelete="SET NULL"), index=True)
    opportunity_id: Mapped[int | None] = mapped_column(ForeignKey("opportunity.id", ondelete="SET NULL"), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id", ondelete="SET NULL"), index=True)
    placed_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="unchecked")
    status_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pending_status: Mapped[str | None] = mapped_column(String(20))  # a change awaiting its confirming check
    last_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=utcnow)
    check_count: Mapped[int] = mapped_column(default=0)
    first_live_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lost_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    score: Mapped[int | None] = mapped_column()
    score_version: Mapped[int | None] = mapped_column()
    score_explanation: Mapped[str] = mapped_column(String(500), default="")
    harm_reasons: Mapped[list | None] = mapped_column(JSON)
    etag: Mapped[str] = mapped_column(String(255), default="")
    last_modified: Mapped[str] = mapped_column(String(100), default="")
    # Where the source page ended up after redirects, as last confirmed; a change is a "redirect" alert.
    final_url: Mapped[str] = mapped_column(String(2048), default="", server_default="")

    checks: Mapped[list[LinkCheck]] = relationship(
        back_populates="backlink", cascade="all, delete-orphan", order_by="LinkCheck.checked_at.desc()"
    )
    site = relationship("Site")


class LinkCheck(WorkspaceScoped, db.Model):
    """One verification of a backlink with its evidence and score."""

    __tablename__ = "link_check"
    __table_args__ = (Index("ix_link_check_backlink_when", "backlink_id", "checked_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    backlink_id: Mapped[int] = mapped_column(ForeignKey("backlink.id", ondelete="CASCADE"))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(20))
    found: Mapped[bool] = mapped_column(default=False)
    match: Mapped[str | None] = mapped_column(String(20))
    http_status: Mapped[int | None] = mapped_column()
    final_url: Mapped[str] = mapped_column(String(2048), default="")
    anchor_text: Mapped[str | None] = mapped_column(String(500))
    placement: Mapped[str | None] = mapped_column(String(20))
    indexable: Mapped[bool | None] = mapped_column()
    outbound_links: Mapped[int | None] = mapped_column()
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    evidence: Mapped[dict] = mapped_column(JSON, default=dict)  # the verifier's full verdict
    score: Mapped[int | None] = mapped_column()
    score_version: Mapped[int | None] = mapped_column()
    score_detail: Mapped[dict | None] = mapped_column(JSON)
    rendered: Mapped[bool] = mapped_column(default=False)
    elapsed_ms: Mapped[int | None] = mapped_column()

    backlink: Mapped[Backlink] = relationship(back_populates="checks")


class LinkAlert(WorkspaceScoped, db.Model):
    """A confirmed change of a live link, shown in the app and sent in the daily digest."""

    __tablename__ = "link_alert"

    id: Mapped[int] = mapped_column(primary_key=True)
    backlink_id: Mapped[int] = mapped_column(ForeignKey("backlink.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # removed, nofollow_added, noindex, redirect, wrong_target, ...
    old_status: Mapped[str] = mapped_column(String(20))
    new_status: Mapped[str] = mapped_column(String(20))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    digested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    backlink: Mapped[Backlink] = relationship()


class LinkVerifyRun(WorkspaceScoped, db.Model):
    """One "verify now" of one or many backlinks, with the progress its page polls."""

    __tablename__ = "link_verify_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(20), default="queued")  # queued, running, done, failed
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    backlink_ids: Mapped[list] = mapped_column(JSON, default=list)
    counts: Mapped[dict] = mapped_column(JSON, default=dict)
    error: Mapped[str] = mapped_column(Text, default="")

    @property
    def finished(self) -> bool:
        """True once the run has ended, well or badly."""
        return self.state in ("done", "failed")

    @property
    def percent(self) -> int:
        """Share of the backlinks checked so far, 0-100."""
        return 100 if self.finished else (100 * self.done // self.total if self.total else 0)


class PageText(WorkspaceScoped, db.Model):
    """The main text of a fetched page (linking pages and our targets), for relevance scoring."""

    __tablename__ = "page_text"
    __table_args__ = (UniqueConstraint("workspace_id", "url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048))
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(20), default="")
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IdfState(WorkspaceScoped, db.Model):
    """The workspace's document frequencies, fitted on the pages it has fetched (serialised IdfModel)."""

    __tablename__ = "idf_state"
    __table_args__ = (UniqueConstraint("workspace_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    model: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
