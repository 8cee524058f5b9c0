"""The inbox's list of threads: filters (state, mine, campaign), what each row shows, and a thread's neighbours."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from crm.accounts.models import Membership, User
from crm.extensions import db
from crm.outreach.models import THREAD_STATES, Thread, ThreadUnread
from crm.outreach.threads import unread_join
from crm.prospects.models import Contact, Site

LIMIT = 200


@dataclass(frozen=True)
class Filters:
    """What the inbox shows: one state or all, only the user's threads, one campaign."""

    state: str | None = None
    mine: bool = False
    campaign_id: int | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Filters:
        """Read the filters from a query string; anything unknown means no filter."""
        state = args.get("state") if args.get("state") in THREAD_STATES else None
        campaign = args.get("campaign", "")
        return cls(state, args.get("mine") == "1", int(campaign) if campaign.isdigit() else None)

    def args(self, **changes) -> dict[str, str]:
        """The query string for these filters, with some changed (None drops one)."""
        values = {"state": self.state, "mine": "1" if self.mine else None,
                  "campaign": str(self.campaign_id) if self.campaign_id else None}
        values.update(changes)
        return {k: v for k, v in values.items() if v}


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


def _query(workspace_id: int, user_id: int, filters: Filters):
    opportunity, campaign = db.metadata.tables["opportunity"], db.metadata.tables["campaign"]
    query = unread_join(select(
        Thread.id, Contact.email, Contact.first_name, Contact.last_name, Site.domain, Thread.state, User.name,
        User.email, campaign.c.name, opportunity.c.stage, Thread.last_activity_at,
        ThreadUnread.thread_id.is_not(None).label("unread"),
    ), user_id).join(Contact, Contact.id == Thread.contact_id).outerjoin(Site, Site.id == Thread.site_id) \
        .outerjoin(User, User.id == Thread.owner_id) \
        .outerjoin(opportunity, opportunity.c.id == Thread.opportunity_id) \
        .outerjoin(campaign, campaign.c.id == Thread.campaign_id).where(Thread.workspace_id == workspace_id)
    if filters.state:
        query = query.where(Thread.state == filters.state)
    if filters.mine:
        query = query.where(Thread.owner_id == user_id)
    if filters.campaign_id:
        query = query.where(Thread.campaign_id == filters.campaign_id)
    return query.order_by(Thread.last_activity_at.desc(), Thread.id.desc())


def listing(workspace_id: int, user_id: int, filters: Filters, limit: int = LIMIT) -> list[Row]:
    """The workspace's threads matching the filters, the most recently active first."""
    rows = db.session.execute(_query(workspace_id, user_id, filters).limit(limit))
    return [Row(r[0], r[1], f"{r[2]} {r[3]}".strip(), r[4] or "", r[5], r[6] or r[7] or "", r[8] or "", r[9] or "",
                r[10], bool(r[11])) for r in rows]


def neighbours(workspace_id: int, user_id: int, filters: Filters, thread_id: int) -> tuple[int | None, int | None]:
    """The threads listed just before and after this one under the same filters (None at either end)."""
    ids = list(db.session.scalars(_query(workspace_id, user_id, filters).with_only_columns(Thread.id).limit(LIMIT)))
    if thread_id not in ids:
        return None, ids[0] if ids else None
    at = ids.index(thread_id)
    return (ids[at - 1] if at > 0 else None), (ids[at + 1] if at + 1 < len(ids) else None)


def members(workspace_id: int) -> list[tuple[int, str]]:
    """Who may own a thread: the workspace's members, (user id, name or email)."""
    rows = db.session.execute(select(User.id, User.name, User.email).join(Membership, Membership.user_id == User.id)
                              .where(Membership.workspace_id == workspace_id).order_by(User.name, User.email))
    return [(uid, name or email) for uid, name, email in rows]


def campaigns_with_threads(workspace_id: int) -> list[tuple[int, str]]:
    """The campaigns the workspace's threads belong to, for the campaign filter."""
    campaign = db.metadata.tables["campaign"]
    rows = db.session.execute(select(campaign.c.id, campaign.c.name).where(
        campaign.c.id.in_(select(Thread.campaign_id).where(Thread.workspace_id == workspace_id)))
        .order_by(campaign.c.name))
    return [tuple(r) for r in rows]
