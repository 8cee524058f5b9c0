"""The outreach pages as people use them: templates with preview, senders, suppression, sequence, launch, outbox."""

import re

import pytest
from sqlalchemy import func, select

from crm.campaigns import launching
from crm.extensions import db
from crm.outreach import identities, sending
from crm.outreach.models import OutboundMessage, SenderIdentity, Sequence, Suppression, Template
from tests.conftest import csrf_token
from tests.outreach.factories import SenderFactory, SuppressionFactory, TemplateFactory
from tests.outreach.webhooks import inbound_url
from tests.outreach.world import build
from tests.prospects.factories import ContactFactory
from tests.web.test_security import INLINE_HANDLER, INLINE_SCRIPT, STYLE_ATTRIBUTE

PAGES = ["/outbox", "/inbox", "/outreach/templates", "/outreach/templates/new", "/outreach/senders",
         "/outreach/suppressions", "/outreach/settings", "/outreach/senders/new"]


@pytest.fixture
def sent(app, team):
    with app.app_context():
        world = build(team.workspace_id, people=2)
        launching.launch(world.workspace_id, world.sequence_id, world.recipients(), None)
        sending.send_due(workers=1)
        return world


def test_every_page_renders_without_inline_script_or_style(app, as_role, sent):
    owner = as_role("owner")
    with app.app_context():
        message = db.session.scalars(select(OutboundMessage)).first()
    paths = [*PAGES, f"/outbox/{message.id}", f"/inbox/sites/{message.site_id}",
             f"/inbox/contacts/{message.contact_id}",
             f"/campaigns/{sent.campaign_id}/sequence", f"/campaigns/{sent.campaign_id}/launch",
             f"/outreach/templates/{sent.template_ids[0]}", f"/outreach/senders/{sent.sender_id}"]
    for path in paths:
        response = owner.get(path)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, path
        assert not INLINE_SCRIPT.search(html) and not INLINE_HANDLER.search(html), path
        assert not STYLE_ATTRIBUTE.search(html) and "placeholder" not in html.lower(), path


def test_viewers_read_but_do_not_change(app, as_role, sent):
    viewer = as_role("viewer")
    assert viewer.get("/outbox").status_code == 200 and viewer.get("/outreach/settings").status_code == 403
    token = csrf_token(viewer, "/outbox")
    assert viewer.post("/outreach/templates/new", data={"csrf_token": token, "name": "x", "body": "y"}).status_code \
        == 403
    assert viewer.post(f"/campaigns/{sent.campaign_id}/launch", data={"csrf_token": token}).status_code == 403
    assert viewer.post("/outreach/suppressions", data={"csrf_token": token, "value": "a@b.example"}).status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count(Suppression.id))) == 0


def test_outbox_lists_messages_and_shows_the_saved_eml(app, as_role, sent):
    member = as_role("member")
    html = member.get("/outbox").get_data(as_text=True)
    assert html.count("Raised beds on site") == 2 and "Sent <span" in html
    assert "No messages here" in member.get("/outbox?status=queued").get_data(as_text=True)
    with app.app_context():
        row = db.session.scalars(select(OutboundMessage)).first()
    page = member.get(f"/outbox/{row.id}").get_data(as_text=True)
    assert "Saved message (file backend)" in page and "To stop receiving these emails" in page
    eml = member.get(f"/outbox/{row.id}/eml")
    assert eml.mimetype == "message/rfc822" and b"List-Unsubscribe" in eml.data


def test_writing_a_template_refuses_what_cannot_render_and_warns_about_leftovers(app, as_role, team):
    member = as_role("member")
    token = csrf_token(member, "/outreach/templates/new")
    bad = member.post("/outreach/templates/new", data={"csrf_token": token, "name": "Loop",
                                                       "subject": "Hi", "body": "{% for x in y %}{{ x }}{% endfor %}"})
    assert "Not saved" in bad.get_data(as_text=True) and "loops" in bad.get_data(as_text=True)
    good = member.post("/outreach/templates/new", data={"csrf_token": token, "name": "Pitch", "subject":
                                                        "Hello [First Name]", "body": "Hi {{ first_name }}"},
                       follow_redirects=True)
    html = good.get_data(as_text=True)
    assert "Template Pitch saved." in html and "unresolved merge field: [First Name]" in html
    with app.app_context():
        assert db.session.scalars(select(Template.name)).all() == ["Pitch"]


