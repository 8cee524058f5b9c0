"""send-due against a loopback fake of SendGrid: each answer ends in the right status, nothing goes twice."""

import json
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from werkzeug import Response

from crm import events
from crm.campaigns import launching
from crm.db import utcnow
from crm.extensions import db
from crm.outreach import sending
from crm.outreach.models import Enrollment, OutboundMessage, Suppression
from crm.outreach.recording import MAX_ATTEMPTS
from crm.prospects.models import Site
from crm.timeline import Activity
from tests.outreach.world import build

SEND = "/v3/mail/send"


@pytest.fixture
def fake_sendgrid(app, httpserver):
    """The app sends through SendGrid at a loopback fake; the fake's answers are set per test."""
    app.config.update(MAIL_BACKEND="sendgrid", SENDGRID_API_KEY="SG.test.key", SENDGRID_TIMEOUT=1,
                      SENDGRID_API_HOST=httpserver.url_for("/"), PUBLIC_BASE_URL="https://crm.example",
                      OUTREACH_SEND_WORKERS=1)
    return httpserver


def answer(server, status, headers=None, body=""):
    server.expect_request(SEND, method="POST").respond_with_response(
        Response(body, status=status, headers=headers or {}, content_type="application/json"))


def launched(app, team, people=2, **sender):
    with app.app_context():
        world = build(team.workspace_id, people=people, **sender)
        launching.launch(world.workspace_id, world.sequence_id, world.recipients(), None)
        return world


def send_due(app, **kwargs):
    with app.app_context():
        return sending.send_due(**kwargs)


def rows(app):
    with app.app_context():
        found = db.session.scalars(select(OutboundMessage).order_by(OutboundMessage.id)).all()
        db.session.expunge_all()
        return found


def test_accepted_messages_are_sent_once_with_everything_the_recipient_needs(app, team,
                                                                             fake_sendgrid):
    counter = iter(range(100))
    fake_sendgrid.expect_request(SEND, method="POST").respond_with_handler(
        lambda request: Response("", status=202, headers={"X-Message-Id": f"sg-{next(counter)}"}))
    announced = []
    receiver = lambda sender, **kw: announced.append((sender, kw))  # noqa: E731
    events.message_sent.connect(receiver)
    try:
        world = launched(app, team)
        counts = send_due(app)
    finally:
        events.message_sent.disconnect(receiver)
    assert counts["claimed"] == 2 and counts["sent"] == 2 and counts["failed"] == counts["retry"] == 0
    sent = rows(app)
    assert [r.status for r in sent] == ["sent", "sent"] and {r.provider_message_id for r in sent} == {"sg-0", "sg-1"}
    assert [r.attempts for r in sent] == [1, 1] and all(r.lease_owner is None for r in sent)
    assert len(fake_sendgrid.log) == 2
    body = json.loads(fake_sendgrid.log[0][0].get_data())
    personalization = body["personalizations"][0]
    assert personalization["custom_args"] == {"outbound_id": str(sent[0].id), "workspace_id": str(team.workspace_id)}
    headers = personalization["headers"]
    assert headers["List-Unsubscribe"].startswith("<https://crm.example/u/")
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert headers["Message-ID"] == sent[0].message_id_header
    assert body["reply_to"]["email"] == sent[0].reply_to and sent[0].reply_to.startswith("reply+")
    text = body["content"][0]["value"]
    assert "1 Test Street, Testville" in text and "unsubscribe: https://crm.example/u/" in text
    assert [kw["step"] for _, kw in announced] == [1, 1] and {s for s, _ in announced} == {team.workspace_id}
    assert {kw["opportunity_id"] for _, kw in announced} == set(world.opportunity_ids[:2])
    with app.app_context():
        assert all(db.session.get(Site, sid).last_contacted_at is not None for sid in world.site_ids)
        assert db.session.scalar(select(func.count(Activity.id)).where(Activity.kind == "message_sent")) == 2
        enrollment = db.session.scalars(select(Enrollment)).first()
        assert enrollment.next_position == 2 and enrollment.next_due_at > utcnow() + timedelta(days=2)
    assert send_due(app)["claimed"] == 0 and len(fake_sendgrid.log) == 2  # nothing goes twice


