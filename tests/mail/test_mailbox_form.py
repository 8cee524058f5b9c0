"""The Mailbox form on the sender page: accounts saved sealed, passwords never shown, bad input refused whole."""

from urllib.parse import quote

import pytest
from sqlalchemy import select

from crm.extensions import db
from crm.outreach import mailboxes
from crm.outreach.models import SenderIdentity
from tests.conftest import csrf_token

SMTP_PASSWORD = "s3cret-smtp-Pa55"
IMAP_PASSWORD = "imap-Pa55-w0rd!"


def _form(smtp_password=SMTP_PASSWORD, imap_password=IMAP_PASSWORD, **changes):
    data = {"smtp_host": "smtp.agency.example", "smtp_port": "587", "smtp_security": "starttls",
            "smtp_user": "ana@agency.example", "smtp_password": smtp_password,
            "imap_host": "imap.agency.example", "imap_port": "", "imap_security": "tls",
            "imap_user": "ana@agency.example", "imap_password": imap_password, "action": "save"}
    data.update(changes)
    return data


@pytest.fixture
def sender_id(app, team):
    with app.app_context():
        return mailboxes.set_sender(team.workspace_id, "ana@agency.example", "Ana").id


def _post(client, sender_id, data):
    data = dict(data, csrf_token=csrf_token(client, f"/outreach/senders/{sender_id}"))
    return client.post(f"/outreach/senders/{sender_id}/mailbox", data=data)


def _stored(app, sender_id):
    with app.app_context():
        sender = db.session.get(SenderIdentity, sender_id)
        db.session.expunge(sender)
        smtp, imap = mailboxes.account_of(sender, "smtp"), mailboxes.account_of(sender, "imap")
        return sender, smtp, imap


def test_saving_both_accounts_stores_them_sealed_and_never_shows_the_passwords(app, as_role, team, sender_id):
    admin = as_role("admin")
    response = _post(admin, sender_id, _form())
    assert response.status_code == 302
    sender, smtp, imap = _stored(app, sender_id)
    assert (smtp.host, smtp.port, smtp.security, smtp.user, smtp.password) == (
        "smtp.agency.example", 587, "starttls", "ana@agency.example", SMTP_PASSWORD)
    assert (imap.host, imap.port, imap.security, imap.password) == ("imap.agency.example", 993, "tls", IMAP_PASSWORD)
    assert SMTP_PASSWORD not in sender.smtp_password_sealed and IMAP_PASSWORD not in sender.imap_password_sealed
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Mailbox of ana@agency.example saved." in page and 'value="smtp.agency.example"' in page
    assert SMTP_PASSWORD not in page and IMAP_PASSWORD not in page and quote(SMTP_PASSWORD) not in page
    assert page.count("saved — leave blank to keep") == 2
    token = csrf_token(admin, f"/outreach/senders/{sender_id}")
    refused = admin.post(f"/outreach/senders/{sender_id}", data={"csrf_token": token, "from_name": ""})
    html = refused.get_data(as_text=True)  # a refused change of the sender's details keeps the Mailbox filled in
    assert 'value="imap.agency.example"' in html and SMTP_PASSWORD not in html and IMAP_PASSWORD not in html


def test_a_blank_password_keeps_the_stored_one_and_a_new_one_replaces_it(app, as_role, sender_id):
    admin = as_role("admin")
    assert _post(admin, sender_id, _form()).status_code == 302
    assert _post(admin, sender_id, _form("", "", smtp_port="2525")).status_code == 302
    _, smtp, imap = _stored(app, sender_id)
    assert (smtp.port, smtp.password, imap.password) == (2525, SMTP_PASSWORD, IMAP_PASSWORD)
    assert _post(admin, sender_id, _form("brand-new-pass", "")).status_code == 302
    _, smtp, imap = _stored(app, sender_id)
    assert (smtp.password, imap.password) == ("brand-new-pass", IMAP_PASSWORD)


def test_a_plain_connection_to_a_remote_host_is_refused_and_nothing_is_saved(app, as_role, sender_id):
    admin = as_role("admin")
    response = _post(admin, sender_id, _form(smtp_security="plain"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "plain (unencrypted) SMTP connection to smtp.agency.example is refused" in html
    assert 'id="smtp_security-errors"' in html and SMTP_PASSWORD not in html and IMAP_PASSWORD not in html
    _, smtp, imap = _stored(app, sender_id)
    assert smtp is None and imap is None  # the valid IMAP half was not saved either
    assert _post(admin, sender_id, _form(smtp_host="127.0.0.1", smtp_security="plain")).status_code == 302
    assert _stored(app, sender_id)[1].security == "plain"


def test_errors_name_their_field(app, as_role, sender_id):
    admin = as_role("admin")
    html = _post(admin, sender_id, _form(imap_host="bad host!", smtp_user="")).get_data(as_text=True)
    assert 'id="imap_host-errors"' in html and "is not a valid host name" in html
    assert 'id="smtp_user-errors"' in html
    assert _stored(app, sender_id)[1] is None


def test_remove_buttons_take_one_account_off(app, as_role, sender_id):
    admin = as_role("admin")
    _post(admin, sender_id, _form())
    assert _post(admin, sender_id, {"action": "remove_smtp"}).status_code == 302
    sender, smtp, imap = _stored(app, sender_id)
    assert smtp is None and sender.smtp_password_sealed == "" and imap.password == IMAP_PASSWORD
    page = admin.get(f"/outreach/senders/{sender_id}").get_data(as_text=True)
    assert "Remove IMAP account" in page and "Remove SMTP account" not in page


@pytest.mark.parametrize("role", ["viewer", "member"])
def test_only_admins_may_set_a_mailbox(app, as_role, sender_id, role):
    client = as_role(role)
    token = csrf_token(client, "/outreach/senders")
    assert client.post(f"/outreach/senders/{sender_id}/mailbox",
                       data=_form(csrf_token=token)).status_code == 403
    assert _stored(app, sender_id)[1] is None


def test_another_workspaces_sender_is_not_found(app, as_role, team):
    with app.app_context():
        theirs = mailboxes.set_sender(team.rival_workspace_id, "bo@rival.example", "Bo").id
    admin = as_role("admin")
    token = csrf_token(admin, "/outreach/senders")
    assert admin.post(f"/outreach/senders/{theirs}/mailbox", data=_form(csrf_token=token)).status_code == 404
    with app.app_context():
        assert db.session.scalar(select(SenderIdentity.smtp_host).where(SenderIdentity.id == theirs)) == ""