def test_preview_shows_the_message_or_why_it_would_not_go(app, as_role, team):
    with app.app_context():
        contact = ContactFactory(workspace_id=team.workspace_id, site__workspace_id=team.workspace_id, first_name="")
        choice = f"0:{contact.id}"
    member = as_role("member")
    page = member.get("/outreach/templates/new").get_data(as_text=True)
    assert f'value="{choice}"' in page
    token = csrf_token(member, "/outreach/templates/new")
    shown = member.post("/outreach/templates/preview", data={
        "csrf_token": token, "recipient": choice, "subject": "About {{ site_domain }}",
        "body": "Hi {{ first_name | default('there') }}"}).get_data(as_text=True)
    assert f"About {contact.email.split('@')[1]}" in shown and "Hi there" in shown and "1 Test Street" in shown
    blocked = member.post("/outreach/templates/preview", data={
        "csrf_token": token, "recipient": choice, "subject": "Hi", "body": "Hi {{ first_name }}"})
    blocked = blocked.get_data(as_text=True)
    assert "would not be sent" in blocked and "{{ first_name }} is empty" in blocked


def test_preview_uses_the_contacts_custom_fields_and_their_defaults(app, as_role, team):
    with app.app_context():
        contact = ContactFactory(workspace_id=team.workspace_id, site__workspace_id=team.workspace_id,
                                 custom_fields={"budget": "150"})
        choice = f"0:{contact.id}"
    member = as_role("member")
    token = csrf_token(member, "/outreach/templates/new")
    shown = member.post("/outreach/templates/preview", data={
        "csrf_token": token, "recipient": choice, "subject": "Budget {{ contact.custom.budget }}",
        "body": "{{ custom.budget }} by {{ custom.deadline | default(\"Friday\") }}"}).get_data(as_text=True)
    assert "unknown merge field" not in shown
    assert "Budget 150" in shown and "150 by Friday" in shown
    blocked = member.post("/outreach/templates/preview", data={
        "csrf_token": token, "recipient": choice, "subject": "Hi", "body": "By {{ custom.deadline }}"})
    assert "{{ custom.deadline }} is empty" in blocked.get_data(as_text=True)


def test_an_admin_adds_a_sender_with_a_window_and_zone(app, as_role):
    admin = as_role("admin")
    token = csrf_token(admin, "/outreach/senders/new")
    data = {"csrf_token": token, "from_name": "Sam", "from_email": "Sam@Agency.example", "daily_cap": "40",
            "window_days": ["1", "2", "3"], "window_start": "08:30", "window_end": "16:00",
            "timezone": "Mars/Olympus", "active": "y"}
    assert "time zone name" in admin.post("/outreach/senders/new", data=data).get_data(as_text=True)
    data["timezone"] = "Europe/Berlin"
    assert admin.post("/outreach/senders/new", data=data).status_code == 302
    with app.app_context():
        sender = db.session.scalars(select(SenderIdentity)).one()
        assert (sender.from_email, sender.window_days, sender.window_start, sender.timezone, sender.daily_cap) == (
            "sam@agency.example", "123", "08:30", "Europe/Berlin", 40)
    assert "Mon to Wed, 08:30 to 16:00 (Europe/Berlin)" in admin.get("/outreach/senders").get_data(as_text=True)


def test_a_sender_change_the_service_refuses_leaves_the_stored_sender_as_it_was(app):
    with app.app_context():
        sender = SenderFactory(daily_cap=40, window_days="12345")
        sender.window_days, sender.from_name = "", "Changed"  # no day left: the service refuses the change
        with pytest.raises(identities.IdentityError, match="no days"):
            identities.save_identity(sender)
        db.session.expire_all()
        assert (sender.window_days, sender.from_name) == ("12345", "Sam Rivera")


