"""The Event Webhook: only signed, fresh deliveries count; each event once; statuses only move forward."""

import json
import time

import pytest
from sqlalchemy import func, select

from crm import events as signals
from crm.campaigns import launching
from crm.db import utcnow
from crm.extensions import db
from crm.outreach import sending
from crm.outreach.models import EmailEvent, Enrollment, OutboundMessage, Suppression
from crm.prospects.models import Contact
from tests.outreach.webhooks import console_key, event, post_events, signed_headers
from tests.outreach.world import build


@pytest.fixture
def sent(app, team):
    """Two first pitches sent through the file backend; the webhook key configured."""
    app.config["SENDGRID_WEBHOOK_PUBLIC_KEY"] = console_key()
    with app.app_context():
        world = build(team.workspace_id, people=2)
        launching.launch(world.workspace_id, world.sequence_id, world.recipients(), None)
        sending.send_due(workers=1)
        messages = db.session.scalars(select(OutboundMessage).order_by(OutboundMessage.id)).all()
        db.session.expunge_all()
        return messages


def status(app, message_id):
    with app.app_context():
        return db.session.get(OutboundMessage, message_id).status


def test_signed_events_move_the_status_forward_only(app, client, sent):
    first = sent[0]
    response = post_events(client, [event(first, "processed"), event(first, "open"), event(first, "delivered")])
    assert response.status_code == 200 and response.json["stored"] == 3
    assert status(app, first.id) == "opened"  # the late "delivered" did not move it back
    post_events(client, [event(first, "click", url="https://ourshop.example/")])
    assert status(app, first.id) == "clicked"


def test_forged_stale_and_unsigned_deliveries_are_refused(app, client, sent):
    from cryptography.hazmat.primitives.asymmetric import ec

    body = json.dumps([event(sent[0], "bounce")]).encode()
    stranger = ec.generate_private_key(ec.SECP256R1())
    forged = client.post("/webhooks/sendgrid/events", data=body, headers=signed_headers(body, private_key=stranger))
    stale = client.post("/webhooks/sendgrid/events", data=body, headers=signed_headers(body, int(time.time()) - 3600))
    unsigned = client.post("/webhooks/sendgrid/events", data=body, headers={"Content-Type": "application/json"})
    tampered = client.post("/webhooks/sendgrid/events", data=body.replace(b"bounce", b"open"),
                           headers=signed_headers(body))
    assert [r.status_code for r in (forged, stale, unsigned, tampered)] == [403, 403, 403, 403]
    with app.app_context():
        assert db.session.scalar(select(func.count(EmailEvent.id))) == 0
    assert status(app, sent[0].id) == "sent"


def test_without_a_key_every_delivery_is_refused(app, client, sent):
    app.config["SENDGRID_WEBHOOK_PUBLIC_KEY"] = ""
    assert post_events(client, [event(sent[0], "delivered")]).status_code == 503
    assert status(app, sent[0].id) == "sent"


def test_a_replayed_delivery_changes_nothing(app, client, sent):
    batch = [event(sent[0], "bounce", type="bounce", reason="550 no such user")]
    announced = []
    receiver = lambda sender, **kw: announced.append(kw)  # noqa: E731
    signals.bounce.connect(receiver)
    try:
        assert post_events(client, batch).json["stored"] == 1
        again = post_events(client, batch)
    finally:
        signals.bounce.disconnect(receiver)
    assert again.status_code == 200 and again.json == {"stored": 0, "duplicates": 1, "unmatched": 0, "invalid": 0}
    assert len(announced) == 1 and announced[0]["permanent"] is True and announced[0]["email"] == sent[0].to_email
    with app.app_context():
        assert db.session.scalar(select(func.count(EmailEvent.id))) == 1
        assert db.session.scalar(select(func.count(Suppression.id))) == 1


def test_a_hard_bounce_suppresses_marks_and_stops_the_contact(app, client, sent):
    post_events(client, [event(sent[0], "bounce", type="bounce", reason="550 5.1.1 user unknown")])
    with app.app_context():
        row = db.session.get(OutboundMessage, sent[0].id)
        assert row.status == "bounced" and "user unknown" in row.last_error
        assert db.session.get(Contact, row.contact_id).status == "bounced"
        entry = db.session.scalars(select(Suppression)).one()
        assert (entry.kind, entry.value, entry.reason) == ("address", row.to_email, "bounce")
        enrollment = db.session.get(Enrollment, row.enrollment_id)
        assert enrollment.status == "stopped" and enrollment.stop_reason == "bounce"
        other = db.session.get(Enrollment, sent[1].enrollment_id)
        assert other.status == "active"


def test_a_spam_report_or_unsubscribe_suppresses_the_address(app, client, sent):
    announced = []
    receiver = lambda sender, **kw: announced.append(kw)  # noqa: E731
    signals.unsubscribe.connect(receiver)
    try:
        post_events(client, [event(sent[0], "spamreport"), event(sent[1], "unsubscribe")])
    finally:
        signals.unsubscribe.disconnect(receiver)
    with app.app_context():
        reasons = sorted(s.reason for s in db.session.scalars(select(Suppression)))
        assert reasons == ["spam_report", "unsubscribe"]
        assert sorted(c.status for c in db.session.scalars(select(Contact).where(
            Contact.email.in_([m.to_email for m in sent])))) == ["do_not_contact", "unsubscribed"]
    assert {kw["email"] for kw in announced} == {m.to_email for m in sent}


def test_events_for_another_workspaces_message_id_are_not_applied(app, client, sent):
    wrong = event(sent[0], "bounce", workspace_id=str(sent[0].workspace_id + 1000))
    assert post_events(client, [wrong]).json["unmatched"] == 1
    assert status(app, sent[0].id) == "sent"


def test_garbage_is_refused_or_skipped(app, client, sent):
    body = b"not json"
    assert client.post("/webhooks/sendgrid/events", data=body, headers=signed_headers(body)).status_code == 400
    assert post_events(client, [{"event": "open"}, "x"]).json["invalid"] == 2


def test_an_unknown_message_is_settled_by_its_events_and_never_resent(app, client, sent):
    with app.app_context():
        row = db.session.get(OutboundMessage, sent[0].id)
        row.status, row.sent_at, row.request_started_at = "unknown", None, utcnow()
        db.session.commit()
    post_events(client, [event(sent[0], "processed")])
    assert status(app, sent[0].id) == "sent"
