"""`flask demo` adds a realistic guest-post campaign: target pages, a card in every stage, tasks and costs."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from crm.accounts.models import Workspace
from crm.campaigns.demo import CAMPAIGN_NAME
from crm.campaigns.models import STAGES, Campaign, Opportunity, Task
from crm.campaigns.services import campaign_numbers
from crm.extensions import db
from tests.prospects.factories import ContactFactory, SiteFactory


def test_demo_fills_a_campaign_across_every_stage_once(app, runner, team):
    result = runner.invoke(args=["demo", "--workspace", "Demo agency"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert summary["campaigns"]["campaigns"] == 1 and summary["campaigns"]["opportunities"] == 16
    with app.app_context():
        campaign = db.session.scalar(select(Campaign).join(Workspace).where(Workspace.name == "Demo agency",
                                                                            Campaign.name == CAMPAIGN_NAME))
        assert campaign.kind == "guest_post" and len(campaign.target_pages) == 2
        stages = set(db.session.scalars(select(Opportunity.stage).where(Opportunity.campaign_id == campaign.id)))
        assert stages == set(STAGES)
        numbers = campaign_numbers(campaign.id)
        assert numbers["won"] >= 3 and numbers["spent_cents"] > 0 and numbers["cost_per_won_cents"]
        # later demo steps (outreach's replies) may add tasks of their own through events
        assert db.session.scalar(select(func.count(Task.id)).where(Task.campaign_id == campaign.id)) >= 4
    again = runner.invoke(args=["demo", "--workspace", "Demo agency"])
    assert json.loads(again.output.strip().splitlines()[-1])["campaigns"]["campaigns"] == 0


def test_demo_uses_the_sites_already_in_the_workspace(app, runner, team):
    with app.app_context():
        ws = team.workspace_id
        for n in range(20):
            ContactFactory(workspace_id=ws, site=SiteFactory(workspace_id=ws, domain=f"known{n}.example"))
    assert runner.invoke(args=["demo", "--workspace", "Acme"]).exit_code == 0
    with app.app_context():
        campaign = db.session.scalar(select(Campaign.id).where(Campaign.workspace_id == ws,
                                                               Campaign.name == CAMPAIGN_NAME))
        cards = select(Opportunity).where(Opportunity.campaign_id == campaign)
        domains = [site.domain for site in (o.site for o in db.session.scalars(cards))]
        assert len(domains) == 16 and all(d.startswith("known") for d in domains)
        assert all(o.contact_id for o in db.session.scalars(cards))  # each card got the site's contact