def test_rate_limit_waits_until_the_reset_time(app, team, fake_sendgrid):
    reset = int((datetime.now(UTC) + timedelta(seconds=90)).timestamp())
    answer(fake_sendgrid, 429, {"X-RateLimit-Reset": str(reset)}, '{"errors":[{"message":"too many"}]}')
    launched(app, team, people=1)
    counts = send_due(app)
    assert counts["retry"] == 1 and counts["sent"] == 0
    row = rows(app)[0]
    assert row.status == "queued" and row.next_attempt_at == datetime.fromtimestamp(reset, UTC)
    assert "rate limit" in row.last_error
    assert send_due(app)["claimed"] == 0 and len(fake_sendgrid.log) == 1  # not due before the reset


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors_retry_with_backoff_then_give_up(app, team, fake_sendgrid, status):
    answer(fake_sendgrid, status)
    launched(app, team, people=1)
    before = utcnow()
    assert send_due(app)["retry"] == 1
    row = rows(app)[0]
    assert row.status == "queued" and before + timedelta(seconds=14) < row.next_attempt_at
    assert row.next_attempt_at < before + timedelta(seconds=32) and str(status) in row.last_error
    # a day later every backoff has passed: the sender keeps trying within its run until it gives up
    counts = send_due(app, now=utcnow() + timedelta(days=1))
    assert counts["claimed"] == MAX_ATTEMPTS - 1 and counts["retry"] == MAX_ATTEMPTS - 2 and counts["failed"] == 1
    row = rows(app)[0]
    assert row.status == "failed" and row.last_error.startswith(f"gave up after {MAX_ATTEMPTS} attempts")
    assert len(fake_sendgrid.log) == MAX_ATTEMPTS


@pytest.mark.parametrize(("status", "words"), [(400, "from: not verified"), (401, "API key"),
                                                (403, "sender identity"), (413, "too large")])
def test_lasting_errors_fail_at_once_with_the_reason_shown(app, team, as_role, fake_sendgrid,
                                                           status, words):
    answer(fake_sendgrid, status, body='{"errors":[{"field":"from","message":"not verified"}]}')
    launched(app, team, people=1)
    assert send_due(app)["failed"] == 1
    row = rows(app)[0]
    assert row.status == "failed" and words in row.last_error and len(fake_sendgrid.log) == 1
    with app.app_context():
        assert db.session.scalars(select(Enrollment)).one().stop_reason == "send failed"
    page = as_role("viewer").get(f"/outbox/{row.id}").get_data(as_text=True)
    assert words in page
    assert send_due(app)["claimed"] == 0 and len(fake_sendgrid.log) == 1


def test_a_timeout_leaves_the_message_unknown_and_it_is_never_resent_blindly(app, team,
                                                                             fake_sendgrid):
    release = threading.Event()

    def hang(request):
        release.wait(5)
        return Response("", status=202)

    fake_sendgrid.expect_request(SEND, method="POST").respond_with_handler(hang)
    launched(app, team, people=1)
    try:
        counts = send_due(app)
    finally:
        release.set()
    assert counts["unknown"] == 1
    row = rows(app)[0]
    assert row.status == "unknown" and "waiting for the provider's events" in row.last_error
    assert send_due(app, now=utcnow() + timedelta(minutes=5))["claimed"] == 0
    assert len(fake_sendgrid.log) == 1


def test_suppression_added_after_queueing_is_caught_inside_the_claim(app, team, fake_sendgrid):
    answer(fake_sendgrid, 202)
    launched(app, team, people=2)
    first = rows(app)[0]
    with app.app_context():
        db.session.add(Suppression(workspace_id=None, kind="domain", value=first.to_email.split("@")[1],
                                   reason="manual"))
        db.session.commit()
    counts = send_due(app)
    assert counts["skipped_suppressed"] == 1 and counts["sent"] == 1 and len(fake_sendgrid.log) == 1
    assert json.loads(fake_sendgrid.log[0][0].get_data())["personalizations"][0]["to"][0]["email"] != first.to_email
    assert rows(app)[0].status == "cancelled" and "suppressed" in rows(app)[0].last_error


def test_the_command_prints_one_json_object(app, team, runner, fake_sendgrid):
    answer(fake_sendgrid, 202)
    launched(app, team, people=2)
    result = runner.invoke(args=["outreach", "send-due", "--workers", "2"])
    assert result.exit_code == 0, result.output
    counts = json.loads(result.output)
    assert {"claimed", "sent", "failed", "retry", "skipped_suppressed", "unknown"} <= counts.keys()
    assert counts["sent"] == 2


def test_sendgrid_without_a_key_is_a_clear_error(app, runner):
    app.config.update(MAIL_BACKEND="sendgrid", SENDGRID_API_KEY="")
    result = runner.invoke(args=["outreach", "send-due"])
    assert result.exit_code != 0 and "SENDGRID_API_KEY" in result.output and "Traceback" not in result.output


def test_an_operator_suppresses_everywhere_from_the_command_line(app, team, runner, fake_sendgrid):
    answer(fake_sendgrid, 202)
    launched(app, team, people=2)
    first = rows(app)[0]
    domain = first.to_email.split("@")[1]
    result = runner.invoke(args=["outreach", "suppress", domain.upper(), "--reason", "do_not_contact"])
    assert result.exit_code == 0 and json.loads(result.output) == {
        "kind": "domain", "value": domain, "reason": "do_not_contact", "scope": "global"}
    assert runner.invoke(args=["outreach", "suppress", "not a value"]).exit_code != 0
    assert runner.invoke(args=["outreach", "suppress", "a@b.example", "--workspace", "Nope"]).exit_code != 0
    assert send_due(app)["skipped_suppressed"] == 1 and len(fake_sendgrid.log) == 1
