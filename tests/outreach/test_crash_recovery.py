"""Kill the sender at every point of a send: after recovery every message has gone out exactly once."""

import json
import signal
import subprocess
import sys
import threading
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug import Response

from crm.campaigns import launching
from crm.db import utcnow
from crm.extensions import db
from crm.outreach import outbox, recording, sending
from crm.outreach.models import EmailEvent, OutboundMessage
from tests.conftest import app_settings
from tests.outreach.webhooks import console_key, event, post_events
from tests.outreach.world import build

REPO = Path(__file__).resolve().parents[2]
SEND = "/v3/mail/send"
AFTER_LEASE = timedelta(seconds=outbox.LEASE_SECONDS + 1)


class FakeSendGrid:
    """Accepts every message and remembers which outbox rows it took; can hold one request open."""

    def __init__(self, server):
        self.taken: Counter = Counter()
        self.hold_first = False
        self.arrived = threading.Event()
        self.release = threading.Event()
        server.expect_request(SEND, method="POST").respond_with_handler(self.handle)

    def handle(self, request):
        outbound_id = json.loads(request.get_data())["personalizations"][0]["custom_args"]["outbound_id"]
        self.taken[int(outbound_id)] += 1  # the whole request arrived: SendGrid has accepted it
        if self.hold_first and not self.arrived.is_set():
            self.arrived.set()
            self.release.wait(10)
        return Response("", status=202, headers={"X-Message-Id": f"sg-{outbound_id}"})


@pytest.fixture
def fake(app, httpserver):
    app.config.update(MAIL_BACKEND="sendgrid", SENDGRID_API_KEY="SG.test", SENDGRID_API_HOST=httpserver.url_for("/"),
                      SENDGRID_TIMEOUT=5, SENDGRID_WEBHOOK_PUBLIC_KEY=console_key(),
                      PUBLIC_BASE_URL="https://crm.example")
    return FakeSendGrid(httpserver)


@pytest.fixture
def queued(app, team, fake):
    with app.app_context():
        world = build(team.workspace_id, people=3)
        launching.launch(world.workspace_id, world.sequence_id, world.recipients(), None)
        return sorted(db.session.scalars(select(OutboundMessage.id)))


def start_sender(app, point: str) -> subprocess.Popen:
    settings = app_settings(app.instance_path, app.config["SQLALCHEMY_DATABASE_URI"], MAIL_BACKEND="sendgrid",
                            SENDGRID_API_KEY="SG.test", SENDGRID_API_HOST=app.config["SENDGRID_API_HOST"],
                            SENDGRID_TIMEOUT=5, PUBLIC_BASE_URL="https://crm.example")
    return subprocess.Popen([sys.executable, "-m", "tests.outreach.crash_sender", json.dumps(settings), point],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def killed(process: subprocess.Popen) -> None:
    _, err = process.communicate(timeout=60)
    assert process.returncode == -signal.SIGKILL, err.decode()[-2000:]


def statuses(app) -> dict[int, str]:
    with app.app_context():
        return dict(db.session.execute(select(OutboundMessage.id, OutboundMessage.status)).all())


def recover_and_finish(app, client, fake) -> None:
    """What happens after a crash: leases lapse, SendGrid's events arrive for what it took, sending resumes."""
    later = utcnow() + AFTER_LEASE
    with app.app_context():
        sending.send_due(now=later, workers=1)
        taken = db.session.scalars(select(OutboundMessage).where(OutboundMessage.id.in_(list(fake.taken)))).all()
        batch = [event(row, "processed") for row in taken]
        db.session.expunge_all()
    if batch:
        assert post_events(client, batch).status_code == 200
    with app.app_context():
        sending.send_due(now=later + timedelta(seconds=1), workers=1)


def assert_each_sent_once(app, fake, ids) -> None:
    assert all(fake.taken[i] == 1 for i in ids), fake.taken  # zero duplicates
    assert set(statuses(app).values()) == {"sent"}, statuses(app)  # zero lost


@pytest.mark.parametrize("point", ["claimed", "accepted", "recorded"])
def test_a_sender_killed_at_any_point_loses_and_duplicates_nothing(app, client, queued, fake, point):
    killed(start_sender(app, point))
    state = statuses(app)
    if point == "claimed":  # killed before any request: nothing went out
        assert not fake.taken and set(state.values()) == {"sending"}
    elif point == "accepted":  # SendGrid took the first one, the sender died before writing it down
        assert list(fake.taken) == [queued[0]] and state[queued[0]] == "sending"
    else:  # the first one was recorded; the rest of its batch were still claimed
        assert list(fake.taken) == [queued[0]] and state[queued[0]] == "sent"
    recover_and_finish(app, client, fake)
    assert_each_sent_once(app, fake, queued)


def test_a_sender_killed_mid_request_is_reconciled_by_events_before_any_resend(app, client, queued, fake):
    fake.hold_first = True
    process = start_sender(app, "never")
    try:
        assert fake.arrived.wait(30), "the sender never reached SendGrid"
        process.send_signal(signal.SIGKILL)
        killed(process)
    finally:
        fake.release.set()
    assert statuses(app)[queued[0]] == "sending"
    with app.app_context():
        counts = sending.send_due(now=utcnow() + AFTER_LEASE, workers=1)
    assert counts["unknown"] == 1 and statuses(app)[queued[0]] == "unknown"
    assert fake.taken[queued[0]] == 1  # held back, not re-sent, until SendGrid's events say what happened
    recover_and_finish(app, client, fake)
    assert_each_sent_once(app, fake, queued)


def test_a_request_that_never_reached_sendgrid_is_resent_once_the_events_show_it_was_not_taken(app, client, queued,
                                                                                               fake):
    killed(start_sender(app, "request_started"))
    assert not fake.taken
    later = utcnow() + AFTER_LEASE
    with app.app_context():
        counts = sending.send_due(now=later, workers=1)
    assert counts["unknown"] == 1 and counts["sent"] == 2 and statuses(app)[queued[0]] == "unknown"
    # SendGrid reports "processed" for the two sent after it, and never anything for it
    with app.app_context():
        others = db.session.scalars(select(OutboundMessage).where(OutboundMessage.id.in_(queued[1:]))).all()
        batch = [event(row, "processed") for row in others]
        db.session.expunge_all()
    post_events(client, batch)
    with app.app_context():
        for row in db.session.scalars(select(EmailEvent)):
            row.occurred_at = later + recording.UNKNOWN_GRACE + timedelta(minutes=1)
        db.session.commit()
        assert sending.send_due(now=later + recording.UNKNOWN_GRACE * 2, workers=1)["sent"] == 1
    assert_each_sent_once(app, fake, queued)
