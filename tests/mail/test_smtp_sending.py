"""Sending through a sender's own SMTP account: a real aiosmtpd server with STARTTLS and AUTH receives the bytes."""

import email
import email.policy
import json
from urllib.parse import quote

from sqlalchemy import select

from crm.campaigns import launching
from crm.extensions import db
from crm.outreach import mailboxes, sending, tasks
from crm.outreach.models import OutboundMessage, SenderIdentity
from tests.outreach.world import build


def _world(app, team, server, password=None, **sender):
    app.config.update(SMTP_CA_FILE=str(server.cert), SMTP_TIMEOUT=3, PUBLIC_BASE_URL="https://crm.example.com",
                      REPLY_DOMAIN="replies.example.com")
    with app.app_context():
        world = build(team.workspace_id, people=2, **sender)
        row = db.session.get(SenderIdentity, world.sender_id)
        secret = quote(password or server.password, safe="")
        mailboxes.set_sender(team.workspace_id, row.from_email,
                             smtp_url=f"smtp://{quote(server.user)}:{secret}@127.0.0.1:{server.port}")
        launching.launch(world.workspace_id, world.sequence_id, world.recipients(), None)
        return world


def _rows(app):
    with app.app_context():
        rows = db.session.scalars(select(OutboundMessage).order_by(OutboundMessage.id)).all()
        db.session.expunge_all()
        return rows


def test_a_sender_with_its_own_account_sends_through_it_over_verified_starttls(app, team, smtpd):
    _world(app, team, smtpd, from_name="Ana Müller")
    with app.app_context():
        counts = sending.send_due(workers=1)
    assert counts["sent"] == 2 and counts["failed"] == 0
    rows = _rows(app)
    assert [r.status for r in rows] == ["sent", "sent"]
    assert len(smtpd.messages) == 2
    for row, got in zip(rows, smtpd.messages, strict=True):
        assert got.rcpt_tos == [row.to_email]
        parsed = email.message_from_bytes(got.data, policy=email.policy.default)
        assert parsed["Message-ID"] == row.message_id_header == row.provider_message_id
        assert str(parsed["From"].addresses[0].display_name) == "Ana Müller"
        assert b"=?utf-8?" in got.data.split(b"\r\n\r\n", 1)[0].lower()  # the non-ASCII name is encoded
        assert parsed["List-Unsubscribe"].startswith("<https://crm.example.com/u/")
        assert "mailto:unsubscribe+" in parsed["List-Unsubscribe"]
        assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert "+" in parsed["Reply-To"].addresses[0].username  # the signed reply token
        assert "https://crm.example.com/u/" in parsed.get_body(("plain",)).get_content()


def test_a_wrong_password_keeps_the_mail_queued_for_a_retry_with_the_reason(app, team, smtpd):
    _world(app, team, smtpd, password="not-it")
    with app.app_context():
        counts = sending.send_due(workers=1)
    assert counts["sent"] == 0 and not smtpd.messages
    rows = _rows(app)
    assert all(r.status == "queued" and "authentication failed" in (r.last_error or "") for r in rows)


def test_an_untrusted_certificate_is_refused(app, team, smtpd):
    _world(app, team, smtpd)
    app.config["SMTP_CA_FILE"] = ""  # the test certificate is not in the system store
    with app.app_context():
        sending.send_due(workers=1)
    assert not smtpd.messages
    assert all("certificate" in (r.last_error or "") for r in _rows(app))


def test_send_due_sends_nothing_while_unsubscribe_links_would_point_to_loopback(app, team, smtpd):
    _world(app, team, smtpd)
    app.config["PUBLIC_BASE_URL"] = "http://127.0.0.1:5000"
    result = app.test_cli_runner().invoke(args=["outreach", "send-due"])
    assert result.exit_code != 0
    assert "PUBLIC_BASE_URL http://127.0.0.1:5000 is not https" in result.output
    assert not smtpd.messages and all(r.status == "queued" for r in _rows(app))
    with app.app_context():  # the per-minute job says the same and keeps the mail queued
        assert "is not https" in tasks.send_due_periodic.call_local()["refused"]
    assert not smtpd.messages and all(r.status == "queued" for r in _rows(app))


def test_the_launch_checklist_names_the_unreachable_unsubscribe_link(app, team, smtpd):
    world = _world(app, team, smtpd)
    app.config["PUBLIC_BASE_URL"] = "https://10.0.0.5"
    with app.app_context():
        listed = launching.checklist(world.workspace_id, world.sequence_id, world.recipients())
    assert any("10.0.0.5 is a private address" in p for p in listed.sequence_problems)
    assert not listed.can_launch


def test_senders_set_and_list_print_no_passwords(app, team):
    runner = app.test_cli_runner()
    with app.app_context():
        from crm.accounts.models import Workspace
        name = db.session.get(Workspace, team.workspace_id).name
    result = runner.invoke(args=["senders", "set", "--workspace", name, "--email", "Ana@Agency.example",
                                 "--name", "Ana", "--smtp", "smtps://ana%40agency.example:s3cr%3At@smtp.gmail.com",
                                 "--imap", "imaps://ana%40agency.example:s3cr%3At@imap.gmail.com:993"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert (shown["email"], shown["backend"], shown["smtp_host"], shown["smtp_port"], shown["imap_host"]) == \
        ("ana@agency.example", "smtp", "smtp.gmail.com", 465, "imap.gmail.com")
    assert "s3cr" not in result.output
    with app.app_context():
        row = db.session.scalar(select(SenderIdentity).where(SenderIdentity.from_email == "ana@agency.example"))
        assert "s3cr" not in row.smtp_password_sealed and row.smtp_user == "ana@agency.example"
        assert mailboxes.account_of(row, "smtp").password == "s3cr:t"

    refused = runner.invoke(args=["senders", "set", "--workspace", name, "--email", "ana@agency.example",
                                  "--smtp", "smtp+insecure://u:p@mail.example.com:25"])
    assert refused.exit_code != 0 and "only a loopback host" in refused.output
    listed = runner.invoke(args=["senders", "list", "--workspace", name])
    rows = json.loads(listed.output)
    assert [(r["email"], r["smtp_host"]) for r in rows] == [("ana@agency.example", "smtp.gmail.com")]
    assert "s3cr" not in listed.output
    assert runner.invoke(args=["senders", "list", "--workspace", "nope"]).exit_code != 0
