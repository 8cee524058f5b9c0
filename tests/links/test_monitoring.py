"""Monitoring through real fetches: a change counts only when a second check confirms it; alerts and signals once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from crm.campaigns.models import Campaign, Opportunity
from crm.db import utcnow
from crm.extensions import db
from crm.links import verification
from crm.links.models import Backlink, LinkAlert, LinkCheck
from crm.prospects.models import Site
from crm.timeline import Activity
from tests.accounts.factories import WorkspaceFactory
from tests.links.factories import BacklinkFactory
from tests.links.farm import Toggle, link, page

pytestmark = pytest.mark.both_databases


@pytest.fixture
def watched(farm, farm_app):
    """A backlink (won in a campaign) on a page the test can change between checks."""
    path = f"/watched/{uuid.uuid4().hex}"
    toggle = Toggle(page(link(farm.target_ip)))
    farm.blog.expect_request(path).respond_with_handler(toggle)
    with farm_app.app_context():
        workspace = WorkspaceFactory()
        site = Site(workspace_id=workspace.id, domain="127.0.0.1", dr=48)
        campaign = Campaign(workspace_id=workspace.id, name="Spring guest posts")
        db.session.add_all([site, campaign])
        db.session.flush()
        opportunity = Opportunity(workspace_id=workspace.id, campaign_id=campaign.id, site_id=site.id, stage="won")
        db.session.add(opportunity)
        db.session.flush()
        backlink = BacklinkFactory(workspace_id=workspace.id, source_url=f"http://127.0.0.1:{farm.blog.port}{path}",
                                   source_domain="127.0.0.1", target_url=farm.target_ip,
                                   campaign_id=campaign.id, opportunity_id=opportunity.id)
        toggle.ids = {"backlink": backlink.id, "campaign": campaign.id, "opportunity": opportunity.id,
                      "workspace": workspace.id}
    return toggle


def _check(app, toggle, when=None):
    """Verify the watched backlink once (as "verify now" or the hourly job would) and reload it."""
    with app.app_context():
        verification.verify_backlinks([toggle.ids["backlink"]], now=when)
        backlink = db.session.get(Backlink, toggle.ids["backlink"])
        alerts = db.session.scalars(select(LinkAlert).where(LinkAlert.backlink_id == backlink.id)
                                    .order_by(LinkAlert.id)).all()
        return backlink, [(a.kind, a.old_status, a.new_status) for a in alerts]


def test_a_live_link_is_called_missing_only_after_a_second_check_agrees(farm_app, watched, signals):
    backlink, alerts = _check(farm_app, watched)
    assert backlink.status == "live" and backlink.pending_status is None and alerts == []
    ids = watched.ids
    assert signals == [("link_live", ids["workspace"], {"backlink_id": ids["backlink"],
                                                         "opportunity_id": ids["opportunity"],
                                                         "campaign_id": ids["campaign"]})]

    watched.html = page("<p>The editor took the link out.</p>")
    backlink, alerts = _check(farm_app, watched)
    assert backlink.status == "live" and backlink.pending_status == "missing"
    assert alerts == [] and len(signals) == 1
    # The confirming check is scheduled soon, not in a week.
    assert timedelta(minutes=59) <= backlink.next_check_at - backlink.last_checked_at <= timedelta(minutes=61)

    backlink, alerts = _check(farm_app, watched)
    assert backlink.status == "missing" and backlink.pending_status is None and backlink.lost_at is not None
    assert backlink.score is None
    assert alerts == [("removed", "live", "missing")]
    assert signals[1] == ("link_lost", ids["workspace"], {"backlink_id": ids["backlink"],
                                                          "opportunity_id": ids["opportunity"],
                                                          "campaign_id": ids["campaign"], "reasons": ["no_link"]})

    backlink, alerts = _check(farm_app, watched)  # still missing: nothing new to say
    assert len(alerts) == 1 and len(signals) == 2

    watched.html = page(link(_target(farm_app, ids)))
    backlink, alerts = _check(farm_app, watched)  # back: good news needs no confirmation
    assert backlink.status == "live" and backlink.lost_at is None
    assert alerts[-1] == ("live", "missing", "live") and [s[0] for s in signals] == ["link_live", "link_lost",
                                                                                   "link_live"]
    with farm_app.app_context():
        kinds = db.session.scalars(select(Activity.kind).where(Activity.opportunity_id == ids["opportunity"],
                                                               Activity.kind.like("link%"))
                                   .order_by(Activity.id)).all()
        assert kinds == ["link_live", "link_lost", "link_live"]  # campaigns adds its own stage changes
        assert db.session.scalar(select(db.func.count()).select_from(LinkCheck)) == 5


def _target(app, ids):
    with app.app_context():
        return db.session.get(Backlink, ids["backlink"]).target_url


def test_a_change_seen_once_is_dismissed_when_the_next_check_disagrees(farm_app, watched, signals):
    _check(farm_app, watched)
    watched.html = page(link(_target(farm_app, watched.ids), attrs=' rel="nofollow"'))
    backlink, _ = _check(farm_app, watched)
    assert backlink.pending_status == "live_nofollow"
    watched.html = page(link(_target(farm_app, watched.ids)))
    backlink, alerts = _check(farm_app, watched)
    assert backlink.status == "live" and backlink.pending_status is None and alerts == []
    assert [s[0] for s in signals] == ["link_live"]


def test_nofollow_added_is_confirmed_then_alerted_and_signalled_once(farm_app, watched, signals):
    _check(farm_app, watched)
    watched.html = page(link(_target(farm_app, watched.ids), attrs=' rel="sponsored"'))
    _check(farm_app, watched)
    backlink, alerts = _check(farm_app, watched)
    _check(farm_app, watched)
    assert backlink.status == "live_nofollow"
    assert alerts == [("nofollow_added", "live", "live_nofollow")]
    assert [(s[0], s[2].get("old_status"), s[2].get("new_status")) for s in signals] == [
        ("link_live", None, None), ("link_changed", "live", "live_nofollow")]


def test_timeouts_walls_and_server_errors_never_change_a_live_link(farm_app, watched, signals):
    backlink, _ = _check(farm_app, watched)
    for status in (403, 429, 500, 503):
        watched.status = status
        backlink, alerts = _check(farm_app, watched)
        assert backlink.status == "live" and backlink.pending_status is None and alerts == []
    # Each unreadable check in a row waits longer before the next try (1 h, 2 h, 4 h, 8 h).
    assert timedelta(hours=7, minutes=59) <= backlink.next_check_at - backlink.last_checked_at <= timedelta(hours=8,
                                                                                                           minutes=1)
    assert [s[0] for s in signals] == ["link_live"]
    with farm_app.app_context():
        statuses = db.session.scalars(select(LinkCheck.status).where(LinkCheck.backlink_id == backlink.id)).all()
        assert sorted(statuses) == ["live", "unverified", "unverified", "unverified", "unverified"]


def test_a_pending_change_survives_an_unreadable_check(farm_app, watched, signals):
    _check(farm_app, watched)
    watched.html = page("<p>No link here any more.</p>")
    _check(farm_app, watched)
    watched.status = 503
    backlink, _ = _check(farm_app, watched)
    assert backlink.status == "live" and backlink.pending_status == "missing"
    watched.status = 200
    backlink, alerts = _check(farm_app, watched)
    assert backlink.status == "missing" and alerts == [("removed", "live", "missing")]


def test_scores_metrics_and_the_schedule_after_placement(farm_app, watched):
    with farm_app.app_context():
        backlink = db.session.get(Backlink, watched.ids["backlink"])
        backlink.placed_on = utcnow().date()
        db.session.commit()
    backlink, _ = _check(farm_app, watched)
    with farm_app.app_context():
        check = db.session.scalar(select(LinkCheck).where(LinkCheck.backlink_id == backlink.id))
        components = {c["name"]: c for c in check.score_detail["components"]}
    assert check.score == backlink.score and check.score_version == backlink.score_version == 1
    assert components["authority"]["raw"] == {"dr": 48} and components["follow"]["note"]
    assert components["placement"]["raw"] == "content"
    assert backlink.site_id is not None  # found by the source's domain
    # A new link is checked again a day after it went up.
    placed = datetime.combine(utcnow().date(), time(), tzinfo=UTC)
    assert backlink.next_check_at == placed + timedelta(days=1)


def test_a_page_that_starts_redirecting_elsewhere_is_a_confirmed_redirect_change(farm, farm_app, watched, signals):
    _check(farm_app, watched)
    watched.status, watched.headers = 301, {"Location": "/ip/moved-here"}  # the new page still holds the link
    backlink, alerts = _check(farm_app, watched)
    assert backlink.status == "live" and backlink.pending_status == "live+moved" and alerts == []
    backlink, alerts = _check(farm_app, watched)
    assert backlink.status == "live" and backlink.pending_status is None
    assert backlink.final_url == f"http://127.0.0.1:{farm.blog.port}/ip/moved-here"
    assert alerts == [("redirect", "live", "live")]
    assert signals[-1][0] == "link_changed" and len(signals) == 2
    with farm_app.app_context():
        alert = db.session.scalar(select(LinkAlert).where(LinkAlert.backlink_id == backlink.id))
        assert "now redirects to 127.0.0.1" in alert.message
    _check(farm_app, watched)
    assert len(signals) == 2


def test_two_checks_of_one_link_at_once_announce_a_change_only_once(farm_app, signals):
    from crm.links.monitoring import record_check
    from crm.links.verifier import Verdict

    with farm_app.app_context():
        backlink = BacklinkFactory(workspace_id=WorkspaceFactory().id, status="live", pending_status="missing",
                                   check_count=3, first_live_at=utcnow())
        gone = Verdict(source_url=backlink.source_url, target_url=backlink.target_url, status="missing",
                       http_status=200, final_url=backlink.source_url, reasons=["no_link"])
        # Another worker confirms the loss and commits while this check is still deciding on what it read.
        with db.engine.begin() as other:
            other.execute(db.update(Backlink).where(Backlink.id == backlink.id).values(
                status="missing", pending_status=None, check_count=4))
        outcome = record_check(backlink, gone, now=utcnow())
        db.session.commit()
        assert outcome.decision.action == "same" and outcome.signal is None
        assert backlink.check_count == 5 and backlink.status == "missing"
        assert db.session.scalar(select(db.func.count()).select_from(LinkAlert)) == 0
