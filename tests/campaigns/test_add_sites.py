"""Adding sites to a campaign: the guards with their reasons, the chosen contact, and the web endpoint."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select

from crm.accounts.models import Workspace
from crm.campaigns import services
from crm.campaigns.models import Opportunity
from crm.db import utcnow
from crm.extensions import db
from crm.prospects.models import Site
from crm.timeline import Activity
from tests.campaigns.conftest import messages
from tests.campaigns.factories import CampaignFactory, OpportunityFactory
from tests.prospects.factories import ContactFactory, SiteFactory

pytestmark = pytest.mark.both_databases


@pytest.fixture
def world(app, team):
    """A campaign and sites covering every guard (the workspace waits 30 days before re-contacting a site)."""
    with app.app_context():
        ws = team.workspace_id
        db.session.get(Workspace, ws).recontact_days = 30
        db.session.commit()
        campaign = CampaignFactory(workspace_id=ws, name="Trail shoes", status="active")
        spring = CampaignFactory(workspace_id=ws, name="Spring PR", status="active")
        paused = CampaignFactory(workspace_id=ws, name="Old paused", status="paused")
        s = {name: SiteFactory(workspace_id=ws, domain=f"{name}.example") for name in (
            "fresh", "nocontact", "blocked", "dnc", "elsewhere", "pausedelsewhere", "recent", "longago", "already")}
        s["blocked"].status, s["dnc"].status = "blocked", "do_not_contact"
        s["recent"].last_contacted_at = utcnow() - timedelta(days=5)
        s["longago"].last_contacted_at = utcnow() - timedelta(days=40)
        db.session.commit()
        ContactFactory(workspace_id=ws, site=s["fresh"], email="info@fresh.example", is_role_address=True)
        ContactFactory(workspace_id=ws, site=s["fresh"], email="gone@fresh.example", status="bounced")
        person = ContactFactory(workspace_id=ws, site=s["fresh"], email="ana@fresh.example")
        OpportunityFactory(workspace_id=ws, campaign=spring, site=s["elsewhere"])
        OpportunityFactory(workspace_id=ws, campaign=paused, site=s["pausedelsewhere"])
        OpportunityFactory(workspace_id=ws, campaign=campaign, site=s["already"], position=1)
        rival_site = SiteFactory(workspace_id=team.rival_workspace_id, domain="rival.example")
        return {"campaign": campaign.id, "sites": {k: v.id for k, v in s.items()}, "person": person.id,
                "rival_site": rival_site.id, "ws": ws}


def test_guards_skip_with_reasons_and_the_rest_are_added(app, team, world):
    ids = world["sites"]
    order = ["fresh", "nocontact", "blocked", "dnc", "elsewhere", "pausedelsewhere", "recent", "longago", "already"]
    with app.app_context():
        result = services.add_sites(world["ws"], world["campaign"], [ids[n] for n in order] + [world["rival_site"],
                                    ids["fresh"]], team.user_ids["member"])
        assert {(domain, why) for _, domain, why in result.skipped} == {
            ("blocked.example", "site is blocked"),
            ("dnc.example", "site is marked do-not-contact"),
            ("elsewhere.example", "already in another active campaign (Spring PR)"),
            ("recent.example", "contacted 5 days ago (the workspace waits 30 days before contacting a site again)"),
            ("already.example", "already in this campaign"),
            (f"site #{world['rival_site']}", "not found in this workspace"),
        }
        added = db.session.scalars(select(Opportunity).where(Opportunity.id.in_(result.added))).all()
        by_domain = {o.site.domain: o for o in added}
        assert set(by_domain) == {"fresh.example", "nocontact.example", "pausedelsewhere.example", "longago.example"}
        assert all(o.stage == "prospect" and o.owner_id == team.user_ids["member"] for o in added)
        assert by_domain["fresh.example"].contact_id == world["person"]  # not the role address, not the bounced one
        assert by_domain["nocontact.example"].contact_id is None
        positions = [o.position for o in sorted(added, key=lambda o: o.id)]
        assert positions == sorted(positions) and min(positions) > 1  # below the card already in the column
        kinds = db.session.scalars(select(Activity.kind).where(Activity.opportunity_id.in_(result.added))).all()
        assert kinds == ["added_to_campaign"] * 4


def test_a_finished_or_foreign_campaign_takes_nothing(app, team, world):
    with app.app_context():
        rival_campaign = CampaignFactory(workspace_id=team.rival_workspace_id)
        with pytest.raises(services.CampaignError, match="does not exist"):
            services.add_sites(world["ws"], rival_campaign.id, [world["sites"]["fresh"]], None)
        finished = CampaignFactory(workspace_id=world["ws"], status="finished", name="Done")
        with pytest.raises(services.CampaignError, match="Done is finished"):
            services.add_sites(world["ws"], finished.id, [world["sites"]["fresh"]], None)
        with pytest.raises(services.CampaignError, match="at least one"):
            services.add_sites(world["ws"], world["campaign"], [], None)
        assert db.session.scalar(select(Opportunity.id).where(Opportunity.site_id == world["sites"]["fresh"])) is None


def test_the_endpoint_flashes_what_was_added_and_skipped_and_goes_back(app, team, world, signed_in):
    client, token = signed_in("member")
    ids = world["sites"]
    response = client.post("/campaigns/add-sites", data={
        "csrf_token": token, "campaign_id": world["campaign"], "next": "/sites?q=example",
        "site_ids": [ids["fresh"], ids["blocked"], ids["recent"]],
    })
    assert response.status_code == 302 and response.headers["Location"] == "/sites?q=example"
    text = messages(client.get(f"/campaigns/{world['campaign']}"))
    assert "Added 1 site to Trail shoes." in text
    assert "Skipped 2: blocked.example: site is blocked; recent.example: contacted 5 days ago" in text


def test_the_endpoint_ignores_an_unsafe_next_and_refuses_foreign_campaigns_and_viewers(app, team, world, signed_in):
    client, token = signed_in("admin")
    data = {"csrf_token": token, "campaign_id": world["campaign"], "site_ids": [world["sites"]["longago"]],
            "next": "//evil.example/"}
    response = client.post("/campaigns/add-sites", data=data)
    assert response.headers["Location"] == f"/campaigns/{world['campaign']}"
    with app.app_context():
        rival = CampaignFactory(workspace_id=team.rival_workspace_id).id
    assert client.post("/campaigns/add-sites", data={**data, "campaign_id": rival}).status_code == 404
    viewer, viewer_token = signed_in("viewer")
    assert viewer.post("/campaigns/add-sites", data={**data, "csrf_token": viewer_token}).status_code == 403
    bad = client.post("/campaigns/add-sites", data={**data, "site_ids": ["x"], "next": "/campaigns"})
    assert bad.status_code == 302
    assert "could not be read" in messages(client.get("/campaigns"))


def test_the_pick_page_finds_sites_by_domain_and_marks_those_already_in(app, team, world, signed_in):
    client, _ = signed_in("member")
    page = client.get(f"/campaigns/{world['campaign']}/prospects?q=ready").get_data(as_text=True)
    assert "already.example" in page and "In campaign" in page and "fresh.example" not in page
    page = client.get(f"/campaigns/{world['campaign']}/prospects?q=fresh").get_data(as_text=True)
    assert f'name="site_ids" value="{world["sites"]["fresh"]}"' in page
    assert "contacted in the last\n  30 days" in page or "30 days" in page


def test_a_thousand_sites_are_added_in_one_go(app, team, world):
    with app.app_context():
        now = utcnow()
        db.session.execute(insert(Site), [
            {"workspace_id": world["ws"], "domain": f"bulk{n}.example", "homepage": "", "status": "active",
             "notes": "", "created_at": now, "updated_at": now} for n in range(1100)
        ])
        db.session.commit()
        ids = db.session.scalars(select(Site.id).where(Site.domain.like("bulk%"))).all()
        ids[0:0] = [world["sites"]["blocked"]]  # one refused site among them
        result = services.add_sites(world["ws"], world["campaign"], ids, None)
        assert len(result.added) == 1100 and [s[1] for s in result.skipped] == ["blocked.example"]
        assert db.session.scalar(select(func.count()).where(Opportunity.campaign_id == world["campaign"])) == 1101


def test_a_euro_campaign_prices_its_cards_in_euros(app, team, as_role):
    with app.app_context():
        campaign = CampaignFactory(workspace_id=team.workspace_id, name="Euro links", status="active", currency="EUR")
        site = SiteFactory(workspace_id=team.workspace_id, domain="euro.example")
        db.session.commit()
        services.add_sites(team.workspace_id, campaign.id, [site.id], actor_id=None)
        card = db.session.scalar(select(Opportunity).where(Opportunity.campaign_id == campaign.id))
        assert card.currency == "EUR"
        card.currency = "USD"  # an older card, made before: the form still suggests the campaign's currency
        db.session.commit()
        card_id = card.id
    page = as_role("admin").get(f"/campaigns/opportunities/{card_id}").get_data(as_text=True)
    assert re.search(r'<option[^>]*selected[^>]*value="EUR"|<option[^>]*value="EUR"[^>]*selected', page)
