"""Every figure of a campaign report against the hand-computed scenario, on SQLite and PostgreSQL."""

from __future__ import annotations

import math

import pytest

from crm.accounts.models import Workspace
from crm.campaigns.models import Campaign
from crm.campaigns.reporting import headlines
from crm.campaigns.reporting.report import build_report
from crm.extensions import db
from tests.reports.scenario import EXPECTED

pytestmark = pytest.mark.both_databases


def _report(scenario):
    workspace = db.session.get(Workspace, scenario.workspace_id)
    return build_report(workspace, db.session.get(Campaign, scenario.campaign_id))


def test_funnel_counts_rates_and_shares(app, scenario):
    with app.app_context():
        report = _report(scenario)
        funnel = {step.key: step for step in report.headline.funnel}
        assert {key: step.count for key, step in funnel.items()} == EXPECTED["funnel"]
        for key, step in funnel.items():
            assert math.isclose(step.rate, EXPECTED["rates"][key]), key
            assert math.isclose(step.share, EXPECTED["shares"][key]), key
        assert math.isclose(report.headline.reply_rate, 6 / 10)
        assert report.headline.hand_replied == EXPECTED["hand_replied"]
        assert math.isclose(report.headline.win_rate, 4 / 10)
        assert report.headline.messages_sent == EXPECTED["messages_sent"]


def test_reply_rate_per_template_and_step(app, scenario):
    with app.app_context():
        report = _report(scenario)
        assert [(r.label, r.sent, r.replied) for r in report.templates] == EXPECTED["templates"]
        assert [(r.label, r.sent, r.replied) for r in report.steps] == EXPECTED["steps"]
        assert math.isclose(report.templates[0].rate, 0.5) and math.isclose(report.steps[1].rate, 1 / 3)


def test_links_quality_and_money(app, scenario):
    with app.app_context():
        report = _report(scenario)
        h = report.headline
        assert (h.links.links, h.links.live, h.links.points, h.links.lost) == (
            EXPECTED["links"], EXPECTED["live_links"], EXPECTED["points"], EXPECTED["lost"])
        assert math.isclose(h.links.average_quality, EXPECTED["average_quality"])
        assert [b.count for b in report.quality] == EXPECTED["quality"] and report.unscored == 0
        assert h.spend.total_cents == EXPECTED["spent"]
        assert (h.spend.placements_cents, h.spend.costs_cents) == (65000, 20000)
        assert h.spend.other_currency_items == 1
        assert math.isclose(h.cost_per_live_link, EXPECTED["cost_per_live_link"])
        assert math.isclose(h.cost_per_point, EXPECTED["cost_per_point"])


def test_anchor_mix_reads_the_latest_check(app, scenario):
    with app.app_context():
        report = _report(scenario)
        assert report.anchors.counts == EXPECTED["anchors"]
        assert math.isclose(report.anchors.exact_share, EXPECTED["exact_share"]) and report.anchors.risk == "high"
        assert report.wanted_anchors == ["best running shoes", "Acme Running"]
        assert "old anchor" not in {link.anchor for link in report.links}
        by_id = {link.id: link for link in report.links}
        assert by_id[scenario.links["exact2"]].anchor_class is None  # not live: not in the mix


def test_risks_lost_links_and_history(app, scenario):
    with app.app_context():
        report = _report(scenario)
        by_id = {link.id: link for link in report.links}
        assert [link.id for link in report.paid_risks] == [scenario.links["b9"]]
        assert by_id[scenario.links["b10"]].paid and not by_id[scenario.links["b10"]].paid_follow_risk
        assert {link.id: link.harm for link in report.harmful} == {
            scenario.links["spam"]: ["casino content", "very low score (8 < 15)"],
            scenario.links["exact2"]: ["very low score (5 < 15)"],
        }
        [lost] = report.lost_links
        assert lost.id == scenario.links["b11"] and lost.lost_reason == "Link removed from the page"
        assert lost.check_reasons == ["link_removed"]
        assert report.lost_by_reason == [("Link removed from the page", 1)]
        assert [(p.went_live, p.lost, p.live_at_end) for p in report.timeline] == EXPECTED["timeline"]


def test_the_rival_workspace_counts_nowhere(app, scenario):
    with app.app_context():
        [row] = headlines.headlines(scenario.workspace_id,
                                    headlines.workspace_campaigns(scenario.workspace_id))
        assert row.campaign.id == scenario.campaign_id
        assert row.spend.total_cents == EXPECTED["spent"] and row.links.live == EXPECTED["live_links"]


def test_index_headline_and_report_agree_and_are_stable(app, scenario):
    with app.app_context():
        first = _report(scenario)
        again = _report(scenario)
        [row] = headlines.headlines(scenario.workspace_id, [db.session.get(Campaign, scenario.campaign_id)])
        assert row.as_row() == first.headline.as_row() == again.headline.as_row()
        assert [link.id for link in first.links] == [link.id for link in again.links]
        assert first.timeline == again.timeline and first.anchors == again.anchors
