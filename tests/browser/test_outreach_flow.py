"""Write a template, preview it, build the sequence, launch, watch the outbox send, then a reply stops the site."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from crm.extensions import db
from crm.outreach.models import OutboundMessage
from tests.accounts.factories import MembershipFactory, UserFactory, WorkspaceFactory
from tests.browser.steps import save_sequence, sign_in
from tests.campaigns.factories import CampaignFactory, OpportunityFactory, TargetPageFactory
from tests.outreach.factories import SenderFactory, TemplateFactory
from tests.outreach.webhooks import inbound_url, parse_form
from tests.prospects.factories import ContactFactory, SiteFactory


@pytest.fixture
def campaign(live_app):
    """A member of a workspace with a sender identity and a campaign of two opportunities."""
    with live_app.app_context():
        workspace = WorkspaceFactory(name="Green Acres", postal_address="9 Garden Row, Leeds LS1 1AA")
        MembershipFactory(user=UserFactory(email="mia@agency.example"), workspace=workspace, role="member")
        SenderFactory(workspace_id=workspace.id, from_name="Mia Marketer", from_email="mia@agency.example")
        TemplateFactory(workspace_id=workspace.id, name="Nudge", subject="", body="Any thoughts, {{ first_name }}?")
        row = CampaignFactory(workspace_id=workspace.id, name="Raised bed guides")
        target = TargetPageFactory(campaign=row, workspace_id=workspace.id,
                                   url="https://ourshop.example/guides/raised-beds", anchors=["raised bed guide"])
        for domain, first in (("gardenjoy.example", "Ana"), ("urbanleaf.example", "Ben")):
            site = SiteFactory(workspace_id=workspace.id, domain=domain)
            contact = ContactFactory(site=site, workspace_id=workspace.id, first_name=first,
                                     email=f"{first.lower()}@{domain}")
            OpportunityFactory(campaign=row, workspace_id=workspace.id, contact=contact, site=site, target_page=target)
        db.session.commit()
        yield row.id


def test_template_preview_launch_outbox_and_a_reply_stops_the_sequence(live_app, page, campaign):
    sign_in(page, "mia@agency.example")

    # A first pitch, previewed for a real recipient before it is saved.
    page.goto("/outreach/templates/new")
    page.get_by_label("Name").fill("Pitch")
    page.get_by_label("Subject").fill("A resource for {{ site_domain }}")
    page.get_by_label("Body").fill("Hi {{ first_name | default(\"there\") }},\n\nOur {{ anchor_text }} might help: ")
    page.get_by_role("button", name="target_url").click()  # inserts {{ target_url }} at the cursor
    page.get_by_label("Preview for").select_option(label="Raised bed guides: ana@gardenjoy.example")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#preview-subject")).to_have_text("A resource for gardenjoy.example")
    expect(page.locator("#preview-body")).to_contain_text(
        "Our raised bed guide might help: https://ourshop.example/guides/raised-beds")
    expect(page.locator("#preview-body")).to_contain_text("9 Garden Row, Leeds LS1 1AA")
    page.get_by_role("button", name="Save template").click()
    expect(page.get_by_role("status").first).to_contain_text("Template Pitch saved.")

    # The campaign's sequence: who sends, the first pitch and a follow-up three business days later.
    save_sequence(page, campaign, "Mia Marketer <mia@agency.example>", ["Pitch", "Nudge"], {2: "3"})

    # The launch checklist, then launch.
    page.get_by_role("link", name="Launch checklist").click()
    expect(page.locator("#checklist-summary")).to_contain_text("2 ready, 0 would be skipped")
    page.get_by_role("button", name="Launch to 2 recipient(s)").click()
    expect(page.get_by_role("status").first).to_contain_text("Launched: 2 first pitch(es) queued.")

    # The outbox shows them queued; sending delivers them (file backend).
    page.goto("/outbox")
    expect(page.locator("#outbox-table tbody tr")).to_have_count(2)
    expect(page.locator("#outbox-table")).to_contain_text("queued")
    page.get_by_role("button", name="Send what is due now").click()
    expect(page.locator("#outbox-table")).not_to_contain_text("queued")
    expect(page.locator("#outbox-table")).to_contain_text("sent")

    # Ana replies: SendGrid Inbound Parse posts her reply to the webhook.
    with live_app.app_context():
        to_ana = db.session.scalar(select(OutboundMessage).where(OutboundMessage.to_email == "ana@gardenjoy.example"))
        form = parse_form(to_ana, text="Hi Mia, yes please, send it over!")
        url = inbound_url(live_app, to_ana.workspace_id)
    response = page.request.post(url, multipart=form)
    assert response.ok and response.json()["kind"] == "human"

    page.goto(f"/campaigns/{campaign}/launch")
    ana = page.locator("#enrollments tr", has_text="ana@gardenjoy.example")
    expect(ana).to_contain_text("stopped")
    expect(ana).to_contain_text("replied")
    expect(page.locator("#enrollments tr", has_text="ben@urbanleaf.example")).to_contain_text("active")
    page.goto("/inbox")
    page.get_by_role("link", name=re.compile("gardenjoy.example")).click()
    expect(page.locator("main")).to_contain_text("yes please, send it over!")
    assert not page.console_errors, page.console_errors
