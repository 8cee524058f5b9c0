"""An answer written in the inbox leaves through the sender's own SMTP account, threaded, as the bytes show."""

import email
import email.policy

from sqlalchemy import select

from crm.extensions import db
from crm.outreach import sending
from crm.outreach.models import OutboundMessage
from tests.conftest import csrf_token
from tests.mail.test_smtp_sending import _rows, _world
from tests.outreach.webhooks import inbound_url, parse_form


def test_the_answer_reaches_the_smtp_server_with_in_reply_to_and_references(app, team, client, as_role, smtpd):
    _world(app, team, smtpd)
    with app.app_context():
        assert sending.send_due(workers=1)["sent"] == 2
    pitch = _rows(app)[0]
    headers = {"Message-ID": "<their-1@mail.example>", "References": pitch.message_id_header}
    form = parse_form(pitch, text="Yes, tell me more.", headers=headers)
    assert client.post(inbound_url(app, pitch.workspace_id), data=form).json["result"] == "stored"
    member = as_role("member")
    token = csrf_token(member, f"/inbox/contacts/{pitch.contact_id}")
    response = member.post(f"/inbox/contacts/{pitch.contact_id}/answer",
                           data={"body": "Here is more.", "csrf_token": token})
    assert response.status_code == 302
    assert len(smtpd.messages) == 3
    got = smtpd.messages[-1]
    assert got.rcpt_tos == [pitch.to_email]
    parsed = email.message_from_bytes(got.data, policy=email.policy.default)
    assert parsed["In-Reply-To"] == "<their-1@mail.example>"
    assert parsed["References"].split() == [pitch.message_id_header, "<their-1@mail.example>"]
    with app.app_context():
        answer = db.session.scalars(select(OutboundMessage).where(OutboundMessage.step_position == 0)).one()
        assert parsed["Message-ID"] == answer.message_id_header and answer.status == "sent"
