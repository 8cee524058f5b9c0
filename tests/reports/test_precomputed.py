"""Stored figures for the dashboard and index: reused while fresh, redone on events, age, a month turn or a view."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from crm import events
from crm.campaigns.models import Campaign
from crm.campaigns.reporting import headlines
from crm.db import utcnow
from crm.extensions import db
from crm.links.models import Backlink
from crm.reports import precomputed
from crm.reports.models import ReportFigures
from tests.support.announcing import announce_now

pytestmark = pytest.mark.both_databases


def _live_links(scenario) -> int:
    campaign = db.session.get(Campaign, scenario.campaign_id)
    return precomputed.campaign_headlines(scenario.workspace_id, [campaign])[0].links.live


def _lose_a_link(scenario) -> None:
    """Change data the way a hand edit would: no event is sent."""
    db.session.get(Backlink, scenario.links["nat"]).status = "missing"
    db.session.commit()


def test_stored_headline_round_trips(app, scenario):
    with app.app_context():
        campaign = db.session.get(Campaign, scenario.campaign_id)
        [live] = headlines.headlines(scenario.workspace_id, [campaign])
        again = precomputed.headline_from(campaign, precomputed.headline_data(live))
        assert again.as_row() == live.as_row() and again.funnel == live.funnel


def test_figures_are_reused_until_an_event_marks_them_stale(app, scenario):
    with app.app_context():
        assert _live_links(scenario) == 4
        _lose_a_link(scenario)
        assert _live_links(scenario) == 4  # stored figures, still fresh
        announce_now(events.link_lost, scenario.workspace_id, backlink_id=scenario.links["nat"], opportunity_id=None,
                              campaign_id=scenario.campaign_id, reasons=["link_not_found"])
        db.session.commit()
        assert _live_links(scenario) == 3


def test_old_figures_are_redone(app, scenario):
    with app.app_context():
        _live_links(scenario)
        _lose_a_link(scenario)
        row = db.session.scalar(select(ReportFigures).where(ReportFigures.key == f"campaign:{scenario.campaign_id}"))
        row.computed_at = utcnow() - precomputed.MAX_AGE - timedelta(seconds=1)
        db.session.commit()
        assert _live_links(scenario) == 3


def test_link_summary_is_stored_and_redone_when_the_month_turns(app, scenario):
    with app.app_context():
        summary, attention = precomputed.link_summary(scenario.workspace_id)
        again, attention_again = precomputed.link_summary(scenario.workspace_id)
        assert again == summary and attention_again == attention and summary.months.live_now == 4
        _lose_a_link(scenario)
        assert precomputed.link_summary(scenario.workspace_id)[0].months.live_now == 4
        next_month = utcnow().replace(day=1) + timedelta(days=32)
        assert precomputed.link_summary(scenario.workspace_id, now=next_month)[0].months.live_now == 3


def test_opening_a_report_refreshes_what_the_index_shows(app, scenario, as_role):
    client = as_role("viewer")
    assert f'data-campaign="{scenario.campaign_id}"' in client.get("/reports").get_data(as_text=True)
    with app.app_context():
        _lose_a_link(scenario)
    client.get(f"/campaigns/{scenario.campaign_id}/report")
    with app.app_context():
        assert _live_links(scenario) == 3


def test_the_periodic_refresh_redoes_stale_and_old_figures(app, scenario):
    with app.app_context():
        _live_links(scenario)
        precomputed.link_summary(scenario.workspace_id)
        assert precomputed.refresh_due() == {"campaigns": 0, "workspaces": 0}
        _lose_a_link(scenario)
        precomputed.mark_stale(scenario.workspace_id, scenario.campaign_id)
        db.session.commit()
        assert precomputed.refresh_due() == {"campaigns": 1, "workspaces": 1}
        rows = db.session.scalars(select(ReportFigures)).all()
        assert rows and not any(row.stale for row in rows)
        assert _live_links(scenario) == 3


def test_deleting_a_campaign_deletes_its_figures(app, scenario):
    with app.app_context():
        _live_links(scenario)
        db.session.delete(db.session.get(Campaign, scenario.campaign_id))
        db.session.commit()
        assert db.session.scalars(select(ReportFigures).where(ReportFigures.campaign_id.is_not(None))).all() == []
