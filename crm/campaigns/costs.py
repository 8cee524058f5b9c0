"""The costs tab of the ledger (content, tools, fees): recording, removing and listing entries."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from crm.campaigns import guards
from crm.campaigns.models import Campaign, Cost, Opportunity
from crm.campaigns.services import CampaignError
from crm.extensions import db


def may_manage(role: str, actor_id: int, campaign: Campaign) -> bool:
    """Money is the campaign owner's (or an admin's) to record: members manage their own and unowned campaigns."""
    return guards.may_work(role, actor_id, campaign.owner_id)


def add_cost(campaign: Campaign, *, amount_cents: int | None, currency: str, description: str, spent_on: date | None,
             opportunity_id: int | None, role: str, actor_id: int) -> Cost:
    """Record money spent on a campaign; commits."""
    if not may_manage(role, actor_id, campaign):
        raise CampaignError("Only the campaign's owner or an admin records its costs.")
    if not amount_cents:
        raise CampaignError("Enter the amount spent.")
    if not (description or "").strip():
        raise CampaignError("Say what the money was for.")
    if opportunity_id is not None:
        opportunity = db.session.get(Opportunity, opportunity_id)
        if opportunity is None or opportunity.campaign_id != campaign.id:
            raise CampaignError("That opportunity is not in this campaign.")
    cost = Cost(workspace_id=campaign.workspace_id, campaign_id=campaign.id, opportunity_id=opportunity_id,
                source="manual", amount_cents=amount_cents, currency=currency, description=description.strip()[:200],
                spent_on=spent_on or date.today())
    db.session.add(cost)
    db.session.commit()
    return cost


def delete_cost(cost: Cost, *, role: str, actor_id: int) -> None:
    """Remove a cost recorded by mistake; commits."""
    campaign = db.session.get(Campaign, cost.campaign_id)
    if not may_manage(role, actor_id, campaign):
        raise CampaignError("Only the campaign's owner or an admin removes its costs.")
    if cost.source == "placement" and cost.opportunity_id:
        raise CampaignError("This is a card's agreed price: change or clear the price on the card.")
    if cost.source == "backlink" and cost.backlink_id:
        raise CampaignError("This is a backlink's cost: change or clear the cost on the backlink.")
    db.session.delete(cost)
    db.session.commit()


def costs_of(campaign_id: int) -> list[Cost]:
    """A campaign's costs, newest first."""
    query = select(Cost).where(Cost.campaign_id == campaign_id).order_by(Cost.spent_on.desc(), Cost.id.desc())
    return list(db.session.scalars(query))


def paid_placements(campaign_id: int, limit: int = 200) -> list[Opportunity]:
    """Opportunities with a price, for the costs page (site loaded with them)."""
    query = (
        select(Opportunity)
        .where(Opportunity.campaign_id == campaign_id, Opportunity.price_cents.is_not(None))
        .options(joinedload(Opportunity.site))
        .order_by(Opportunity.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))