def test_the_suppression_list_takes_addresses_and_domains(app, as_role, team):
    member, admin = as_role("member"), as_role("admin")
    token = csrf_token(member, "/outreach/suppressions")
    assert member.post("/outreach/suppressions", data={"csrf_token": token, "value": "Jane@Site.example"}).status_code \
        == 302
    member.post("/outreach/suppressions", data={"csrf_token": token, "value": "@spam.example"})
    wrong = member.post("/outreach/suppressions", data={"csrf_token": token, "value": "not a thing"})
    assert wrong.status_code == 400 and "neither an email address nor a domain" in wrong.get_data(as_text=True)
    with app.app_context():
        SuppressionFactory(workspace_id=None, value="everyone@global.example")
        rows = {(s.kind, s.value) for s in db.session.scalars(select(Suppression))}
        assert {("address", "jane@site.example"), ("domain", "spam.example")} <= rows
        mine = db.session.scalar(select(Suppression).where(Suppression.value == "jane@site.example"))
        global_id = db.session.scalar(select(Suppression.id).where(Suppression.workspace_id.is_(None)))
    html = admin.get("/outreach/suppressions").get_data(as_text=True)
    assert "everyone@global.example" in html and "everywhere" in html
    token = csrf_token(admin, "/outreach/suppressions")
    assert admin.post(f"/outreach/suppressions/{global_id}/delete", data={"csrf_token": token}).status_code == 404
    admin.post(f"/outreach/suppressions/{mine.id}/delete", data={"csrf_token": token})
    with app.app_context():
        assert db.session.scalar(select(func.count(Suppression.id))) == 2


def test_the_sequence_editor_and_launch_page(app, as_role, team):
    with app.app_context():
        world = build(team.workspace_id, people=2)
        pitch = TemplateFactory(workspace_id=team.workspace_id, subject="Hi {{ site_domain }}",
                                body="Hello {{ first_name }} at {{ site_domain }}")
        nudge = TemplateFactory(workspace_id=team.workspace_id, subject="", body="Just checking in.")
        pitch, nudge = pitch.id, nudge.id
    member = as_role("member")
    url = f"/campaigns/{world.campaign_id}/sequence"
    token = csrf_token(member, url)
    data = {"csrf_token": token, "sender_id": str(world.sender_id), "steps-0-template_id": str(pitch),
            "steps-0-delay": "0", "steps-1-template_id": str(nudge), "steps-1-delay": "4"}
    assert member.post(url, data=data).status_code == 302
    with app.app_context():
        sequence = db.session.get(Sequence, world.sequence_id)
        assert [(s.template_id, s.delay_business_days) for s in sequence.steps] == [(pitch, 0), (nudge, 4)]
    launch = f"/campaigns/{world.campaign_id}/launch"
    page = member.get(launch).get_data(as_text=True)
    assert re.search(r"<strong>2</strong> ready", page) and "Launch to 2 recipient(s)" in page
    done = member.post(launch, data={"csrf_token": csrf_token(member, launch)}, follow_redirects=True)
    assert "Launched: 2 first pitch(es) queued." in done.get_data(as_text=True)
    assert member.get("/outbox?status=queued").get_data(as_text=True).count("Hi site") == 2
    assert as_role("member").get(f"/campaigns/{world.campaign_id + 999}/launch").status_code == 404


def test_settings_show_the_webhook_addresses_and_the_inbound_one_to_owners_only(app, as_role, team):
    owner = as_role("owner").get("/outreach/settings").get_data(as_text=True)
    assert "/webhooks/sendgrid/events" in owner
    assert f"http://localhost{inbound_url(app, team.workspace_id)}" in owner
    admin = as_role("admin").get("/outreach/settings").get_data(as_text=True)
    assert "/webhooks/sendgrid/events" in admin and "/webhooks/sendgrid/inbound/" not in admin
    assert "Only the workspace's owners can see" in admin
