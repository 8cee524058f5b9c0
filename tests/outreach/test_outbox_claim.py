"""Workers claim due rows under a lease without overlap; dead workers' rows are recovered or held as unknown."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from crm.db import utcnow
from crm.extensions import db
from crm.outreach import outbox, recording
from crm.outreach.models import EmailEvent, OutboundMessage
from tests.outreach.factories import MessageFactory, SenderFactory

pytestmark = pytest.mark.both_databases


def queue(workspace_id: int, n: int, **values) -> list[int]:
    sender = SenderFactory(workspace_id=workspace_id)
    return [MessageFactory(workspace_id=workspace_id, sender_id=sender.id, **values).id for _ in range(n)]


def test_concurrent_workers_never_claim_the_same_row(app, team):
    with app.app_context():
        ids = queue(team.workspace_id, 60)
    claimed: dict[str, list[int]] = {}
    start = threading.Barrier(4)

    def worker(name: str):
        with app.app_context():
            start.wait()
            mine = []
            while True:
                batch = outbox.claim(name, 7)
                if not batch.counts["claimed"]:
                    break
                mine += [row.id for row in batch.rows]
            claimed[name] = mine
            db.session.remove()

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    everything = [i for rows in claimed.values() for i in rows]
    assert sorted(everything) == sorted(ids)  # each row exactly once, none lost
    with app.app_context():
        owners = dict(db.session.execute(select(OutboundMessage.id, OutboundMessage.lease_owner)).all())
        assert all(owners[i] == name for name, rows in claimed.items() for i in rows)


def test_rows_not_yet_due_or_not_queued_are_left_alone(ctx, team):
    later = queue(team.workspace_id, 1, next_attempt_at=utcnow() + timedelta(hours=1))
    failed = queue(team.workspace_id, 1, status="failed")
    assert outbox.claim("w", 10).counts["claimed"] == 0
    assert {db.session.get(OutboundMessage, i).status for i in later + failed} == {"queued", "failed"}


def test_a_lapsed_lease_goes_back_to_the_queue_only_if_no_request_went_out(ctx, team):
    ids = queue(team.workspace_id, 2)
    rows = outbox.claim("dead-worker", 2).rows
    assert recording.start_request(rows[1].id, "dead-worker")  # the second one's request had started
    assert outbox.recover_expired(utcnow() + timedelta(seconds=30)) == {"recovered": 0, "unknown": 0}
    counts = outbox.recover_expired(utcnow() + timedelta(seconds=outbox.LEASE_SECONDS + 1))
    assert counts == {"recovered": 1, "unknown": 1}
    first, second = (db.session.get(OutboundMessage, i) for i in ids)
    db.session.refresh(first)
    db.session.refresh(second)
    assert (first.status, first.lease_owner) == ("queued", None)
    assert second.status == "unknown" and "waiting for the provider's events" in second.last_error
    assert not recording.start_request(second.id, "dead-worker")  # the dead worker's lease is gone


def test_unknown_rows_resend_only_when_the_provider_has_spoken_about_later_mail(ctx, team):
    ids = queue(team.workspace_id, 2, status="unknown")
    started = utcnow() - timedelta(hours=1)
    for row_id in ids:
        db.session.get(OutboundMessage, row_id).request_started_at = started
    db.session.commit()
    assert recording.reconcile_unknown() == {"reconciled_sent": 0, "reconciled_unsent": 0}  # no events: wait
    db.session.add(EmailEvent(provider_event_id="e-ours", message_id=ids[0], event="processed",
                              occurred_at=started + timedelta(seconds=3), payload={}))
    db.session.add(EmailEvent(provider_event_id="e-later", event="processed",
                              occurred_at=started + recording.UNKNOWN_GRACE + timedelta(minutes=1), payload={}))
    db.session.commit()
    assert recording.reconcile_unknown() == {"reconciled_sent": 0, "reconciled_unsent": 1}
    assert db.session.get(OutboundMessage, ids[0]).status == "unknown"  # its own event is applied by the webhook
    assert db.session.get(OutboundMessage, ids[1]).status == "queued"


def test_the_file_backend_settles_unknown_rows_by_what_it_saved(ctx, team):
    ids = queue(team.workspace_id, 2, status="unknown", request_started_at=utcnow())
    saved_key = db.session.get(OutboundMessage, ids[0]).idempotency_key
    counts = recording.reconcile_unknown(lookup=lambda key: "file-abc" if key == saved_key else None)
    assert counts == {"reconciled_sent": 1, "reconciled_unsent": 1}
    assert [db.session.get(OutboundMessage, i).status for i in ids] == ["sent", "queued"]
    assert db.session.scalar(select(func.count()).where(OutboundMessage.sent_at.is_not(None))) == 1
