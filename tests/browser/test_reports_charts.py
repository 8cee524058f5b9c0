"""A campaign report in a real browser: the charts draw, a share link made on the page opens them signed out."""

from __future__ import annotations

import io
import re

from playwright.sync_api import expect
from pypdf import PdfReader

from crm.extensions import db
from tests.accounts.factories import PASSWORD, MembershipFactory, UserFactory, WorkspaceFactory
from tests.reports import scenario as scenario_module

# Per chart: does Chart.js own the canvas, and how many of its pixels are not transparent.
DRAWN = """() => Array.from(document.querySelectorAll("canvas.js-chart")).map((canvas) => {
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let inked = 0;
  for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] !== 0) { inked += 1; } }
  return {id: canvas.id, chart: Boolean(window.Chart && window.Chart.getChart(canvas)), inked: inked};
})"""
CHARTS = {"chart-funnel", "chart-timeline", "chart-templates", "chart-steps", "chart-quality", "chart-anchors",
          "chart-lost"}


# Reply rates are an internal note: a share link shows their charts only when ticked in.
SHARED_CHARTS = CHARTS - {"chart-templates", "chart-steps"}


def _assert_drawn(page, charts: set[str] = CHARTS) -> None:
    expect(page.locator("canvas#chart-funnel")).to_be_visible()
    drawn = page.evaluate(DRAWN)
    assert {c["id"] for c in drawn} == charts
    for canvas in drawn:
        assert canvas["chart"], f"{canvas['id']} has no Chart instance"
        assert canvas["inked"] > 500, f"{canvas['id']} looks blank ({canvas['inked']} pixels drawn)"


def _pdf_text(data: bytes) -> str:
    """The PDF's text, whitespace collapsed (lines break where the page layout breaks them)."""
    assert data[:5] == b"%PDF-"
    text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", text)


def test_report_charts_render_and_a_share_link_shows_them_signed_out(live_app, page, browser):
    with live_app.app_context():
        acme = WorkspaceFactory(name="Acme")
        rival = WorkspaceFactory(name="Rival")
        MembershipFactory(user=UserFactory(email="admin@acme.example"), workspace=acme, role="admin")
        ids = scenario_module.build(acme.id, rival.id)
        db.session.commit()

    page.goto("/login")
    page.get_by_label("Email").fill("admin@acme.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"/campaigns/{ids.campaign_id}/report")
    expect(page.get_by_role("heading", level=1)).to_have_text("Spring running guide")
    _assert_drawn(page)

    page.get_by_label("Valid for").select_option(label="7 days")
    page.get_by_role("button", name="Create share link").click()
    share_url = page.get_by_label("Read-only report link").input_value()
    assert "/share/" in share_url
    assert not page.console_errors, page.console_errors

    outsider = browser.new_context()
    try:
        shared = outsider.new_page()
        errors: list[str] = []
        shared.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        shared.goto(share_url)
        expect(shared.get_by_role("heading", level=1)).to_have_text("Spring running guide")
        expect(shared.get_by_role("button", name="Sign out")).to_have_count(0)
        expect(shared.locator("#share-workspace")).to_have_text("Acme")
        _assert_drawn(shared, SHARED_CHARTS)
        # Printing: the Print button is hidden and the charts are still drawn at the printed size.
        expect(shared.get_by_role("button", name="Print")).to_be_visible()
        shared.emulate_media(media="print")
        shared.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
        expect(shared.get_by_role("button", name="Print")).to_be_hidden()
        _assert_drawn(shared, SHARED_CHARTS)
        pdf = _pdf_text(shared.pdf())
        # The headline figures a client reads, as the page shows them; none of the internal notes left out.
        for figure, label in (("live-links", "Live links"), ("average-quality", "Average quality"),
                              ("lost-links", "Lost links"), ("exact-share", "Exact-match anchors")):
            value = shared.locator(f"#figure-{figure}").inner_text().strip()
            assert f"{label} {value} " in pdf, f"{label} {value} is not in the PDF"
        assert "Spring running guide" in pdf and "Acme" in pdf and "Links lost and why" in pdf
        for note in ("Reply rate", "Spent", "Cost per live link", "Risks", "rel=\"sponsored\""):
            assert note not in pdf, f"{note!r} is an internal note, yet it is in the PDF"
        assert "Print" not in pdf.split("Links lost and why")[0]  # the button is not printed
        assert not errors, errors
    finally:
        outsider.close()
