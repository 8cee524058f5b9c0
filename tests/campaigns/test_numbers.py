"""The numbers at the top of the campaign page, against a campaign whose figures were worked out by hand."""

from __future__ import annotations

import pytest

from crm.campaigns import ledger
from crm.campaigns.models import Campaign
from crm.campaigns.services import campaign_numbers, numbers_for
from crm.db import utcnow
from crm.extensions import db
from tests.campaigns.factories import CampaignFactory, CostFactory, OpportunityFactory
from tests.links.factories import BacklinkFactory

pytestmark = pytest.mark.both_databases


@pytest.fixture
def campaign_id(app, team):
    """16 cards in every stage, paid and unpaid prices in two currencies, costs, and live links (see the test)."""
    with app.app_context():
        ws = team.workspace_id
        c = CampaignFactory(workspace_id=ws, currency="USD", goal_links=10, budget_cents=200000)
        other = CampaignFactory(workspace_id=ws)

        def opp(stage, **kw):
            return OpportunityFactory(workspace_id=ws, campaign=c, stage=stage, **kw)

        for stage in ("prospect", "prospect", "pitched", "no_response", "replied", "declined"):
            opp(stage)
        opp("negotiating", price_cents=15000, payment_status="unpaid")  # not agreed yet: asked, not spent
        opp("won", price_cents=20000, payment_status="paid")
        opp("won", price_cents=10000, payment_status="unpaid")  # agreed: spent, though not paid yet
        opp("won", price_cents=9000, currency="EUR", payment_status="paid")  # spent, in another currency
        opp("won", price_cents=30000, payment_status="refunded")  # money came back
        live_paid = opp("live", price_cents=25000, payment_status="paid")
        opp("live")
        opp("lost", price_cents=18000, payment_status="paid", won_at=utcnow())  # a won link, since lost
        lost_deal = opp("lost")  # a deal lost in negotiation: never won
        relinked = opp("negotiating")  # a person moved it, but the verifier sees its link live
        BacklinkFactory(workspace_id=ws, campaign_id=c.id, opportunity_id=live_paid.id, status="live")
        BacklinkFactory(workspace_id=ws, campaign_id=c.id, opportunity_id=relinked.id, status="live")
        BacklinkFactory(workspace_id=ws, campaign_id=c.id, opportunity_id=None, status="live_nofollow")
        BacklinkFactory(workspace_id=ws, campaign_id=c.id, opportunity_id=lost_deal.id, status="missing")
        BacklinkFactory(workspace_id=ws, campaign_id=other.id, status="live")
        CostFactory(workspace_id=ws, campaign_id=c.id, amount_cents=12000, description="Writing")
        CostFactory(workspace_id=ws, campaign_id=c.id, amount_cents=9900, description="Tool")
        CostFactory(workspace_id=ws, campaign_id=c.id, amount_cents=5000, currency="EUR", description="Translation")
        CostFactory(workspace_id=ws, campaign_id=other.id, amount_cents=77700)
        for card in c.opportunities:  # as saving a card does: an agreed price joins the ledger once
            ledger.sync_placement(card)
        db.session.commit()
        return c.id


def test_numbers_match_the_hand_computed_figures(app, campaign_id):
    with app.app_context():
        n = campaign_numbers(campaign_id)
    assert n["prospects"] == 16
    assert n["pitched"] == 0  # cards moved by hand: no message was sent to anyone
    assert n["replied"] == 0  # and nobody replied
    assert n["hand_replied"] == 12  # marked by hand: replied 1, negotiating 2, won 4, live 2, declined 1, lost 2
    assert n["won"] == 7  # won 4, live 2, and the lost link that had been won
    assert n["live"] == 3  # links found live: two on cards, one without a card (a card marked live has none)
    # The ledger: prices of agreed placements (not refunded) and the costs tab, in USD = 94,900.
    assert n["spent_cents"] == 20000 + 10000 + 25000 + 18000 + 12000 + 9900
    assert n["spent_other_currencies"] == {"EUR": 14000}
    assert n["committed_cents"] == 15000  # asked on the negotiating card, not spent
    assert n["cost_per_won_cents"] == 13557  # 94,900 / 7 = 13,557.14
    assert n["cost_per_live_cents"] == 31633  # 94,900 / 3
    assert n["goal"] == 10 and n["goal_left"] == 3
    assert n["budget_cents"] == 200000 and n["budget_left_cents"] == 105100
    assert n["by_stage"]["won"] == 4 and n["by_stage"]["lost"] == 2


def test_an_empty_campaign_has_no_cost_per_link(app, team):
    with app.app_context():
        c = CampaignFactory(workspace_id=team.workspace_id, budget_cents=None)
        n = numbers_for([c])[c.id]
        assert (n["prospects"], n["won"], n["live"], n["spent_cents"]) == (0, 0, 0, 0)
        assert n["cost_per_won_cents"] is None and n["cost_per_live_cents"] is None
        assert n["budget_left_cents"] is None and n["goal_left"] is None
        assert campaign_numbers(999999) == {}


def test_the_campaign_page_shows_the_numbers(app, campaign_id, as_role):
    html = as_role("viewer").get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    assert '<dd class="h4 mb-0" data-number="won">7</dd>' in html
    assert '<dd class="h4 mb-0" data-number="live">3</dd>' in html
    assert '<dd class="h4 mb-0" data-number="spent">$949.00</dd>' in html
    assert "+ €140.00" in html and "$135.57" in html and "$316.33" in html
    with app.app_context():
        name = db.session.get(Campaign, campaign_id).name
    listing = as_role("viewer").get("/campaigns").get_data(as_text=True)
    assert name in listing and "$949.00 / $2,000.00" in listing
