"""Define a custom field, fill it from an imported file, use it in a template, preview, launch: in a real browser."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from crm.extensions import db
from crm.outreach.models import OutboundMessage
from tests.accounts.factories import MembershipFactory, UserFactory, WorkspaceFactory
from tests.browser.steps import save_sequence, sign_in
from tests.campaigns.factories import CampaignFactory
from tests.outreach.factories import SenderFactory

CSV = Path(__file__).resolve().parents[1] / "fixtures" / "personalisation" / "contacts-with-budget.csv"


@pytest.fixture
def campaign(live_app):
    """An admin of a workspace with a sender identity and an empty campaign."""
    with live_app.app_context():
        workspace = WorkspaceFactory(name="Green Acres", postal_address="9 Garden Row, Leeds LS1 1AA")
        MembershipFactory(user=UserFactory(email="ada@agency.example"), workspace=workspace, role="admin")
        SenderFactory(workspace_id=workspace.id, from_name="Ada Admin", from_email="ada@agency.example")
        row = CampaignFactory(workspace_id=workspace.id, name="Paid guest posts", status="active")
        db.session.commit()
        return row.id


def test_a_custom_field_from_an_import_reaches_the_queued_pitch(live_app, page, campaign):
    sign_in(page, "ada@agency.example")

    # The field, defined on the settings page.
    page.goto("/settings/fields")
    page.get_by_label("On", exact=True).select_option(label="Contacts")
    page.get_by_label("Label", exact=True).fill("Budget")
    page.get_by_label("Key", exact=True).fill("budget")
    page.get_by_role("button", name="Add field").click()
    expect(page.locator("#field-table")).to_contain_text("custom.budget")

    # The file's "Monthly budget" column goes into it at the mapping step.
    page.goto("/sites/import")
    page.get_by_label("Export file (CSV or TSV)").set_input_files(str(CSV))
    page.get_by_role("button", name="Upload and preview").click()
    page.get_by_role("link", name="Change the column mapping").click()
    page.get_by_label("Import Monthly budget as").select_option(label="Contact field: Budget")
    page.get_by_role("button", name="Preview the import").click()
    expect(page.locator("#count-new")).to_have_text("2")
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator("#import-done")).to_contain_text("2 new site(s)")

    # Both sites join the campaign, each with its contact.
    page.goto("/sites")
    for domain in ("gardenjoy.com", "urbanleaf.org"):
        page.get_by_label(f"Select {domain}").check()
    page.get_by_label("Campaign", exact=True).select_option(label="Paid guest posts")
    page.get_by_role("button", name="Add to campaign").click()
    expect(page.get_by_role("status").first).to_contain_text("Added 2 sites to Paid guest posts.")

    # A template that uses the field, previewed for Ana with her imported value.
    page.goto("/outreach/templates/new")
    page.get_by_label("Name").fill("Budget pitch")
    page.get_by_label("Subject").fill("A paid post for {{ site_domain }}")
    page.get_by_label("Body").fill("Hi {{ first_name }},\n\nWe can offer {{ custom.budget }} for a guest post.")
    page.get_by_label("Preview for").select_option(label="Paid guest posts: ana@gardenjoy.com")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#preview-subject")).to_have_text("A paid post for gardenjoy.com")
    expect(page.locator("#preview-body")).to_contain_text("We can offer $250 for a guest post.")
    page.get_by_role("button", name="Save template").click()
    expect(page.get_by_role("status").first).to_contain_text("Template Budget pitch saved.")

    # The sequence, the checklist, the launch.
    save_sequence(page, campaign, "Ada Admin <ada@agency.example>", ["Budget pitch"])
    page.get_by_role("link", name="Launch checklist").click()
    expect(page.locator("#checklist-summary")).to_contain_text("2 ready, 0 would be skipped")
    page.get_by_role("button", name="Launch to 2 recipient(s)").click()
    expect(page.get_by_role("status").first).to_contain_text("Launched: 2 first pitch(es) queued.")

    with live_app.app_context():
        bodies = dict(db.session.execute(select(OutboundMessage.to_email, OutboundMessage.body_text)).all())
    assert bodies.keys() == {"ana@gardenjoy.com", "ben@urbanleaf.org"}
    assert bodies["ana@gardenjoy.com"].startswith("Hi Ana,\n\nWe can offer $250 for a guest post.")
    assert "We can offer $180 for a guest post." in bodies["ben@urbanleaf.org"]
    assert not page.console_errors, page.console_errors
