"""The inbox by keyboard in Chromium: j/k along the threads, ? for help, r to answer with a snippet, e done, u back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from crm.db import utcnow
from crm.extensions import db
from crm.outreach import threads
from crm.outreach.models import Reply, Snippet
from tests.accounts.factories import PASSWORD, MembershipFactory, UserFactory, WorkspaceFactory
from tests.prospects.factories import ContactFactory, SiteFactory


@pytest.fixture
def inbox(live_app):
    """A member whose inbox holds two threads that need a reply, and a saved snippet."""
    with live_app.app_context():
        workspace = WorkspaceFactory(name="Green Acres")
        MembershipFactory(user=UserFactory(email="mia@agency.example"), workspace=workspace, role="member")
        now = utcnow()
        for hours, domain, first in ((2, "gardenjoy.example", "Ana"), (1, "urbanleaf.example", "Ben")):
            site = SiteFactory(workspace_id=workspace.id, domain=domain)
            contact = ContactFactory(site=site, workspace_id=workspace.id, first_name=first,
                                     email=f"{first.lower()}@{domain}")
            reply = Reply(workspace_id=workspace.id, dedupe_key=f"<{first}@mail.example>", contact_id=contact.id,
                          site_id=site.id, from_email=contact.email, from_name=first, subject="Re: Raised beds",
                          text=f"Hi, {first} here.\nTell me more.", kind="human",
                          received_at=now - timedelta(hours=hours))
            db.session.add(reply)
            db.session.flush()
            threads.note_inbound(reply)
        db.session.add(Snippet(workspace_id=workspace.id, name="Rates", body="Our rate is 200 EUR a post."))
        db.session.commit()


def test_working_the_inbox_from_the_keyboard(live_app, page, inbox):
    page.goto("/login")
    page.get_by_label("Email").fill("mia@agency.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#inbox-unread")).to_have_text("2 unread")

    page.goto("/inbox")
    expect(page.locator("#shortcut-help")).to_be_hidden()
    page.keyboard.press("?")
    expect(page.locator("#shortcut-help")).to_be_visible()
    page.keyboard.press("?")
    expect(page.locator("#shortcut-help")).to_be_hidden()
    page.keyboard.press("j")  # the newest thread (Ben) first
    page.keyboard.press("j")
    expect(page.locator(".js-thread-row.is-current")).to_contain_text("ana@gardenjoy.example")
    page.keyboard.press("k")
    expect(page.locator(".js-thread-row.is-current")).to_contain_text("ben@urbanleaf.example")
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_contain_text("Ben here.")
    expect(page.locator("#inbox-unread")).to_have_text("1 unread")
    page.wait_for_load_state()

    page.keyboard.press("r")
    composer = page.locator("#body")
    expect(composer).to_be_focused()
    page.keyboard.type("Thanks Ben. ")
    page.get_by_role("button", name="Insert snippet").click()
    assert composer.input_value().startswith("Thanks Ben. Our rate is 200 EUR a post.\n\nOn ")
    assert "> Tell me more." in composer.input_value()  # the last message stays quoted below
    page.keyboard.press("Escape")  # leave the composer; shortcuts work again

    page.keyboard.press("e")
    expect(page.locator("#thread-state-label")).to_have_text("Done")
    page.wait_for_load_state()  # the script that listens for keys runs once the page has loaded
    page.keyboard.press("j")
    expect(page.locator("main")).to_contain_text("Ana here.")
    page.wait_for_load_state()
    page.keyboard.press("u")
    expect(page).to_have_url(f"{live_app.live_url}/inbox")
    expect(page.locator("#nav-inbox")).not_to_contain_text("unread")
    assert not page.console_errors, page.console_errors
