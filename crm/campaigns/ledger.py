"""The one cost ledger: a card's agreed price and a backlink's own cost each kept as exactly one entry."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from crm.campaigns.definitions import WON_STAGES
from crm.campaigns.models import Campaign, Cost, Opportunity
from crm.db import utcnow
from crm.extensions import db


def _entry(workspace_id: int, origin: str) -> Cost | None:
    return db.session.scalar(select(Cost).where(Cost.workspace_id == workspace_id, Cost.origin == origin))


def _keep(workspace_id: int, origin: str, wanted: dict | None) -> Cost | None:
    """Make the entry of `origin` hold `wanted` (add, update), or remove it when None (not committed)."""
    entry = _entry(workspace_id, origin)
    if wanted is None:
        if entry is not None:
            db.session.delete(entry)
        return None
    if entry is None:
        entry = Cost(workspace_id=workspace_id, origin=origin, **wanted)
        try:
            with db.session.begin_nested():  # two saves at once: the unique origin keeps one entry
                db.session.add(entry)
        except IntegrityError:
            entry = _entry(workspace_id, origin)
    for name, value in wanted.items():
        setattr(entry, name, value)
    return entry


def placement_spent(opportunity: Opportunity) -> bool:
    """The agreed price is spent once the placement is agreed (won, even if the link was lost later) and
    as long as it was not refunded."""
    agreed = opportunity.won_at is not None or opportunity.stage in WON_STAGES
    return bool(opportunity.price_cents) and agreed and opportunity.payment_status != "refunded"


def sync_placement(opportunity: Opportunity) -> Cost | None:
    """The card's one ledger entry for its price, after a stage move or an edit (not committed)."""
    wanted = None
    if placement_spent(opportunity):
        existing = _entry(opportunity.workspace_id, f"placement:{opportunity.id}")
        wanted = {"campaign_id": opportunity.campaign_id, "opportunity_id": opportunity.id, "source": "placement",
                  "amount_cents": opportunity.price_cents, "currency": opportunity.currency,
                  "description": f"Placement on {opportunity.site.domain}"[:200],
                  "spent_on": existing.spent_on if existing else (opportunity.won_at or utcnow()).date()}
    return _keep(opportunity.workspace_id, f"placement:{opportunity.id}", wanted)


def sync_backlink_cost(workspace_id: int, *, backlink_id: int, campaign_id: int | None, opportunity_id: int | None,
                       cost_cents: int | None, currency: str, source_url: str = "", placed_on: date | None = None,
                       deleted: bool = False) -> Cost | None:
    """The backlink's one ledger entry: added, changed, removed when its cost is cleared or it leaves the
    campaign; when the backlink is deleted the money stays spent, untied from it (not committed)."""
    origin = f"backlink:{backlink_id}"
    if deleted:
        entry = _entry(workspace_id, origin)
        if entry is not None:
            entry.origin, entry.backlink_id = None, None
            entry.description = f"{entry.description} (backlink deleted)"[:200]
        return entry
    campaign = db.session.get(Campaign, campaign_id) if campaign_id else None
    if campaign is not None and campaign.workspace_id != workspace_id:
        campaign = None
    wanted = None
    if campaign is not None and cost_cents:
        existing = _entry(workspace_id, origin)
        wanted = {"campaign_id": campaign.id, "opportunity_id": opportunity_id, "backlink_id": backlink_id,
                  "source": "backlink", "amount_cents": cost_cents, "currency": currency or campaign.currency,
                  "description": f"Backlink cost: {source_url}"[:200],
                  "spent_on": placed_on or (existing.spent_on if existing else date.today())}
    return _keep(workspace_id, origin, wanted)
