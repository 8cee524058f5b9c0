"""Sign in, switch workspace and sign out in a real browser."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from crm.extensions import db
from tests.accounts.factories import PASSWORD, MembershipFactory, UserFactory, WorkspaceFactory


def test_sign_in_switch_workspace_and_sign_out(live_app, page):
    with live_app.app_context():
        user = UserFactory(email="marketer@agency.example", name="Mia Marketer")
        MembershipFactory(user=user, workspace=WorkspaceFactory(name="Acme Shoes"), role="owner")
        MembershipFactory(user=user, workspace=WorkspaceFactory(name="Bolt Bikes"), role="viewer")
        db.session.commit()

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login\?next=(/|%2F)$"))
    page.get_by_label("Email").fill("marketer@agency.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Acme Shoes")

    # The switcher submits on change (no button needed when scripts run).
    expect(page.get_by_role("button", name="Switch")).to_be_hidden()
    page.get_by_label("Workspace", exact=True).select_option(label="Bolt Bikes (viewer)")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bolt Bikes")
    expect(page.get_by_role("status").first).to_contain_text("Now working in Bolt Bikes")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login\?next=(/|%2F)$"))
    assert not page.console_errors, page.console_errors
