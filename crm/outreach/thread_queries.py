"""The inbox's filters (state, mine, campaign) over outreach's threads, a thread's neighbours, and who may own one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select

from crm.accounts.models import Membership, User
from crm.extensions import db
from crm.outreach.models import THREAD_STATES, Thread

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


def filtered(query, workspace_id: int, user_id: int, filters: Filters):
    """A select over threads narrowed to the workspace and the filters, the most recently active first."""
    query = query.where(Thread.workspace_id == workspace_id)
    if filters.state:
        query = query.where(Thread.state == filters.state)
    if filters.mine:
        query = query.where(Thread.owner_id == user_id)
    if filters.campaign_id:
        query = query.where(Thread.campaign_id == filters.campaign_id)
    return query.order_by(Thread.last_activity_at.desc(), Thread.id.desc())


def neighbours(workspace_id: int, user_id: int, filters: Filters, thread_id: int) -> tuple[int | None, int | None]:
    """The threads listed just before and after this one under the same filters (None at either end)."""
    ids = list(db.session.scalars(filtered(select(Thread.id), workspace_id, user_id, filters).limit(LIMIT)))
    if thread_id not in ids:
        return None, ids[0] if ids else None
    at = ids.index(thread_id)
    return (ids[at - 1] if at > 0 else None), (ids[at + 1] if at + 1 < len(ids) else None)


def members(workspace_id: int) -> list[tuple[int, str]]:
    """Who may own a thread: the workspace's members, (user id, name or email)."""
    rows = db.session.execute(select(User.id, User.name, User.email).join(Membership, Membership.user_id == User.id)
                              .where(Membership.workspace_id == workspace_id).order_by(User.name, User.email))
    return [(uid, name or email) for uid, name, email in rows]
