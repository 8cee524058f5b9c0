"""The dashboard's figures: links this month vs last, links needing attention, tasks due; and the page itself."""

from __future__ import annotations

import math

import pytest

from crm.reports import dashboard


@pytest.mark.both_databases
def test_month_figures(app, scenario):
    with app.app_context():
        summary = dashboard.link_summary(scenario.workspace_id)
    m = summary.months
    # Live now: b9 60, b10 30, nat 45, spam 8 (exact2's page is noindexed). At the end of last month: b9, b10,
    # spam and exact2 (not lost), not nat (this month) nor b11 (lost last month). Went live this month: nat;
    # last month: b10, spam, exact2 (their scores now: 30, 8, 5).
    assert (m.live_now, m.live_end_of_last_month) == (4, 4)
    assert math.isclose(m.quality_now, 143 / 4)
    assert (m.went_live_this_month, m.quality_this_month) == (1, 45)
    assert m.went_live_last_month == 3 and math.isclose(m.quality_last_month, 43 / 3)
    assert (m.lost_this_month, m.lost_last_month) == (0, 1)
    assert summary.harmful == 2  # spam (casino content, score 8) and exact2 (score 5)


@pytest.mark.both_databases
def test_links_needing_attention(app, scenario):
    with app.app_context():
        counts = dashboard.link_summary(scenario.workspace_id).attention
        rows = dashboard.attention_links(scenario.workspace_id)
    # Lost: b11. Changed: b9 (a change awaits its confirming check), exact2 (noindexed). Not verified: the
    # unverified link; b8 is unchecked but new, so it is still waiting for its first check.
    assert counts == {"lost": 1, "changed": 2, "unverified": 1}
    assert {(row.id, row.kind) for row in rows} == {
        (scenario.links["b11"], "lost"), (scenario.links["b9"], "changed"), (scenario.links["exact2"], "changed"),
        (scenario.links["unverified"], "unverified")}


@pytest.mark.both_databases
def test_tasks_due_for_me_or_nobody(app, scenario, team):
    with app.app_context():
        tasks = dashboard.tasks_due(scenario.workspace_id, team.user_ids["member"])
    assert [(t.id, t.overdue, t.mine) for t in tasks] == [
        (scenario.tasks["overdue"], True, True), (scenario.tasks["unassigned"], False, False)]
    assert tasks[0].campaign == "Spring running guide"


def test_dashboard_page_shows_the_panels(app, scenario, as_role):
    html = as_role("member").get("/").get_data(as_text=True)
    assert '<h1 class="h3 mb-0">Acme</h1>' in html and 'id="worker-status"' in html
    assert 'id="dash-live-now">4<' in html and 'id="dash-went-live">1<' in html and 'id="dash-lost">0<' in html
    assert "Task overdue" in html and "Task unassigned" in html and "Task someone else" not in html
    assert "Lost: 1" in html and "Changed: 2" in html and "Not verified: 1" in html
    assert "Spring running guide" in html and "Rival campaign" not in html
    assert 'data-chart=' in html and "2 harmful link(s) to review" in html


def test_an_empty_workspace_says_what_to_do(app, as_role):
    html = as_role("viewer").get("/").get_data(as_text=True)
    assert "Nothing here yet" in html and "flask --app run demo" in html
