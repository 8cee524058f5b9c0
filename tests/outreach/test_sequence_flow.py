"""Follow-ups go after N business days in the first pitch's thread; replies stop, auto-replies pause and resume."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from crm.campaigns import launching
from crm.extensions import db
from crm.mail import delivery
from crm.mail.backends import FileBackend
from crm.mail.incoming import InboundMail
from crm.outreach import advancing, inbound, sending
from crm.outreach.models import Enrollment, OutboundMessage
from tests.outreach.world import build

MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def messages(enrollment_id=None):
    query = select(OutboundMessage).order_by(OutboundMessage.step_position, OutboundMessage.id)
    if enrollment_id is not None:
        query = query.where(OutboundMessage.enrollment_id == enrollment_id)
    return db.session.scalars(query).all()


def reply(row, *, subject=None, text="Thanks, interested!", headers=None) -> InboundMail:
    return InboundMail(from_email=row.to_email, from_name="", recipients=(row.reply_to,),
                       subject=subject or f"Re: {row.subject}", text=text, html="", headers=headers or {},
                       message_id=f"<r{row.id}-{subject or 'x'}@mail.example>".replace(" ", ""))


@pytest.fixture
def launched(ctx, team):
    world = build(team.workspace_id, people=2)
    launching.launch(world.workspace_id, world.sequence_id, world.recipients(), None, MONDAY)
    assert sending.send_due(now=MONDAY, workers=1)["sent"] == 2
    return world


def test_follow_ups_wait_business_days_and_thread_under_the_pitch(app, launched):
    thursday, friday_week = MONDAY + timedelta(days=3), MONDAY + timedelta(days=10)
    assert sending.send_due(now=thursday - timedelta(minutes=1), workers=1)["queued_followups"] == 0
    counts = sending.send_due(now=thursday, workers=1)
    assert counts["queued_followups"] == 2 and counts["sent"] == 2
    first, second = messages()[0], messages()[2]
    assert second.enrollment_id == first.enrollment_id and second.step_position == 2
    assert second.subject == "Re: " + first.subject and second.in_reply_to == first.message_id_header
    saved = FileBackend(delivery.outbox_directory(app)).read(second.provider_message_id)
    assert saved["In-Reply-To"] == first.message_id_header and saved["References"] == first.message_id_header
    # the third step is 5 business days after the second: Thursday -> the next Thursday
    assert sending.send_due(now=friday_week - timedelta(days=1, minutes=1), workers=1)["queued_followups"] == 0
    assert sending.send_due(now=friday_week, workers=1)["sent"] == 2
    third = messages(first.enrollment_id)[2]
    saved = FileBackend(delivery.outbox_directory(app)).read(third.provider_message_id)
    assert saved["References"] == f"{first.message_id_header} {second.message_id_header}"
    enrollment = db.session.get(Enrollment, first.enrollment_id)
    assert enrollment.status == "finished" and sending.send_due(now=friday_week + timedelta(days=30))["claimed"] == 0


def test_a_reply_after_the_follow_up_was_queued_still_stops_it(launched):
    thursday = MONDAY + timedelta(days=3)
    advancing.advance_due(now=thursday)  # queued, not yet sent
    first = messages()[0]
    inbound.receive(first.workspace_id, reply(first), now=thursday)
    counts = sending.send_due(now=thursday, workers=1)
    assert counts["sent"] == 1  # only the other contact's follow-up
    follow_up = messages(first.enrollment_id)[1]
    assert follow_up.status == "cancelled" and "replied" in follow_up.last_error


def test_an_out_of_office_pauses_the_sequence_and_it_resumes_after_the_return_date(launched):
    first = messages()[0]
    away = reply(first, subject="Out of office", headers={"Auto-Submitted": "auto-replied"},
                 text="I'm away until 3 December 2026 with limited access to email.")
    assert inbound.receive(first.workspace_id, away, now=MONDAY + timedelta(hours=1))["kind"] == "out_of_office"
    enrollment = db.session.get(Enrollment, first.enrollment_id)
    assert enrollment.status == "paused"
    resume = datetime(2026, 12, 4, tzinfo=UTC)  # one business day after they are back
    assert enrollment.paused_until == resume
    counts = sending.send_due(now=MONDAY + timedelta(days=3), workers=1)
    assert counts["sent"] == 1 and len(messages(first.enrollment_id)) == 1
    counts = sending.send_due(now=resume + timedelta(minutes=1), workers=1)
    assert counts["resumed"] == 1
    assert db.session.get(Enrollment, first.enrollment_id).status == "active"
    assert messages(first.enrollment_id)[1].status == "sent"


def test_an_auto_reply_holds_a_queued_follow_up_until_the_return(launched):
    thursday = MONDAY + timedelta(days=3)
    advancing.advance_due(now=thursday)
    first = messages()[0]
    away = reply(first, subject="Automatic reply", headers={"Auto-Submitted": "auto-replied"}, text="On leave.")
    inbound.receive(first.workspace_id, away, now=thursday)
    assert sending.send_due(now=thursday + timedelta(days=1), workers=1)["sent"] == 1  # the other contact only
    held = messages(first.enrollment_id)[1]
    assert held.status == "queued" and held.next_attempt_at == thursday + timedelta(days=7)
    assert sending.send_due(now=thursday + timedelta(days=7, minutes=1), workers=1)["sent"] == 1
