"""One-click unsubscribe (RFC 8058): the link in every message works from a mail client without a session."""

import re

import pytest
from sqlalchemy import func, select

from crm import events as signals
from crm.campaigns import launching
from crm.extensions import db
from crm.outreach.models import Enrollment, OutboundMessage, Suppression
from crm.prospects.models import Contact
from tests.conftest import csrf_token
from tests.outreach.world import build


@pytest.fixture
def queued(app, team):
    with app.app_context():
        world = build(team.workspace_id, people=2)
        launching.launch(world.workspace_id, world.sequence_id, world.recipients(), None)
        row = db.session.scalars(select(OutboundMessage).order_by(OutboundMessage.id)).first()
        link = re.search(r"unsubscribe: (\S+)", row.body_text).group(1)
        return row.id, row.contact_id, link.removeprefix("http://localhost")


def state(app, message_id, contact_id):
    with app.app_context():
        return (db.session.get(Contact, contact_id).status, db.session.get(OutboundMessage, message_id).status,
                db.session.scalar(select(func.count(Suppression.id))),
                db.session.scalar(select(Enrollment.status).where(Enrollment.contact_id == contact_id)))


def test_the_link_shows_a_confirmation_page_and_changes_nothing(app, client, queued):
    message_id, contact_id, path = queued
    page = client.get(path)
    assert page.status_code == 200 and "Unsubscribe" in page.get_data(as_text=True)
    assert "Acme" in page.get_data(as_text=True)
    assert state(app, message_id, contact_id) == ("ok", "queued", 0, "active")


def test_a_mail_clients_one_click_post_unsubscribes_without_session_or_token(app, queued):
    message_id, contact_id, path = queued
    announced = []
    receiver = lambda sender, **kw: announced.append(kw)  # noqa: E731
    signals.unsubscribe.connect(receiver)
    try:
        mail_client = app.test_client(use_cookies=False)
        first = mail_client.post(path, data="List-Unsubscribe=One-Click",
                                 content_type="application/x-www-form-urlencoded")
        again = mail_client.post(path, data={"List-Unsubscribe": "One-Click"})
    finally:
        signals.unsubscribe.disconnect(receiver)
    assert first.status_code == again.status_code == 200
    assert state(app, message_id, contact_id) == ("unsubscribed", "cancelled", 1, "stopped")
    assert len(announced) == 1 and announced[0]["contact_id"] == contact_id


def test_the_confirmation_button_works_with_its_csrf_token(app, client, queued):
    message_id, contact_id, path = queued
    response = client.post(path, data={"csrf_token": csrf_token(client, path)})
    assert response.status_code == 200 and "You are unsubscribed" in response.get_data(as_text=True)
    assert state(app, message_id, contact_id)[0] == "unsubscribed"


def test_any_other_post_is_refused(app, client, queued):
    message_id, contact_id, path = queued
    assert client.post(path, data={}).status_code == 400
    assert client.post(path, data={"List-Unsubscribe": "yes"}).status_code == 400
    assert state(app, message_id, contact_id) == ("ok", "queued", 0, "active")


def test_a_damaged_or_forged_link_is_refused(app, client, queued):
    message_id, contact_id, path = queued
    damaged = path[:-2] + ("aa" if not path.endswith("aa") else "bb")
    assert client.get(damaged).status_code == 404
    assert client.post(damaged, data={"List-Unsubscribe": "One-Click"}).status_code == 404
    assert client.get("/u/not-a-token").status_code == 404
    assert state(app, message_id, contact_id) == ("ok", "queued", 0, "active")
