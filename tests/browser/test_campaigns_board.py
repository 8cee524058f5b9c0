"""A marketer plans a campaign, adds three sites, moves a card through the stages and completes a task."""

from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import expect

from crm.extensions import db
from tests.accounts.factories import PASSWORD, MembershipFactory, UserFactory, WorkspaceFactory
from tests.prospects.factories import ContactFactory, SiteFactory

DOMAINS = ("trailrunnerdaily.example", "ultrafeet.example", "mountainmiles.example")


def column(page, stage):
    return page.locator(f"#cards-{stage}")


def test_plan_add_sites_move_a_card_and_complete_a_task(live_app, page):
    with live_app.app_context():
        workspace = WorkspaceFactory(name="Acme Shoes")
        MembershipFactory(user=UserFactory(email="mia@agency.example", name="Mia"), workspace=workspace, role="owner")
        for n, domain in enumerate(DOMAINS):
            site = SiteFactory(workspace_id=workspace.id, domain=domain, dr=40 + n)
            ContactFactory(workspace_id=workspace.id, site=site, email=f"editor@{domain}", first_name="Ed")
        SiteFactory(workspace_id=workspace.id, domain="blockedrunning.example", status="blocked")
        db.session.commit()

    page.goto("/login")
    page.get_by_label("Email").fill("mia@agency.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # Plan the campaign.
    page.goto("/campaigns")
    page.get_by_role("link", name="Plan a campaign").click()
    page.get_by_label("Name").fill("Trail shoes spring")
    page.get_by_label("Kind").select_option(label="Guest post")
    page.get_by_label("Status").select_option("active")
    page.get_by_label("Goal (links)").fill("5")
    page.get_by_label("Budget").fill("1500")
    page.get_by_label("Target pages and anchors").fill("https://shop.example/trail-shoes | trail shoes")
    page.get_by_role("button", name="Create campaign").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Trail shoes spring")
    expect(page.get_by_text("The board is empty")).to_be_visible()

    # Add three sites: ticked on the Sites list when the prospects feature is there, else picked on the campaign's
    # own "Add prospects" page; the blocked one is skipped with its reason either way.
    campaign_url = page.url
    if "prospects.list_sites" in live_app.view_functions:
        page.goto("/sites")
        for domain in (*DOMAINS, "blockedrunning.example"):
            page.get_by_label(f"Select {domain}").check()
        page.get_by_label("Campaign", exact=True).select_option(label="Trail shoes spring")
        page.get_by_role("button", name="Add to campaign").click()
    else:
        page.get_by_role("link", name="Add prospects").first.click()
        page.get_by_label("Domain contains").fill(".example")
        page.get_by_role("button", name="Search sites").click()
        for domain in (*DOMAINS, "blockedrunning.example"):
            page.get_by_label(domain).check()
        page.get_by_role("button", name="Add ticked sites").click()
    expect(page.get_by_role("status").first).to_contain_text("Added 3 sites to Trail shoes spring.")
    expect(page.get_by_role("alert").first).to_contain_text("blockedrunning.example: site is blocked")
    page.goto(campaign_url)
    expect(column(page, "prospect").locator(".js-card")).to_have_count(3)
    expect(page.locator("[data-number='prospects']")).to_have_text("3")

    # Drag the first card to Pitched: saved at once, counts and numbers follow.
    card = page.locator(f"[data-domain='{DOMAINS[0]}']")
    card.locator("a").first.hover()
    card.drag_to(column(page, "pitched"))
    expect(column(page, "pitched").locator(f"[data-domain='{DOMAINS[0]}']")).to_be_visible()
    expect(page.locator("[data-count-for='pitched']")).to_have_text("1")
    # Pitched counts sites sent a message, so a card dragged there by hand moves the column, not the figure.
    expect(page.locator("[data-number='pitched']")).to_have_text("0")
    expect(page.locator("#board-status")).to_have_text(f"{DOMAINS[0]} moved to Pitched.")
    page.reload()
    expect(column(page, "pitched").locator(f"[data-domain='{DOMAINS[0]}']")).to_be_visible()

    # Without the mouse: pick the stage and press Move, twice.
    for stage, label in (("negotiating", "Negotiating"), ("won", "Won")):
        page.get_by_label(f"Stage of {DOMAINS[0]}").select_option(stage)
        page.get_by_role("button", name=f"Move {DOMAINS[0]}").click()
        expect(page.get_by_role("status").first).to_contain_text(f"{DOMAINS[0]} is now {label}.")
        expect(column(page, stage).locator(f"[data-domain='{DOMAINS[0]}']")).to_be_visible()
    expect(page.locator("[data-number='won']")).to_have_text("1")

    # A task on the won opportunity, overdue on the tasks page, then done.
    page.get_by_role("link", name=DOMAINS[0], exact=True).click()
    expect(page.get_by_text("Moved from Negotiating to Won").first).to_be_visible()
    page.get_by_text("New task").click()
    page.get_by_label("Task").fill("Send the article draft")
    page.get_by_label("Due on").fill((date.today() - timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Add task").click()
    page.goto("/tasks")
    task = page.locator(".task-list li", has_text="Send the article draft")
    expect(task).to_contain_text("(overdue)")
    task.get_by_role("button", name="Done").click()
    expect(page.get_by_role("status").first).to_contain_text("Task done: Send the article draft")
    expect(page.locator(".task-list li", has_text="Send the article draft")).to_have_count(0)
    assert not page.console_errors, page.console_errors
