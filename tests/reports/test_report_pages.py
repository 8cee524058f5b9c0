"""The report pages as people see them: figures, charts as JSON, CSV files, roles, and no inline script."""

from __future__ import annotations

import codecs
import csv
import io
import json
import math
import re

import pytest

from tests.web.test_security import INLINE_HANDLER, INLINE_SCRIPT, STYLE_ATTRIBUTE

CHARTS = ("funnel", "templates", "steps", "timeline", "quality", "anchors", "lost", "links")


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    data = response.get_data()
    assert data.startswith(codecs.BOM_UTF8)
    return list(csv.reader(io.StringIO(data[len(codecs.BOM_UTF8):].decode("utf-8"))))


def _clean(html: str) -> None:
    assert not INLINE_SCRIPT.search(html) and not INLINE_HANDLER.search(html) and not STYLE_ATTRIBUTE.search(html)


def test_a_viewer_reads_the_report_with_every_figure(scenario, as_role):
    response = as_role("viewer").get(f"/campaigns/{scenario.campaign_id}/report")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    _clean(html)
    for figure, text in (("live-links", "4"), ("average-quality", "35.8"), ("reply-rate", "60%"),
                         ("lost-links", "1"), ("spent", "850.00 USD"), ("cost-per-link", "212.50 USD"),
                         ("cost-per-point", "5.94 USD"), ("exact-share", "25%")):
        assert re.search(rf'id="figure-{figure}">\s*{re.escape(text)}\s*<', html), figure
    assert "high risk" in html and "Also spent, in other currencies (not added in):\n    9.99 EUR." in html
    assert 'paid link passing credit without <code>rel="sponsored"</code>' in html
    assert "Rival campaign" not in html
    # Viewers see no share controls.
    assert "Create share link" not in html


def test_every_chart_gets_its_data_as_json(scenario, as_role):
    html = as_role("viewer").get(f"/campaigns/{scenario.campaign_id}/report").get_data(as_text=True)
    specs = {m.group(1): json.loads(m.group(2).replace("&#34;", '"'))
             for m in re.finditer(r'id="chart-([a-z]+)"[^>]*data-chart=\'([^\']*)\'', html)}
    assert set(specs) == {"funnel", "templates", "steps", "timeline", "quality", "anchors", "lost"}
    assert specs["funnel"]["datasets"][0]["data"] == [12, 10, 6, 4, 4]
    assert specs["templates"]["labels"] == ["First pitch", "Follow-up"]
    assert specs["templates"]["datasets"][0]["data"] == [50.0, 33.3]
    assert specs["quality"]["datasets"][0]["data"] == [1, 1, 1, 1, 0]
    assert dict(zip(specs["anchors"]["labels"], specs["anchors"]["datasets"][0]["data"], strict=True)) == {
        "Exact match": 1, "Brand": 1, "Naked URL": 1, "Generic": 1}
    assert [d["data"] for d in specs["timeline"]["datasets"]] == [[2, 4, 5], [2, 3, 1], [0, 1, 0]]
    assert 'src="/static/vendor/chartjs/chart.umd.min.js"' in html and 'src="/static/js/reports.js"' in html


@pytest.mark.parametrize("chart", CHARTS)
def test_each_chart_has_its_csv(scenario, as_role, chart):
    rows = _csv(as_role("viewer").get(f"/campaigns/{scenario.campaign_id}/report/{chart}.csv"))
    assert len(rows) > 1 and all(len(row) == len(rows[0]) for row in rows)


def test_csv_figures_and_formula_safety(app, scenario, as_role):
    from crm.extensions import db
    from crm.links.models import LinkCheck

    with app.app_context():
        check = db.session.scalars(db.select(LinkCheck).where(LinkCheck.backlink_id == scenario.links["nat"])
                                   .order_by(LinkCheck.checked_at.desc())).first()
        check.anchor_text = "=HYPERLINK(\"https://evil.example\",\"x\")"
        db.session.commit()
    client = as_role("viewer")
    funnel = _csv(client.get(f"/campaigns/{scenario.campaign_id}/report/funnel.csv"))
    assert funnel[0] == ["Step", "Opportunities", "Of previous step", "Of prospects"]
    assert funnel[2][:2] == ["Pitched", "10"] and math.isclose(float(funnel[4][2]), 4 / 6)
    assert float(funnel[5][2]) == 1.0
    links = _csv(client.get(f"/campaigns/{scenario.campaign_id}/report/links.csv"))
    anchors = [row[links[0].index("Anchor")] for row in links[1:]]
    assert "'=HYPERLINK(\"https://evil.example\",\"x\")" in anchors
    assert not any(cell.startswith("=") for row in links for cell in row)
    lost = _csv(client.get(f"/campaigns/{scenario.campaign_id}/report/lost.csv"))
    assert len(lost) == 2 and lost[1][lost[0].index("Lost because")] == "Link removed from the page"


def test_unknown_chart_and_other_workspace_are_not_found(scenario, as_role):
    client = as_role("owner")
    assert client.get(f"/campaigns/{scenario.campaign_id}/report/secrets.csv").status_code == 404
    assert client.get(f"/campaigns/{scenario.rival_campaign_id}/report").status_code == 404
    assert client.get(f"/campaigns/{scenario.rival_campaign_id}/report/links.csv").status_code == 404


def test_reports_index_lists_campaigns_with_headlines(scenario, as_role):
    client = as_role("viewer")
    html = client.get("/reports").get_data(as_text=True)
    _clean(html)
    assert f'href="/campaigns/{scenario.campaign_id}/report">Spring running guide</a>' in html
    assert "Rival campaign" not in html and 'id="chart-compare"' in html
    rows = _csv(client.get("/reports.csv"))
    assert rows[1][:7] == ["Spring running guide", "active", "12", "10", "6", "4", "4"]
    assert rows[1][rows[0].index("Spent (cents)")] == "85000"
    assert rows[1][rows[0].index("Cost per live link (cents)")] == "21250"


def test_reports_index_without_campaigns_says_what_to_do(as_role):
    html = as_role("viewer").get("/reports").get_data(as_text=True)
    assert "No campaigns to report on yet" in html


def test_signed_out_visitors_are_sent_to_sign_in(scenario, client):
    for url in ("/", "/reports", f"/campaigns/{scenario.campaign_id}/report", "/reports/harmful",
                f"/campaigns/{scenario.campaign_id}/report/links.csv", "/reports/harmful/disavow.txt"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


def test_campaign_numbers_of_the_campaigns_feature_agree(app, scenario):
    """The report and the campaign page (crm.campaigns.services.campaign_numbers) show the same figures."""
    services = pytest.importorskip("crm.campaigns.services")
    from crm.accounts.models import Workspace
    from crm.campaigns.models import Campaign
    from crm.campaigns.reporting.report import build_report
    from crm.extensions import db

    with app.app_context():
        theirs = services.campaign_numbers(scenario.campaign_id)
        ours = build_report(db.session.get(Workspace, scenario.workspace_id),
                            db.session.get(Campaign, scenario.campaign_id)).headline.as_row()
    shared = ("prospects", "pitched", "replied", "won", "live", "spent_cents", "cost_per_live_cents")
    assert {key: ours[key] for key in shared} == {key: theirs[key] for key in shared}
    assert (ours["spent_cents"], ours["live"]) == (85000, 4)
