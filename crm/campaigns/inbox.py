"""The inbox as campaigns reads it: each thread with its contact, site, owner, campaign and opportunity stage.

Outreach keeps the threads, their filters and their services; campaigns, which may read prospects and outreach
both, joins the threads to who and what they are about, and hands the answer's addressee down as plain values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from crm.accounts.models import User
from crm.campaigns.models import Campaign, Opportunity
from crm.extensions import db
from crm.outreach import thread_queries
from crm.outreach.answering import Correspondent
from crm.outreach.models import Thread, ThreadUnread
from crm.outreach.threads import unread_join
from crm.prospects.models import Contact, Site


@dataclass(frozen=True)
class Row:
    """One thread as the inbox lists it."""

    id: int
    email: str
    name: str
    domain: str
    state: str
    owner: str
    campaign: str
    stage: str
    last_activity_at: datetime
    unread: bool


def listing(workspace_id: int, user_id: int, filters: thread_queries.Filters,
            limit: int = thread_queries.LIMIT) -> list[Row]:
    """The workspace's threads matching the filters, the most recently active first."""
    query = unread_join(select(
        Thread.id, Contact.email, Contact.first_name, Contact.last_name, Site.domain, Thread.state, User.name,
        User.email, Campaign.name, Opportunity.stage, Thread.last_activity_at,
        ThreadUnread.thread_id.is_not(None).label("unread"),
    ), user_id).join(Contact, Contact.id == Thread.contact_id).outerjoin(Site, Site.id == Thread.site_id) \
        .outerjoin(User, User.id == Thread.owner_id) \
        .outerjoin(Opportunity, Opportunity.id == Thread.opportunity_id) \
        .outerjoin(Campaign, Campaign.id == Thread.campaign_id)
    rows = db.session.execute(thread_queries.filtered(query, workspace_id, user_id, filters).limit(limit))
    return [Row(r[0], r[1], f"{r[2]} {r[3]}".strip(), r[4] or "", r[5], r[6] or r[7] or "", r[8] or "", r[9] or "",
                r[10], bool(r[11])) for r in rows]


def campaigns_with_threads(workspace_id: int) -> list[tuple[int, str]]:
    """The campaigns the workspace's threads belong to, for the campaign filter."""
    rows = db.session.execute(select(Campaign.id, Campaign.name).where(
        Campaign.id.in_(select(Thread.campaign_id).where(Thread.workspace_id == workspace_id)))
        .order_by(Campaign.name))
    return [tuple(r) for r in rows]


@dataclass(frozen=True)
class ThreadContext:
    """What a thread's page links to: its contact, site, opportunity and the opportunity's campaign."""

    thread: Thread | None
    contact: Contact
    site: Site | None
    opportunity: Opportunity | None
    campaign: Campaign | None

    @property
    def correspondent(self) -> Correspondent:
        """The contact an answer goes to, as the plain values outreach's answering takes."""
        contact = self.contact
        return Correspondent(contact.id, contact.email, contact.status, contact.site_id)


def _site(workspace_id: int, site_id: int | None) -> Site | None:
    site = db.session.get(Site, site_id) if site_id else None
    return site if site is not None and site.workspace_id == workspace_id else None


def context(thread: Thread) -> ThreadContext:
    """The thread's contact, site, opportunity and campaign (all of the thread's workspace)."""
    opportunity = db.session.get(Opportunity, thread.opportunity_id) if thread.opportunity_id else None
    if opportunity is not None and opportunity.workspace_id != thread.workspace_id:
        opportunity = None
    campaign = db.session.get(Campaign, opportunity.campaign_id) if opportunity is not None else None
    contact = db.session.get(Contact, thread.contact_id)
    return ThreadContext(thread, contact, _site(thread.workspace_id, thread.site_id or contact.site_id),
                         opportunity, campaign)


def without_thread(contact: Contact) -> ThreadContext:
    """The page of a contact who never wrote to us: the contact and their site, nothing to answer."""
    return ThreadContext(None, contact, _site(contact.workspace_id, contact.site_id), None, None)
