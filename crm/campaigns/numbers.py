"""A campaign's numbers: funnel counts, live links, money spent and cost per won and live link."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import case, exists, func, or_, select

from crm.campaigns import stages
from crm.campaigns.definitions import ANSWERED_STAGES, LIVE_STATUSES, REPLY_KINDS, WON_STAGES
from crm.campaigns.models import Campaign, Cost, Opportunity
from crm.extensions import db
from crm.links.models import Backlink
from crm.outreach.models import OutboundMessage, Reply

LIVE_LINK_STATUSES = LIVE_STATUSES
# Cards still talking about a price: it is a prospect cost, not yet money spent.
PRICE_OPEN_STAGES = ("prospect", "pitched", "replied", "negotiating")


def _flag(condition):
    """1 when the condition holds, else 0: the same integers on every database."""
    return case((condition, 1), else_=0)


def human_reply_to(opportunity, workspace_id: int):
    """SQL: the card has a reply written by a person, recorded on it or on one of its messages."""
    # Two EXISTS rather than one with an OR inside: each then walks its own index (reply.opportunity_id, and
    # outbound_message.opportunity_id then reply.message_id) instead of every reply of the workspace per card.
    on_card = exists().where(Reply.opportunity_id == opportunity.id, Reply.workspace_id == workspace_id,
                             Reply.kind.in_(REPLY_KINDS))
    on_message = exists().where(OutboundMessage.opportunity_id == opportunity.id,
                                Reply.message_id == OutboundMessage.id, Reply.workspace_id == workspace_id,
                                Reply.kind.in_(REPLY_KINDS))
    return or_(on_card, on_message)


def funnel_counts(workspace_id: int, campaign_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """Per campaign: prospects, pitched, replied, hand_replied, won and live, by crm.campaigns.definitions."""
    if not campaign_ids:
        return {}
    sent = exists().where(OutboundMessage.opportunity_id == Opportunity.id,
                          OutboundMessage.workspace_id == workspace_id, OutboundMessage.sent_at.is_not(None))
    replied = human_reply_to(Opportunity, workspace_id)
    won = or_(Opportunity.stage.in_(WON_STAGES), Opportunity.won_at.is_not(None))
    rows = db.session.execute(
        select(Opportunity.campaign_id, func.count(), func.sum(_flag(sent)), func.sum(_flag(replied)),
               func.sum(_flag(Opportunity.stage.in_(ANSWERED_STAGES) & ~replied)), func.sum(_flag(won)))
        .where(Opportunity.workspace_id == workspace_id, Opportunity.campaign_id.in_(campaign_ids))
        .group_by(Opportunity.campaign_id)
    )
    zero = {"prospects": 0, "pitched": 0, "replied": 0, "hand_replied": 0, "won": 0, "live": 0}
    result = {cid: dict(zero) for cid in campaign_ids}
    for campaign_id, prospects, pitched, answered, by_hand, won_count in rows:
        result[campaign_id].update(prospects=int(prospects), pitched=int(pitched or 0), replied=int(answered or 0),
                                   hand_replied=int(by_hand or 0), won=int(won_count or 0))
    for campaign_id, live in db.session.execute(
        select(Backlink.campaign_id, func.count())
        .where(Backlink.workspace_id == workspace_id, Backlink.campaign_id.in_(campaign_ids),
               Backlink.status.in_(LIVE_STATUSES))
        .group_by(Backlink.campaign_id)
    ):
        result[campaign_id]["live"] = int(live)
    return result


def _cards(ids: list[int]) -> dict[int, dict]:
    """One pass over the cards: count per stage, and prices asked on cards not agreed yet (not spent: the
    ledger holds a price once the placement is agreed)."""
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
        if prices is not None and stage in PRICE_OPEN_STAGES and payment != "refunded":
            info["committed"][currency] += int(prices)
    return out


def _costs(ids: list[int]) -> dict[int, dict[str, int]]:
    """The cost ledger per campaign and currency: the only place money spent is counted."""
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
    cards, costs = _cards(ids), _costs(ids)
    counted: dict[int, dict[str, int]] = {}
    for workspace_id in {c.workspace_id for c in campaigns}:
        counted.update(funnel_counts(workspace_id, [c.id for c in campaigns if c.workspace_id == workspace_id]))
    result = {}
    for campaign in campaigns:
        stage_info = cards[campaign.id]
        funnel = counted[campaign.id]
        spent_by = stage_info["spent"]
        for currency, cents in costs[campaign.id].items():
            spent_by[currency] += cents
        committed_by = stage_info["committed"]
        # Amounts in other currencies are shown apart: there is no exchange rate to add them with.
        spent = spent_by.get(campaign.currency, 0)
        other = {cur: cents for cur, cents in spent_by.items() if cur != campaign.currency and cents}
        won, live_links = funnel["won"], funnel["live"]
        result[campaign.id] = {
            "campaign_id": campaign.id,
            "prospects": funnel["prospects"],
            "pitched": funnel["pitched"],
            "replied": funnel["replied"],
            "hand_replied": funnel["hand_replied"],
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
