"""Inbound Parse: replies are matched, stored once, classified, sanitised, and stop or pause the sequence."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from crm import events as signals
from crm.campaigns import launching
from crm.campaigns.models import Campaign
from crm.extensions import db
from crm.outreach import sending
from crm.outreach.models import Enrollment, OutboundMessage, Reply, Suppression
from crm.prospects.models import Contact
from tests.campaigns.factories import OpportunityFactory, TargetPageFactory
from tests.outreach.webhooks import inbound_url, parse_form
from tests.outreach.world import build
from tests.prospects.factories import ContactFactory


@pytest.fixture
def sent(app, team):
    """Three first pitches sent (file backend); a colleague at the first site is enrolled too."""
    with app.app_context():
        world = build(team.workspace_id, people=3)
        first_site = db.session.get(Contact, world.contact_ids[0]).site
        colleague = ContactFactory(site=first_site, workspace_id=team.workspace_id, email=f"boss@{first_site.domain}")
        launching.launch(world.workspace_id, world.sequence_id, world.recipients(), None)
        other = build(team.workspace_id, people=0)  # a second campaign reaching the colleague at the same site
        campaign = db.session.get(Campaign, other.campaign_id)
        OpportunityFactory(campaign=campaign, workspace_id=team.workspace_id, contact=colleague, site=first_site,
                           target_page=TargetPageFactory(campaign=campaign, workspace_id=team.workspace_id))
        db.session.commit()
        launching.launch(other.workspace_id, other.sequence_id, other.recipients(), None)
        sending.send_due(workers=1)
        messages = db.session.scalars(select(OutboundMessage).order_by(OutboundMessage.id)).all()
        db.session.expunge_all()
        return messages


def enrollment_states(app):
    with app.app_context():
        return [(e.status, e.stop_reason) for e in db.session.scalars(select(Enrollment).order_by(Enrollment.id))]


def test_a_human_reply_stops_every_sequence_for_that_site(app, client, sent):
    announced = []
    receiver = lambda sender, **kw: announced.append(kw)  # noqa: E731
    signals.reply_received.connect(receiver)
    try:
        response = client.post(inbound_url(app, sent[0].workspace_id), data=parse_form(sent[0]))
    finally:
        signals.reply_received.disconnect(receiver)
    assert response.status_code == 200 and response.json["kind"] == "human"
    states = enrollment_states(app)
    assert states[0] == ("stopped", "replied") and states[3] == ("stopped", "replied")  # colleague, other campaign
    assert states[1][0] == states[2][0] == "active"
    with app.app_context():
        reply = db.session.scalars(select(Reply)).one()
        assert reply.matched_by == "token" and reply.message_id == sent[0].id and reply.site_id == sent[0].site_id
    assert announced == [{"reply_id": reply.id, "kind": "human", "campaign_id": sent[0].campaign_id,
                          "opportunity_id": sent[0].opportunity_id, "contact_id": sent[0].contact_id}]


def test_a_repeated_delivery_changes_nothing(app, client, sent):
    form = parse_form(sent[1])
    assert client.post(inbound_url(app, sent[0].workspace_id), data=form).json["result"] == "stored"
    again = client.post(inbound_url(app, sent[0].workspace_id), data=form)
    assert again.status_code == 200 and again.json["result"] == "duplicate"
    with app.app_context():
        assert db.session.scalar(select(func.count(Reply.id))) == 1


def test_replies_are_matched_by_thread_headers_then_sender(app, client, sent):
    by_thread = parse_form(sent[1], to="sam@agency.example", headers={"In-Reply-To": sent[1].message_id_header})
    by_references = parse_form(sent[2], to="sam@agency.example",
                               headers={"References": f"<x@y.example> {sent[2].message_id_header}"})
    by_sender = parse_form(sent[0], to="sam@agency.example")
    url = inbound_url(app, sent[0].workspace_id)
    results = [client.post(url, data=form).json for form in (by_thread, by_references, by_sender)]
    assert [r["result"] for r in results] == ["stored"] * 3
    with app.app_context():
        replies = db.session.scalars(select(Reply).order_by(Reply.id)).all()
        assert [(r.matched_by, r.message_id) for r in replies] == [
            ("in_reply_to", sent[1].id), ("references", sent[2].id), ("sender", sent[0].id)]


def test_a_forged_token_or_stranger_is_not_matched(app, client, sent):
    forged = parse_form(sent[0], to="reply+aaaaaaaaaaaaaaaaaaaaaaa@replies.agency.example",
                        sender="stranger@else.example")
    assert client.post(inbound_url(app, sent[0].workspace_id), data=forged).json["result"] == "unmatched"
    assert all(state == "active" for state, _ in enrollment_states(app))


def test_the_wrong_secret_is_not_found(app, client, sent):
    response = client.post("/webhooks/sendgrid/inbound/guess", data=parse_form(sent[0]))
    assert response.status_code == 404
    assert all(state == "active" for state, _ in enrollment_states(app))


def test_an_out_of_office_pauses_until_the_stated_return(app, client, sent):
    back = date.today() + timedelta(days=14)
    while back.weekday() != 1:  # a Tuesday, so the day after is a business day
        back += timedelta(days=1)
    form = parse_form(sent[1], subject="Automatic reply: Raised beds", text="I am out of the office until "
                      f"{back.day} {back:%B %Y} with no access to email. I will reply on my return.",
                      headers={"Auto-Submitted": "auto-replied"})
    assert client.post(inbound_url(app, sent[0].workspace_id), data=form).json["kind"] == "out_of_office"
    with app.app_context():
        enrollment = db.session.get(Enrollment, sent[1].enrollment_id)
        assert enrollment.status == "paused" and enrollment.paused_until.date() == back + timedelta(days=1)
        assert db.session.scalars(select(Reply)).one().return_on == back
    states = enrollment_states(app)
    assert states[0][0] == states[2][0] == "active"


def test_a_request_to_stop_unsubscribes_and_a_bounce_report_suppresses(app, client, sent):
    stop = parse_form(sent[0], text="Please remove me from your list.")
    bounce = parse_form(sent[1], sender="MAILER-DAEMON@mx.example", subject="Undeliverable: Raised beds",
                        to="sam@agency.example", headers={"In-Reply-To": sent[1].message_id_header})
    assert client.post(inbound_url(app, sent[0].workspace_id), data=stop).json["kind"] == "unsubscribe"
    assert client.post(inbound_url(app, sent[0].workspace_id), data=bounce).json["kind"] == "bounce"
    with app.app_context():
        entries = {(s.value, s.reason) for s in db.session.scalars(select(Suppression))}
        assert entries == {(sent[0].to_email, "unsubscribe"), (sent[1].to_email, "bounce")}
        assert db.session.get(OutboundMessage, sent[1].id).status == "bounced"
    states = enrollment_states(app)
    assert states[0] == ("stopped", "unsubscribe") and states[1] == ("stopped", "bounce")


def test_reply_html_is_sanitised_before_display(app, client, as_role, sent):
    html = ('<p>Yes <b>please</b><script>alert(1)</script><img src="https://track.example/p.gif">'
            '<a href="javascript:alert(2)" onclick="x()">click</a><a href="https://ok.example/">ok</a></p>')
    client.post(inbound_url(app, sent[0].workspace_id), data=parse_form(sent[0], html=html, text=""))
    with app.app_context():
        stored = db.session.scalars(select(Reply)).one()
        assert "Yes" in stored.text and "please" in stored.text  # classified from the HTML's text
        cleaned = stored.html_sanitized
    assert "<script" not in cleaned and "<img" not in cleaned and "javascript:" not in cleaned
    assert "onclick" not in cleaned and 'href="https://ok.example/"' in cleaned
    page = as_role("viewer").get(f"/inbox/sites/{sent[0].site_id}").get_data(as_text=True)
    assert "<b>please</b>" in page and "alert(1)" not in page


def test_a_mailto_unsubscribe_works_too(app, client, sent):
    from crm.outreach.tokens import unsubscribe_token

    token = unsubscribe_token(app.config["SECRET_KEY"], sent[2].workspace_id, sent[2].contact_id)
    form = parse_form(to=f"unsubscribe+{token}@replies.agency.example", sender=sent[2].to_email, text="")
    assert client.post(inbound_url(app, sent[0].workspace_id), data=form).json["result"] == "unsubscribed"
    assert enrollment_states(app)[2] == ("stopped", "unsubscribe")
