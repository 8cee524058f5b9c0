"""Answering from a contact's thread: the answer threads, goes through the sender's path, and is no inbound reply."""

import email
import email.policy
import re
from pathlib import Path

from sqlalchemy import func, select

from crm.campaigns.numbers import campaign_numbers
from crm.campaigns.reporting.report import reply_rows
from crm.extensions import db
from crm.mail import delivery
from crm.outreach import suppression
from crm.outreach.models import OutboundMessage, Reply
from crm.timeline import Activity
from tests.conftest import csrf_token
from tests.outreach.test_inbound_webhook import sent  # noqa: F401 - the fixture: three pitches sent
from tests.outreach.webhooks import inbound_url, parse_form

THEIR_ID = "<ana-answer-1@mail.example>"


def _reply(app, client, row, text="Sounds great.\nSend the topics!"):
    headers = {"Message-ID": THEIR_ID, "References": f"<older@mail.example> {row.message_id_header}",
               "In-Reply-To": row.message_id_header}
    assert client.post(inbound_url(app, row.workspace_id),
                       data=parse_form(row, text=text, headers=headers)).json["result"] == "stored"


def _answer(client, contact_id, body):
    token = csrf_token(client, f"/inbox/contacts/{contact_id}")
    return client.post(f"/inbox/contacts/{contact_id}/answer", data={"body": body, "csrf_token": token})


def _eml(app, message_id):
    for path in Path(delivery.outbox_directory(app)).glob("*.eml"):
        parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if parsed["Message-ID"] == message_id:
            return parsed
    raise AssertionError(f"no .eml with Message-ID {message_id}")


def test_the_thread_lists_both_directions_in_order_and_links_to_the_opportunity(app, client, as_role, sent):  # noqa: F811
    _reply(app, client, sent[0])
    page = as_role("viewer").get(f"/inbox/contacts/{sent[0].contact_id}").get_data(as_text=True)
    ours, theirs = page.find(f"to {sent[0].to_email}"), page.find("Send the topics!")
    assert 0 < ours < theirs
    assert f'href="/campaigns/opportunities/{sent[0].opportunity_id}"' in page
    assert f'href="/campaigns/{sent[0].campaign_id}"' in page and 'id="thread-stage"' in page
    assert "Send answer" not in page  # a viewer reads but cannot answer
    composer = as_role("member").get(f"/inbox/contacts/{sent[0].contact_id}").get_data(as_text=True)
    assert "&gt; Sounds great.\n&gt; Send the topics!" in composer  # the last message, quoted


def test_an_answer_threads_and_appears_in_the_thread_without_counting_as_a_reply(app, client, as_role, sent):  # noqa: F811
    _reply(app, client, sent[0])
    with app.app_context():
        before_numbers = campaign_numbers(sent[0].campaign_id)
        before_rows = reply_rows(sent[0].workspace_id, sent[0].campaign_id)
    member = as_role("member")
    response = _answer(member, sent[0].contact_id, "Here they are:\n1. Raised beds\n2. Compost")
    assert response.status_code == 302
    with app.app_context():
        answer = db.session.scalars(select(OutboundMessage).where(OutboundMessage.step_position == 0)).one()
        assert answer.status == "sent" and answer.in_reply_to == THEIR_ID and answer.to_email == sent[0].to_email
        assert answer.sender_id == sent[0].sender_id
        assert db.session.scalar(select(func.count(Reply.id))) == 1
        assert campaign_numbers(sent[0].campaign_id) == before_numbers
        assert reply_rows(sent[0].workspace_id, sent[0].campaign_id) == before_rows
        mine = select(Activity).where(Activity.contact_id == sent[0].contact_id)
        kinds = [a.summary for a in db.session.scalars(mine)]
        assert any(s.startswith("Answer sent to") for s in kinds)
    eml = _eml(app, answer.message_id_header)
    assert eml["In-Reply-To"] == THEIR_ID
    assert eml["References"].split() == ["<older@mail.example>", sent[0].message_id_header, THEIR_ID]
    assert eml["Subject"] == f"Re: {sent[0].subject}"
    page = member.get(f"/inbox/contacts/{sent[0].contact_id}").get_data(as_text=True)
    assert page.find("Send the topics!") < page.find("1. Raised beds\n2. Compost")


def test_a_suppressed_contact_cannot_be_answered(app, client, as_role, sent):  # noqa: F811
    _reply(app, client, sent[1])
    with app.app_context():
        suppression.suppress(sent[1].workspace_id, "address", sent[1].to_email, "unsubscribe")
        db.session.commit()
    member = as_role("member")
    page = member.get(f"/inbox/contacts/{sent[1].contact_id}").get_data(as_text=True)
    assert "cannot be answered" in page and "Send answer" not in page
    response = _answer(member, sent[1].contact_id, "Hello again")
    assert response.status_code == 400 and "cannot be answered" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(OutboundMessage.step_position == 0)) == 0


def test_a_viewer_cannot_answer_and_an_empty_answer_is_refused(app, client, as_role, sent):  # noqa: F811
    _reply(app, client, sent[0])
    assert _answer(as_role("viewer"), sent[0].contact_id, "Hi").status_code == 403
    response = _answer(as_role("member"), sent[0].contact_id, "  ")
    assert response.status_code == 400 and "Write something before sending." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(OutboundMessage.step_position == 0)) == 0


def test_sending_the_same_composer_twice_sends_one_answer(app, client, as_role, sent):  # noqa: F811
    _reply(app, client, sent[0])
    member = as_role("member")
    page = member.get(f"/inbox/contacts/{sent[0].contact_id}").get_data(as_text=True)
    draft = re.search(r'name="draft"[^>]*value="([0-9a-f]{32})"', page).group(1)
    form = {"body": "Here they are.", "draft": draft,
            "csrf_token": re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)}
    for _ in range(2):  # a double click, or the browser resending the form
        assert member.post(f"/inbox/contacts/{sent[0].contact_id}/answer", data=form).status_code == 302
    assert _answer(member, sent[0].contact_id, "A second, separate answer.").status_code == 302
    with app.app_context():
        bodies = db.session.scalars(select(OutboundMessage.body_text).where(OutboundMessage.step_position == 0))
        assert sorted(bodies) == ["A second, separate answer.", "Here they are."]
    assert len([p for p in Path(delivery.outbox_directory(app)).glob("*.eml")
                if "Here they are." in p.read_text(errors="replace")]) == 1
    forged = member.post(f"/inbox/contacts/{sent[0].contact_id}/answer", data={**form, "draft": "../../x"})
    assert forged.status_code == 400 and "The form is out of date." in forged.get_data(as_text=True)
