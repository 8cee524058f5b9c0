"""Sites keyed by registrable domain, their pages, tags, dated metrics and contacts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Float, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.db import TimestampMixin, UTCDateTime, WorkspaceScoped, utcnow
from crm.extensions import db

SITE_STATUSES = ("active", "blocked", "do_not_contact")
CONTACT_STATUSES = ("ok", "bounced", "unsubscribed", "do_not_contact")
# What an email finder (Hunter and the like) said of an address; "" when nobody checked it.
EMAIL_VERIFICATIONS = ("valid", "accept_all", "unknown", "invalid", "webmail", "disposable")
EDITABLE_VERIFICATIONS = EMAIL_VERIFICATIONS[:4]  # what a marketer sets by hand; the others only come from files
# The newest value of these metrics is kept on the site row too, so 100,000 sites sort and filter fast.
SITE_METRIC_COLUMNS = ("dr", "da", "tf", "cf", "as_score", "traffic", "ref_domains", "spam")
# Metric names (the import vocabulary) whose site column has another name.
METRIC_COLUMN = {"as": "as_score"}
JOB_KINDS = ("import", "discovery")
JOB_STATUSES = ("queued", "running", "done", "failed")

site_tag = Table(
    "site_tag",
    db.metadata,
    Column("site_id", ForeignKey("site.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Site(WorkspaceScoped, TimestampMixin, db.Model):
    """A prospect website, identified by its registrable domain within a workspace."""

    __tablename__ = "site"
    __table_args__ = (
        UniqueConstraint("workspace_id", "domain"),
        Index("ix_site_ws_dr", "workspace_id", "dr"),
        Index("ix_site_ws_traffic", "workspace_id", "traffic"),
        Index("ix_site_ws_contacted", "workspace_id", "last_contacted_at"),
        Index("ix_site_ws_status", "workspace_id", "status"),
        # Every metric column sorts the list: without its index SQLite sorts 100,000 rows per page view.
        Index("ix_site_ws_da", "workspace_id", "da"),
        Index("ix_site_ws_tf", "workspace_id", "tf"),
        Index("ix_site_ws_cf", "workspace_id", "cf"),
        Index("ix_site_ws_as_score", "workspace_id", "as_score"),
        Index("ix_site_ws_ref_domains", "workspace_id", "ref_domains"),
        Index("ix_site_ws_spam", "workspace_id", "spam"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    domain: Mapped[str] = mapped_column(String(253))  # registrable domain, lower-case, IDNA
    name: Mapped[str] = mapped_column(String(200), default="", server_default="")  # site or company name
    homepage: Mapped[str] = mapped_column(String(2048), default="")
    status: Mapped[str] = mapped_column(String(20), default="active")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    last_contacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dr: Mapped[float | None] = mapped_column(Float)
    da: Mapped[float | None] = mapped_column(Float)
    tf: Mapped[float | None] = mapped_column(Float)
    cf: Mapped[float | None] = mapped_column(Float)
    as_score: Mapped[float | None] = mapped_column(Float)
    traffic: Mapped[float | None] = mapped_column(Float)
    ref_domains: Mapped[float | None] = mapped_column(Float)
    spam: Mapped[float | None] = mapped_column(Float)
    custom_fields: Mapped[dict | None] = mapped_column(JSON)  # values of the workspace's CustomField keys

    owner = relationship("User")
    tags: Mapped[list[Tag]] = relationship(secondary=site_tag, back_populates="sites")
    pages: Mapped[list[SitePage]] = relationship(back_populates="site", cascade="all, delete-orphan")
    contacts: Mapped[list[Contact]] = relationship(back_populates="site", cascade="all, delete-orphan")
    metrics: Mapped[list[SiteMetric]] = relationship(back_populates="site", cascade="all, delete-orphan")


class SitePage(WorkspaceScoped, db.Model):
    """A page URL seen on a site (subdomains fold into the site; the URLs are kept here)."""

    __tablename__ = "site_page"
    __table_args__ = (UniqueConstraint("site_id", "url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2048))
    title: Mapped[str] = mapped_column(String(500), default="")
    source: Mapped[str] = mapped_column(String(40), default="manual")
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    site: Mapped[Site] = relationship(back_populates="pages")


class Tag(WorkspaceScoped, db.Model):
    """A label on sites (niche, tier, language...)."""

    __tablename__ = "tag"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))

    sites: Mapped[list[Site]] = relationship(secondary=site_tag, back_populates="tags")


class SiteMetric(WorkspaceScoped, db.Model):
    """One dated measurement of a site (dr, da, tf, cf, traffic, ref_domains, spam...) and where it came from."""

    __tablename__ = "site_metric"
    __table_args__ = (
        UniqueConstraint("site_id", "name", "source", "measured_at"),
        Index("ix_site_metric_site_name_when", "site_id", "name", "measured_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(30))
    value: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(20))  # ahrefs, moz, semrush, majestic, gsc, manual
    measured_at: Mapped[datetime] = mapped_column(UTCDateTime)

    site: Mapped[Site] = relationship(back_populates="metrics")


class Contact(WorkspaceScoped, TimestampMixin, db.Model):
    """A person (or role address) at a site; the address is unique in a workspace, ignoring case."""

    __tablename__ = "contact"
    __table_args__ = (UniqueConstraint("workspace_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))  # stored lower-case
    first_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100), default="")
    position: Mapped[str] = mapped_column(String(150), default="")
    is_role_address: Mapped[bool] = mapped_column(default=False)
    found_on: Mapped[str] = mapped_column(String(2048), default="")  # the page the address was found on
    source: Mapped[str] = mapped_column(String(40), default="manual")  # manual, import:<format>, discovery
    status: Mapped[str] = mapped_column(String(20), default="ok")
    timezone: Mapped[str] = mapped_column(String(64), default="")
    linkedin_url: Mapped[str] = mapped_column(String(2048), default="", server_default="")
    twitter: Mapped[str] = mapped_column(String(100), default="", server_default="")  # X/Twitter handle, no @
    email_verification: Mapped[str] = mapped_column(String(20), default="", server_default="")  # EMAIL_VERIFICATIONS
    custom_fields: Mapped[dict | None] = mapped_column(JSON)

    site: Mapped[Site] = relationship(back_populates="contacts")

    @property
    def name(self) -> str:
        """First and last name, or empty."""
        return " ".join(part for part in (self.first_name, self.last_name) if part)


CUSTOM_FIELD_TYPES = ("text", "number", "date", "choice", "url")
CUSTOM_FIELD_ENTITIES = ("site", "contact", "opportunity")


class CustomField(WorkspaceScoped, db.Model):
    """A field a workspace defines on its sites, contacts or opportunities; values live on the records."""

    __tablename__ = "custom_field"
    __table_args__ = (UniqueConstraint("workspace_id", "entity", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(20))  # site, contact, opportunity
    key: Mapped[str] = mapped_column(String(40))  # the merge name, custom.<key>; fixed once values use it
    label: Mapped[str] = mapped_column(String(100))
    type: Mapped[str] = mapped_column(String(20), default="text")
    choices: Mapped[list] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(default=0)


class ProspectJob(WorkspaceScoped, db.Model):
    """A background import or contact discovery: parameters, state and final result (progress lives in the queue)."""

    __tablename__ = "prospect_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # import, discovery
    status: Mapped[str] = mapped_column(String(20), default="queued")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    result: Mapped[dict | None] = mapped_column(JSON)
    message: Mapped[str] = mapped_column(Text, default="")  # why it failed, for the person who started it

    created_by = relationship("User")

    @property
    def finished(self) -> bool:
        """True once the job has done or failed."""
        return self.status in ("done", "failed")
