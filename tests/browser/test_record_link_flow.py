"""From a Won card, record the live link, then open it from the campaign report, in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from crm.extensions import db
from tests.accounts.factories import PASSWORD, MembershipFactory, UserFactory, WorkspaceFactory
from tests.campaigns.factories import OpportunityFactory, TargetPageFactory
from tests.links.farm import guest_post
from tests.prospects.factories import SiteFactory


@pytest.fixture
def site():
    """A guest post on loopback that links to our page, and our page itself."""
    with guest_post() as urls:
        yield urls


def test_record_the_link_from_a_won_card_and_open_it_from_the_report(live_app, page, site):
    source, target = site
    live_app.config.update(FETCH_ALLOW_PRIVATE_NETWORKS=True, FETCH_PER_HOST_DELAY=0.0)
    with live_app.app_context():
        user = UserFactory(email="seo@agency.example", name="Sam SEO")
        workspace = WorkspaceFactory(name="Acme Shoes")
        MembershipFactory(user=user, workspace=workspace, role="member")
        target_page = TargetPageFactory(workspace_id=workspace.id, url=target, anchors=["best running shoes"],
                                        campaign__name="Spring shoes")
        OpportunityFactory(workspace_id=workspace.id, campaign=target_page.campaign, stage="won",
                           site=SiteFactory(workspace_id=workspace.id, domain="127.0.0.1"))
        db.session.commit()
        campaign_id = target_page.campaign_id

    page.goto("/login")
    page.get_by_label("Email").fill("seo@agency.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"/campaigns/{campaign_id}")
    page.get_by_role("link", name="Record the link from 127.0.0.1").click()
    expect(page.get_by_label("Our page it links to")).to_have_value(target)
    expect(page.get_by_label("Expected anchor text")).to_have_value("best running shoes")
    page.get_by_label("Live URL of the linking page").fill(source)
    page.get_by_role("button", name="Save and verify").click()
    expect(page.locator("#backlink-status")).to_contain_text("Live")

    page.goto(f"/campaigns/{campaign_id}/report")
    page.locator("#table-links").get_by_role("link", name=source).click()
    expect(page.locator("#backlink-status")).to_contain_text("Live")
    expect(page.locator("#score-components")).to_be_visible()
    expect(page.locator("#check-history").get_by_role("row")).to_have_count(2)
