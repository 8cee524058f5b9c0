"""A campaign's numbers: funnel counts, live links, money spent and cost per won and live link."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import exists, func, select

from crm.campaigns import stages
from crm.campaigns.models import Campaign, Cost, Opportunity
from crm.extensions import db
from crm.links.models import Backlink

# Verifier statuses in which the link is on the page; a nofollow link is still a live placement.
LIVE_LINK_STATUSES = ("live", "live_nofollow")


def _cards(ids: list[int]) -> dict[int, dict]:
    """One pass over the cards: count per stage, won-then-lost cards, and prices spent (paid) or committed."""
    rows = db.session.execute(
        select(
            Opportunity.campaign_id, Opportunity.stage, Opportunity.currency, Opportunity.payment_status,
            func.count(), func.count(Opportunity.won_at), func.sum(Opportunity.price_cents),
        )
        .where(Opportunity.campaign_id.in_(ids))
        .group_by(Opportunity.campaign_id, Opportunity.stage, Opportunity.currency, Opportunity.payment_status)
    )
    out: dict[int, dict] = defaultdict(lambda: {
        "by_stage": defaultdict(int), "won_but_lost": 0, "spent": defaultdict(int), "committed": defaultdict(int),
    })
    for campaign_id, stage, currency, payment, count, with_won_date, prices in rows:
        info = out[campaign_id]
        info["by_stage"][stage] += count
        if stage == "lost":
            info["won_but_lost"] += with_won_date
        if prices is None:
            continue
        if payment == "paid":
            info["spent"][currency] += int(prices)
        elif payment in (None, "unpaid") and stage in stages.WON_STAGES:
            info["committed"][currency] += int(prices)
    return out


def _live_counts(ids: list[int]) -> dict[int, int]:
    """Cards in stage live or with a live backlink, plus the campaign's live backlinks that have no card."""
    live_link = exists().where(Backlink.opportunity_id == Opportunity.id, Backlink.status.in_(LIVE_LINK_STATUSES))
    cards = db.session.execute(
        select(Opportunity.campaign_id, func.count())
        .where(Opportunity.campaign_id.in_(ids), (Opportunity.stage == "live") | live_link)
        .group_by(Opportunity.campaign_id)
    )
    loose = db.session.execute(
        select(Backlink.campaign_id, func.count())
        .where(
            Backlink.campaign_id.in_(ids),
            Backlink.opportunity_id.is_(None),
            Backlink.status.in_(LIVE_LINK_STATUSES),
        )
        .group_by(Backlink.campaign_id)
    )
    out: dict[int, int] = defaultdict(int)
    for campaign_id, count in [*cards, *loose]:
        out[campaign_id] += count
    return out


def _costs(ids: list[int]) -> dict[int, dict[str, int]]:
    """Cost rows per campaign and currency."""
    out: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rows = db.session.execute(
        select(Cost.campaign_id, Cost.currency, func.sum(Cost.amount_cents))
        .where(Cost.campaign_id.in_(ids))
        .group_by(Cost.campaign_id, Cost.currency)
    )
    for campaign_id, currency, total in rows:
        out[campaign_id][currency] += int(total)
    return out


def _per(cents: int, count: int) -> int | None:
    return round(cents / count) if count else None


def numbers_for(campaigns: list[Campaign]) -> dict[int, dict]:
    """The numbers of several campaigns in a handful of GROUP BY queries (for the list and the campaign page)."""
    ids = [c.id for c in campaigns]
    if not ids:
        return {}
    cards, live, costs = _cards(ids), _live_counts(ids), _costs(ids)
    result = {}
    for campaign in campaigns:
        stage_info = cards[campaign.id]
        funnel = stages.funnel_counts(stage_info["by_stage"], stage_info["won_but_lost"])
        spent_by = stage_info["spent"]
        for currency, cents in costs[campaign.id].items():
            spent_by[currency] += cents
        committed_by = stage_info["committed"]
        # Amounts in other currencies are shown apart: there is no exchange rate to add them with.
        spent = spent_by.get(campaign.currency, 0)
        other = {cur: cents for cur, cents in spent_by.items() if cur != campaign.currency and cents}
        won, live_links = funnel["won"], live[campaign.id]
        result[campaign.id] = {
            "campaign_id": campaign.id,
            "prospects": funnel["prospects"],
            "pitched": funnel["pitched"],
            "replied": funnel["replied"],
            "won": won,
            "live": live_links,
            "by_stage": {stage: stage_info["by_stage"].get(stage, 0) for stage in stages.LABELS},
            "currency": campaign.currency,
            "spent_cents": spent,
            "spent_other_currencies": other,
            "committed_cents": committed_by.get(campaign.currency, 0),
            "cost_per_won_cents": _per(spent, won),
            "cost_per_live_cents": _per(spent, live_links),
            "goal": campaign.goal_links,
            "goal_left": max(campaign.goal_links - won, 0) if campaign.goal_links else None,
            "budget_cents": campaign.budget_cents,
            "budget_left_cents": campaign.budget_cents - spent if campaign.budget_cents is not None else None,
        }
    return result


def campaign_numbers(campaign_id: int) -> dict:
    """One campaign's numbers (see numbers_for); KeyError-free: an unknown id gives an empty dict."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        return {}
    return numbers_for([campaign])[campaign_id]
