"""The event queue: announced in the sender's transaction, delivered once after its commit, by whichever
dispatcher claims it first; a worker killed in between is covered by the overdue sweep."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from werkzeug import Response

from crm import events, timeline
from crm.campaigns.models import Opportunity
from crm.db import utcnow
from crm.events import PendingEvent
from crm.extensions import db
from crm.prospects.models import Contact, Site
from crm.timeline import Activity
from tests.outreach.test_send_due import SEND, fake_sendgrid, launched, send_due  # noqa: F401 - the fixture
from tests.prospects.factories import ContactFactory

pytestmark = pytest.mark.both_databases


@pytest.fixture
def heard():
    """What a test subscriber of `import_finished` heard, as (workspace, values)."""
    got = []

    def receiver(workspace_id, **values):
        got.append((workspace_id, values))

    events.import_finished.connect(receiver)
    yield got
    events.import_finished.disconnect(receiver)


def _undelivered() -> int:
    return db.session.scalar(select(func.count()).select_from(PendingEvent).where(
        PendingEvent.dispatched_at.is_(None)))


def test_send_on_a_domain_signal_refuses(ctx):
    with pytest.raises(RuntimeError, match="announce"):
        events.message_sent.send(1, message_id=1)


def test_an_event_is_delivered_after_the_commit_with_its_values(ctx, team, heard):
    events.announce(events.import_finished, team.workspace_id, job_id=None, format="ahrefs", new=3,
                    when=utcnow().date())
    assert heard == []  # not before the commit
    db.session.commit()
    assert heard == [(team.workspace_id, {"job_id": None, "format": "ahrefs", "new": 3, "when": utcnow().date()})]
    assert _undelivered() == 0


def test_a_rollback_announces_nothing_and_a_released_savepoint_is_not_a_commit(ctx, team, heard):
    events.announce(events.import_finished, team.workspace_id, new=1)
    db.session.rollback()
    timeline.record(team.workspace_id, "note", "the sender's own work comes first, then its savepoint")
    db.session.flush()
    with db.session.begin_nested():
        events.announce(events.import_finished, team.workspace_id, new=2)
    db.session.rollback()
    try:
        with db.session.begin_nested():
            events.announce(events.import_finished, team.workspace_id, new=3)
            raise ValueError("the savepoint's work fails")
    except ValueError:
        pass
    events.announce(events.import_finished, team.workspace_id, new=4)
    db.session.commit()
    assert [values["new"] for _, values in heard] == [4]
    assert db.session.scalar(select(func.count()).select_from(PendingEvent)) == 1


def test_two_dispatchers_deliver_an_event_once(app, team, heard):
    app.config["EVENTS_DISPATCH"] = False
    with app.app_context():
        ids = [events.announce(events.import_finished, team.workspace_id, new=n) for n in range(5)]
        db.session.commit()
    start, delivered = threading.Barrier(2), []

    def dispatcher():
        with app.app_context():
            start.wait()
            delivered.append(events.dispatch(ids))
            db.session.remove()

    threads = [threading.Thread(target=dispatcher) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(delivered) == [0, 5]
    assert sorted(values["new"] for _, values in heard) == [0, 1, 2, 3, 4]


def test_a_failing_subscriber_is_undone_alone(ctx, team):
    contact = ContactFactory(workspace_id=team.workspace_id)
    db.session.commit()

    def failing(workspace_id, **values):
        timeline.record(workspace_id, "note", "half-done work of a broken subscriber", contact_id=contact.id)
        db.session.flush()
        raise RuntimeError("this subscriber is broken")

    events.address_blocked.connect(failing)
    try:
        events.announce(events.address_blocked, team.workspace_id, email=contact.email, reason="bounce")
        db.session.commit()
    finally:
        events.address_blocked.disconnect(failing)
    assert db.session.get(Contact, contact.id).status == "bounced"  # prospects' subscriber did its part
    assert db.session.scalar(select(func.count()).select_from(Activity).where(Activity.kind == "note")) == 0
    assert _undelivered() == 0


def test_a_worker_killed_before_dispatch_is_covered_by_the_overdue_sweep(app, team,
                                                                         fake_sendgrid):  # noqa: F811
    fake_sendgrid.expect_request(SEND, method="POST").respond_with_handler(
        lambda request: Response("", status=202, headers={"X-Message-Id": "sg-1"}))
    world = launched(app, team, people=1)
    app.config["EVENTS_DISPATCH"] = False  # the worker dies right after each commit
    assert send_due(app)["sent"] == 1
    with app.app_context():
        opportunity = db.session.get(Opportunity, world.opportunity_ids[0])
        assert opportunity.stage == "prospect" and db.session.get(Site, world.site_ids[0]).last_contacted_at is None
        assert events.dispatch_overdue()["dispatched"] == 0  # still young: its own worker may deliver it
        later = utcnow() + events.OVERDUE + timedelta(seconds=1)
        app.config["EVENTS_DISPATCH"] = True
        assert events.dispatch_overdue(now=later)["dispatched"] == 1
        assert events.dispatch_overdue(now=later)["dispatched"] == 0  # once
        db.session.expire_all()
        assert db.session.get(Opportunity, world.opportunity_ids[0]).stage == "pitched"
        assert db.session.get(Site, world.site_ids[0]).last_contacted_at is not None
        pitched = db.session.scalar(select(func.count()).select_from(Activity).where(
            Activity.kind == "stage_changed", Activity.opportunity_id == world.opportunity_ids[0]))
        assert pitched == 1


def test_dispatched_events_are_pruned_after_a_week(ctx, team, heard):
    events.announce(events.import_finished, team.workspace_id, new=1)
    db.session.commit()
    assert events.dispatch_overdue(now=utcnow() + timedelta(days=6))["pruned"] == 0
    assert events.dispatch_overdue(now=utcnow() + events.KEEP + timedelta(minutes=1))["pruned"] == 1
    assert db.session.scalar(select(func.count()).select_from(PendingEvent)) == 0
