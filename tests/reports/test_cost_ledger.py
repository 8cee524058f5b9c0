"""One cost ledger: a cost entered on a backlink, a card or the costs tab is exactly one entry, and the report
follows every edit and deletion (on SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from crm.campaigns import costs, pipeline
from crm.campaigns.models import Campaign, Cost, Opportunity
from crm.campaigns.reporting.headlines import campaign_headline
from crm.extensions import db
from crm.links import backlinks
from crm.links.bulkinput import BacklinkInput
from tests.campaigns.factories import CampaignFactory, OpportunityFactory

pytestmark = pytest.mark.both_databases


def _entries(campaign_id: int) -> list[tuple[str, int, str]]:
    return [(c.source, c.amount_cents, c.currency) for c in db.session.scalars(
        select(Cost).where(Cost.campaign_id == campaign_id).order_by(Cost.id))]


def _spent(workspace_id: int, campaign_id: int):
    return campaign_headline(workspace_id, db.session.get(Campaign, campaign_id)).spend


def _row(cost: int | None, currency: str = "") -> BacklinkInput:
    return BacklinkInput(source_url="https://blog.example/post", target_url="https://shop.example/guide",
                         cost_cents=cost, currency=currency)


def test_a_backlink_cost_is_one_entry_in_the_campaign_currency_edited_cleared_and_untied(app, team):
    with app.app_context():
        ws = team.workspace_id
        campaign_id = CampaignFactory(workspace_id=ws, currency="EUR").id
        db.session.commit()
        link = backlinks.add_backlink(ws, _row(15000), campaign_id=campaign_id, opportunity_id=None)
        assert link.currency == "EUR"  # the campaign's currency is the default
        assert _entries(campaign_id) == [("backlink", 15000, "EUR")]
        assert _spent(ws, campaign_id).total_cents == 15000
        backlinks.update_backlink(link, _row(20000), campaign_id=campaign_id, opportunity_id=None)
        assert _entries(campaign_id) == [("backlink", 20000, "EUR")]
        assert _spent(ws, campaign_id).total_cents == 20000
        backlinks.update_backlink(link, _row(None), campaign_id=campaign_id, opportunity_id=None)
        assert _entries(campaign_id) == [] and _spent(ws, campaign_id).total_cents == 0
        backlinks.update_backlink(link, _row(9000), campaign_id=campaign_id, opportunity_id=None)
        backlinks.delete_backlink(link)
        [entry] = db.session.scalars(select(Cost).where(Cost.campaign_id == campaign_id))
        assert entry.backlink_id is None and "backlink deleted" in entry.description  # the money stays spent


def test_a_card_price_is_one_entry_once_won_and_follows_edits(app, team):
    with app.app_context():
        ws, owner = team.workspace_id, team.user_ids["owner"]
        campaign = CampaignFactory(workspace_id=ws, currency="USD")
        card = OpportunityFactory(workspace_id=ws, campaign_id=campaign.id, stage="negotiating",
                                  price_cents=30000, currency="USD", payment_status="unpaid")
        db.session.commit()
        campaign_id, card_id = campaign.id, card.id
        assert _entries(campaign_id) == []  # asked, not agreed: not spent
        card = db.session.get(Opportunity, card_id)
        for _ in range(2):
            pipeline.move(card, "won", role="owner", actor_id=owner)
            pipeline.move(card, "live", role="owner", actor_id=owner)
        assert _entries(campaign_id) == [("placement", 30000, "USD")]
        values = pipeline.OpportunityValues(
            contact_id=card.contact_id, owner_id=card.owner_id, target_page_id=None, next_action_on=None, notes="",
            price_cents=35000, currency="USD", payment_status="paid", term_until=None)
        pipeline.update_opportunity(card, values, role="owner", actor_id=owner)
        assert _entries(campaign_id) == [("placement", 35000, "USD")]
        assert _spent(ws, campaign_id).placements_cents == 35000
        values.payment_status = "refunded"
        pipeline.update_opportunity(card, values, role="owner", actor_id=owner)
        assert _entries(campaign_id) == [] and _spent(ws, campaign_id).total_cents == 0


def test_the_costs_tab_adds_one_entry_and_mixed_currencies_are_never_summed(app, team):
    with app.app_context():
        ws, owner = team.workspace_id, team.user_ids["owner"]
        campaign = CampaignFactory(workspace_id=ws, currency="USD")
        db.session.commit()
        costs.add_cost(campaign, amount_cents=5000, currency="USD", description="Writing", spent_on=None,
                       opportunity_id=None, role="owner", actor_id=owner)
        costs.add_cost(campaign, amount_cents=4200, currency="EUR", description="Translation", spent_on=None,
                       opportunity_id=None, role="owner", actor_id=owner)
        backlinks.add_backlink(ws, _row(700, "GBP"), campaign_id=campaign.id)
        assert db.session.scalar(select(func.count()).select_from(Cost)) == 3
        spend = _spent(ws, campaign.id)
        assert spend.total_cents == 5000
        assert spend.other_currencies == (("EUR", 4200), ("GBP", 700))
        placed = db.session.scalar(select(Cost).where(Cost.source == "backlink"))
        with pytest.raises(Exception, match="on the backlink"):
            costs.delete_cost(placed, role="owner", actor_id=owner)
        manual = db.session.scalar(select(Cost).where(Cost.description == "Writing"))
        costs.delete_cost(manual, role="owner", actor_id=owner)
        assert _spent(ws, campaign.id).total_cents == 0
