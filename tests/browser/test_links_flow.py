"""Add a backlink, verify it now, and read its status, evidence and score in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from crm.extensions import db
from tests.accounts.factories import PASSWORD, MembershipFactory, UserFactory, WorkspaceFactory
from tests.links.farm import guest_post


@pytest.fixture
def site():
    """A guest post on loopback that links to our page, and our page itself."""
    with guest_post(' rel="sponsored"') as urls:
        yield urls


def test_add_a_backlink_verify_it_and_read_the_evidence(live_app, page, site):
    source, target = site
    live_app.config.update(FETCH_ALLOW_PRIVATE_NETWORKS=True, FETCH_PER_HOST_DELAY=0.0)
    with live_app.app_context():
        user = UserFactory(email="seo@agency.example", name="Sam SEO")
        MembershipFactory(user=user, workspace=WorkspaceFactory(name="Acme Shoes"), role="member")
        db.session.commit()

    page.goto("/login")
    page.get_by_label("Email").fill("seo@agency.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Links").click()
    expect(page.get_by_role("heading", name="No backlinks yet")).to_be_visible()
    page.get_by_role("link", name="Add your first backlink").click()

    page.get_by_label("Linking page (source URL)").fill(source)
    page.get_by_label("Our page it links to (target URL)").fill(target)
    page.get_by_label("Expected anchor text").fill("best running shoes")
    page.get_by_label("Expected rel").select_option("follow")
    expect(page.get_by_label("Kind of self-created link")).to_be_hidden()
    page.get_by_label("How we got it").select_option("paid")
    page.get_by_label("Cost", exact=True).fill("120")
    page.get_by_role("button", name="Add backlink").click()
    expect(page.locator("#backlink-status")).to_contain_text("Not checked yet")

    page.get_by_role("button", name="Verify now").click()
    expect(page.locator("#backlink-status")).to_contain_text("Live, nofollow")
    reasons = page.locator("#evidence-reasons")
    expect(reasons).to_contain_text('The link is marked rel="sponsored"')
    expect(reasons).to_contain_text("The link's rel attribute differs from what was agreed.")
    expect(page.locator("#evidence-snippet")).to_have_text("Good shoes help: see best running shoes before you start.")
    expect(page.locator("#score-explanation")).to_have_text(re.compile(r"^\d+: .*sponsored"))
    expect(page.locator("#score-components").get_by_role("row", name=re.compile("^Follow"))).to_contain_text(
        "sponsored")
    expect(page.locator("#check-history").get_by_role("row")).to_have_count(2)

    page.get_by_role("link", name="Backlinks").first.click()
    page.get_by_label("Select every backlink on this page").check()
    page.get_by_role("button", name="Verify selected now").click()
    expect(page.get_by_text("Done: 1 backlink(s) checked.")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("guest-post"))).to_contain_text("Live, nofollow")
    assert not page.console_errors, page.console_errors
