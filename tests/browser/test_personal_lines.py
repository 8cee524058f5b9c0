"""A marketer writes personal first lines for five cards with the keyboard alone, then sees one in the preview."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from crm.campaigns.models import Opportunity
from crm.extensions import db
from tests.accounts.factories import PASSWORD, MembershipFactory, UserFactory, WorkspaceFactory
from tests.campaigns.factories import CampaignFactory, OpportunityFactory
from tests.prospects.factories import ContactFactory, SiteFactory

DOMAINS = ("compostcorner.example", "rootsandshoots.example", "seedswap.example", "potagerlife.example",
           "wormfarmer.example")
LINES = ("Your compost-tea recipe finally fixed my tomatoes.", "The raised-bed build log was a joy to read.",
         "Loved the seed-swap map.", "Your potager plan is on my fridge.", "I had no idea worms liked coffee.")


def test_write_five_personal_lines_with_the_keyboard_and_preview_one(live_app, page):
    with live_app.app_context():
        workspace = WorkspaceFactory(name="Green Thumb", postal_address="9 Garden Row, Leeds")
        MembershipFactory(user=UserFactory(email="mia@agency.example", name="Mia"), workspace=workspace, role="owner")
        campaign = CampaignFactory(workspace_id=workspace.id, name="Spring compost")
        ids = []
        for n, domain in enumerate(DOMAINS):
            site = SiteFactory(workspace_id=workspace.id, domain=domain, dr=30 + n)
            contact = ContactFactory(workspace_id=workspace.id, site=site, email=f"ed@{domain}", first_name=f"Ed{n}")
            ids.append(OpportunityFactory(workspace_id=workspace.id, campaign=campaign, site=site,
                                          contact_id=contact.id, position=n).id)
        db.session.commit()
        campaign_id = campaign.id

    page.goto("/login")
    page.get_by_label("Email").fill("mia@agency.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    expect(page.get_by_role("link", name="Campaigns").first).to_be_visible()

    page.goto(f"/campaigns/{campaign_id}/personal")
    expect(page.locator("#personal-counts strong")).to_have_text("5")
    for n, (opportunity_id, line) in enumerate(zip(ids, LINES, strict=True)):
        box = page.locator(f"#personal-line-{opportunity_id}")
        expect(box).to_be_focused()  # the page and every save put the cursor in the next empty line
        page.keyboard.type(line)
        if n == 2:  # one card gets a P.S. too: Tab to it, then Ctrl+Enter saves
            page.keyboard.press("Tab")
            page.keyboard.type("P.S. The map pins are lovely.")
            page.keyboard.press("Control+Enter")
        else:
            page.keyboard.press("Enter")
        expect(page.locator(f"#line-{opportunity_id}")).to_contain_text("Saved")
    expect(page.locator("#personal-counts strong")).to_have_text("0")
    expect(page.locator("#personal-status")).to_contain_text("Every card still to pitch has its personal line")

    with live_app.app_context():
        saved = dict(db.session.execute(select(Opportunity.id, Opportunity.personal_line)).all())
        assert [saved[i] for i in ids] == list(LINES)
        assert db.session.get(Opportunity, ids[2]).personal_ps == "P.S. The map pins are lovely."

    page.goto("/outreach/templates/new")
    page.get_by_label("Subject").fill("A note for {{ site_domain }}")
    page.get_by_label("Body").fill("Hi {{ first_name }},\n\n{{ personal_line }}\n\n{{ personal_ps | default(\"\") }}")
    page.get_by_label("Preview for").select_option(label=f"Spring compost: ed@{DOMAINS[2]}")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#preview-body")).to_contain_text(LINES[2])
    expect(page.locator("#preview-body")).to_contain_text("P.S. The map pins are lovely.")
    expect(page.locator("#preview-subject")).to_have_text(f"A note for {DOMAINS[2]}")
    assert page.console_errors == []
