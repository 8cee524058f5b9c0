"""Upload an Ahrefs export, preview it, import it, find a site, export the list: in a real browser."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from crm.extensions import db
from tests.accounts.factories import PASSWORD, MembershipFactory, UserFactory, WorkspaceFactory
from tests.prospects.samples import SAMPLES


def test_import_an_ahrefs_export_find_a_site_and_export(live_app, page, tmp_path):
    with live_app.app_context():
        user = UserFactory(email="linkbuilder@agency.example", name="Lin Builder")
        MembershipFactory(user=user, workspace=WorkspaceFactory(name="Acme Shoes"), role="member")
        db.session.commit()

    page.goto("/sites")
    page.get_by_label("Email").fill("linkbuilder@agency.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="No sites yet")).to_be_visible()

    page.get_by_role("link", name="Import sites").click()
    page.get_by_label("Export file (CSV or TSV)").set_input_files(str(SAMPLES / "ahrefs-backlinks-v3.csv"))
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.locator("#detected-format")).to_have_text("Ahrefs backlinks")
    expect(page.locator("#count-new")).to_have_text("4")
    page.get_by_label("Also track these links as backlinks to your site").check()
    page.get_by_label("Tag every imported site").fill("Ahrefs June")
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator("#import-done")).to_contain_text("4 new site(s)")

    page.get_by_role("link", name="View sites").click()
    expect(page.locator("#site-count")).to_contain_text("4 in all")
    page.get_by_label("Domain contains").fill("velocollege.edu")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#site-count")).to_contain_text("1 match")
    page.get_by_role("link", name="velocollege.edu", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("velocollege.edu")
    expect(page.get_by_role("row", name=re.compile("Domain Rating"))).to_contain_text("74")
    expect(page.get_by_role("link", name="Ahrefs June")).to_be_visible()

    page.get_by_role("link", name="Sites").first.click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export CSV").click()
    path = tmp_path / "sites.csv"
    download_info.value.save_as(path)
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("Domain,Name,Homepage,Status")
    assert sorted(line.split(",")[0] for line in lines[1:]) == ["chainline.net", "pedalpost.org", "spokewise.com",
                                                                "velocollege.edu"]
    assert not page.console_errors, page.console_errors
