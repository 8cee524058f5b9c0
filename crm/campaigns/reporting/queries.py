"""Aggregate queries per campaign (GROUP BY, never a row per check): funnel counts, link figures and spend."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, case, func, or_, select

from crm.campaigns import numbers
from crm.campaigns.models import Campaign, Cost
from crm.campaigns.reporting import figures
from crm.campaigns.reporting.figures import LIVE_STATUSES, Spend
from crm.extensions import db
from crm.links.models import Backlink
from crm.outreach.models import OutboundMessage


def _flag(condition):
    """1 when the condition holds, else 0: the same integers on every database."""
    return case((condition, 1), else_=0)


def funnel_counts(workspace_id: int, campaign_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """Per campaign, the funnel as the campaign page counts it (crm.campaigns.numbers, one definition)."""
    return numbers.funnel_counts(workspace_id, campaign_ids)


@dataclass(frozen=True)
class LinkFigures:
    """A campaign's links now: how many are live, their quality points, and how many were lost."""

    links: int = 0
    live: int = 0
    scored: int = 0
    points: int = 0
    lost: int = 0

    @property
    def average_quality(self) -> float | None:
        """Mean score of the live links that have one."""
        return self.points / self.scored if self.scored else None


def link_figures(workspace_id: int, campaign_ids: Sequence[int]) -> dict[int, LinkFigures]:
    """Per campaign: links, live links, scored live links and their points, lost links (one GROUP BY)."""
    if not campaign_ids:
        return {}
    is_live = Backlink.status.in_(LIVE_STATUSES)
    lost = or_(Backlink.status.in_(figures.LOST_STATUSES),
               and_(Backlink.lost_at.is_not(None), Backlink.status.not_in(figures.ON_PAGE_STATUSES)))
    query = (
        select(
            Backlink.campaign_id,
            func.count(),
            func.sum(_flag(is_live)),
            func.sum(_flag(and_(is_live, Backlink.score.is_not(None)))),
            func.sum(case((is_live, Backlink.score), else_=0)),
            func.sum(_flag(lost)),
        )
        .where(Backlink.workspace_id == workspace_id, Backlink.campaign_id.in_(campaign_ids))
        .group_by(Backlink.campaign_id)
    )
    return {
        campaign_id: LinkFigures(int(links), int(live or 0), int(scored or 0), int(points or 0), int(gone or 0))
        for campaign_id, links, live, scored, points, gone in db.session.execute(query)
    }


def spend(workspace_id: int, campaigns: Sequence[Campaign]) -> dict[int, Spend]:
    """Per campaign, money spent by the cost ledger alone: in the campaign's currency, and apart per other one."""
    if not campaigns:
        return {}
    ids = [c.id for c in campaigns]
    currency = {c.id: c.currency for c in campaigns}
    parts: dict[int, dict] = {cid: {"placements": 0, "costs": 0, "other": 0, "by": defaultdict(int)} for cid in ids}
    query = (select(Cost.campaign_id, Cost.currency, Cost.source, func.sum(Cost.amount_cents), func.count())
             .where(Cost.workspace_id == workspace_id, Cost.campaign_id.in_(ids))
             .group_by(Cost.campaign_id, Cost.currency, Cost.source))
    for campaign_id, money, source, total, items in db.session.execute(query):
        part = parts[campaign_id]
        if money == currency[campaign_id]:
            part["placements" if source == "placement" else "costs"] += int(total or 0)
        else:  # no exchange rate to add it with: shown per currency, never summed
            part["other"] += int(items)
            part["by"][money] += int(total or 0)
    return {
        cid: Spend(placements_cents=p["placements"], costs_cents=p["costs"], other_currency_items=p["other"],
                   other_currencies=tuple(sorted(p["by"].items())))
        for cid, p in parts.items()
    }


def messages_sent(workspace_id: int, campaign_ids: Sequence[int]) -> dict[int, int]:
    """Per campaign, how many messages were sent."""
    if not campaign_ids:
        return {}
    query = (
        select(OutboundMessage.campaign_id, func.count())
        .where(OutboundMessage.workspace_id == workspace_id, OutboundMessage.campaign_id.in_(campaign_ids),
               OutboundMessage.sent_at.is_not(None))
        .group_by(OutboundMessage.campaign_id)
    )
    return dict(db.session.execute(query).all())
