"""`flask demo` leaves outreach with mail due, sent and replied to, so `outreach send-due` has work at once."""

import json

from sqlalchemy import func, select

from crm.extensions import db
from crm.outreach.models import Enrollment, OutboundMessage, Reply


def test_send_due_right_after_demo_has_work_and_demo_runs_twice(app, runner):
    first = runner.invoke(args=["demo", "--workspace", "Demo agency"])
    assert first.exit_code == 0, first.output
    made = json.loads(first.output.strip().splitlines()[-1])["outreach"]
    assert made["messages_due"] >= 4 and made["messages_sent"] >= 4 and made["replies"] >= 2, made
    second = runner.invoke(args=["demo", "--workspace", "Demo agency"])
    assert second.exit_code == 0, second.output
    assert json.loads(second.output.strip().splitlines()[-1])["outreach"] == {}
    sent = runner.invoke(args=["outreach", "send-due"])
    assert sent.exit_code == 0, sent.output
    counts = json.loads(sent.output)
    assert counts["sent"] >= made["messages_due"] + 1 and counts["queued_followups"] >= 1
    assert counts["failed"] == counts["unknown"] == 0
    with app.app_context():
        assert db.session.scalar(select(func.count(OutboundMessage.id)).where(OutboundMessage.status == "queued")) == 0
        assert db.session.scalar(select(func.count(Reply.id))) >= made["replies"]
        states = set(db.session.scalars(select(Enrollment.status)))
        assert {"active", "paused", "stopped"} <= states
    again = json.loads(runner.invoke(args=["outreach", "send-due"]).output)
    assert again["sent"] == 0
