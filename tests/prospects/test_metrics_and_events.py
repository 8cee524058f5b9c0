"""Dated metrics (then and now), outreach's news reaching contacts and sites, and the demo data."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from crm import events
from crm.extensions import db
from crm.prospects import metrics
from crm.prospects.models import Contact, Site, SiteMetric
from tests.accounts.factories import WorkspaceFactory
from tests.prospects.factories import ContactFactory, SiteFactory, SiteMetricFactory
from tests.support.announcing import announce_now

pytestmark = pytest.mark.both_databases


def test_metric_at_gives_the_value_known_at_a_moment(ctx):
    site = SiteFactory()
    SiteMetricFactory(site=site, name="dr", value=30, measured_at=datetime(2025, 1, 1, tzinfo=UTC))
    SiteMetricFactory(site=site, name="dr", value=35, source="manual", measured_at=datetime(2025, 3, 1, tzinfo=UTC))
    SiteMetricFactory(site=site, name="dr", value=50, measured_at=datetime(2025, 9, 1, tzinfo=UTC))
    assert metrics.metric_at(site.id, "dr", date(2024, 12, 31)) is None
    assert metrics.metric_at(site.id, "dr", date(2025, 1, 1)).value == 30  # measured that day: known that day
    then = metrics.metric_at(site.id, "dr", datetime(2025, 5, 1, 12, tzinfo=UTC))
    assert (then.value, then.source) == (35, "manual")
    assert metrics.metric_at(site.id, "dr", date(2025, 5, 1), source="ahrefs").value == 30
    assert metrics.metric_at(site.id, "dr", date(2030, 1, 1)).value == 50
    assert metrics.metric_at(site.id, "da", date(2030, 1, 1)) is None


def test_metrics_at_reads_many_sites_in_one_go(ctx):
    first, second = SiteFactory(), SiteFactory()
    SiteMetricFactory(site=first, name="dr", value=10, measured_at=datetime(2025, 1, 1, tzinfo=UTC))
    SiteMetricFactory(site=first, name="dr", value=20, measured_at=datetime(2025, 2, 1, tzinfo=UTC))
    SiteMetricFactory(site=second, name="tf", value=7, source="majestic", measured_at=datetime(2025, 1, 15, tzinfo=UTC))
    found = metrics.metrics_at([first.id, second.id], ["dr", "tf"], date(2025, 1, 20))
    assert {key: r.value for key, r in found.items()} == {(first.id, "dr"): 10, (second.id, "tf"): 7}


def test_recording_a_value_replaces_the_same_day_and_updates_the_newest_column(ctx):
    site = SiteFactory(dr=None)
    metrics.record(site, "dr", 40, "manual", date(2025, 1, 1), None)
    metrics.record(site, "dr", 42, "manual", date(2025, 1, 1), None)
    metrics.record(site, "dr", 12, "manual", date(2020, 1, 1), None)  # an old value: history only
    assert db.session.scalar(select(func.count()).select_from(SiteMetric)) == 2
    assert db.session.get(Site, site.id).dr == 42
    metrics.record(site, "as", 61, "semrush", date(2025, 2, 1), None)
    assert db.session.get(Site, site.id).as_score == 61
    with pytest.raises(metrics.MetricError, match="not a metric"):
        metrics.record(site, "karma", 1, "manual", date(2025, 1, 1), None)
    with pytest.raises(metrics.MetricError, match="zero or more"):
        metrics.record(site, "dr", float("nan"), "manual", date(2025, 1, 1), None)


def test_a_sent_message_dates_the_sites_last_contact(ctx):
    contact = ContactFactory()
    site_id, workspace_id = contact.site_id, contact.workspace_id
    sent_at = datetime(2026, 3, 4, 9, 30, tzinfo=UTC)
    announce_now(events.message_sent, workspace_id, message_id=1, campaign_id=None, opportunity_id=None,
                 contact_id=contact.id, site_id=site_id, step=1, sent_at=sent_at)
    announce_now(events.message_sent, WorkspaceFactory().id, message_id=2, campaign_id=None, opportunity_id=None,
                 contact_id=contact.id, site_id=site_id, step=1, sent_at=sent_at + timedelta(days=1))  # not its site
    assert db.session.get(Site, site_id).last_contacted_at == sent_at


def test_blocked_addresses_set_the_contact_status(ctx):
    bounced, leaving, spam, barred = ContactFactory(), ContactFactory(), ContactFactory(), ContactFactory()
    barred.status = "do_not_contact"
    db.session.commit()
    announce_now(events.address_blocked, bounced.workspace_id, email=bounced.email, reason="bounce")
    announce_now(events.address_blocked, leaving.workspace_id, email=leaving.email.upper(), reason="unsubscribe")
    announce_now(events.address_blocked, spam.workspace_id, email=spam.email, reason="spam_report")
    announce_now(events.address_blocked, barred.workspace_id, email=barred.email, reason="unsubscribe")
    announce_now(events.address_blocked, WorkspaceFactory().id, email=barred.email, reason="bounce")  # ignored
    statuses = dict(db.session.execute(select(Contact.id, Contact.status)).all())
    assert [statuses[c.id] for c in (bounced, leaving, spam, barred)] == [
        "bounced", "unsubscribed", "do_not_contact", "do_not_contact"]


def test_demo_prospects_twice(app, runner):
    first = runner.invoke(args=["demo", "--workspace", "Demo prospects"])
    assert first.exit_code == 0, first.output
    made = json.loads(first.output.strip().splitlines()[-1])["prospects"]
    assert made["sites"] >= 40 and made["contacts"] == 2 * made["sites"] and made["metrics"] > 100
    second = runner.invoke(args=["demo", "--workspace", "Demo prospects"])
    assert second.exit_code == 0, second.output
    assert json.loads(second.output.strip().splitlines()[-1])["prospects"] == {"sites": 0, "contacts": 0, "metrics": 0}
    with app.app_context():
        sites = db.session.scalars(select(Site).where(Site.domain == "greenthumbdiaries.com")).all()
        assert len(sites) == 1 and sites[0].tags and {m.measured_at for m in sites[0].metrics} and sites[0].dr == 48
        assert len({m.measured_at for m in sites[0].metrics}) == 2  # then and now
        assert db.session.scalar(select(func.count()).where(Site.status != "active")) == 3
