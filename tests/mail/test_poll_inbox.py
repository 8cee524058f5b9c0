"""Polling a real Dovecot mailbox: our replies found among everything else, once each, and acted on."""

import json

from sqlalchemy import select

from crm.extensions import db
from crm.outreach.inbox_polling import poll_inbox
from crm.outreach.models import Enrollment, MailboxFolder, OutboundMessage, Reply, Suppression
from tests.mail import mailbox


def _poll(app, **kw):
    with app.app_context():
        return poll_inbox(**kw)


def _replies(app):
    with app.app_context():
        return db.session.scalars(select(Reply).order_by(Reply.id)).all()


def test_three_replies_among_a_busy_mailbox_are_found_classified_and_read_once(app, dovecot, pitched):
    first, second, third = pitched
    with dovecot.client() as conn:
        for n in range(300):
            dovecot.append_with(conn, mailbox.noise(n))
            if n == 100:
                dovecot.append_with(conn, mailbox.reply(first, html="<p>Sounds good</p><script>alert(1)</script>"))
            if n == 200:
                dovecot.append_with(conn, mailbox.reply(
                    second, "I am out of the office and will reply when I am back on 2027-01-12.",
                    subject="Automatic reply: " + second.subject, headers={"Auto-Submitted": "auto-replied"}))
        for raw in mailbox.HOSTILE.values():
            dovecot.append_with(conn, raw)
        dovecot.append_with(conn, mailbox.reply(third, "Please remove me from your list."), folder="Junk")

    counts = _poll(app)
    assert counts["fetched"] == 300 + 2 + len(mailbox.HOSTILE) + 1
    assert (counts["replies"], counts["auto_replies"], counts["unsubscribes"]) == (1, 1, 1)
    assert counts["ignored"] == 300 + len(mailbox.HOSTILE) and counts["errors"] == 0

    replies = _replies(app)
    assert [r.message_id for r in replies] == [first.id, second.id, third.id]
    assert [r.kind for r in replies] == ["human", "out_of_office", "unsubscribe"]
    assert "<script" not in replies[0].html_sanitized and "Sounds good" in replies[0].html_sanitized
    assert str(replies[1].return_on) == "2027-01-12"
    with app.app_context():
        states = dict(db.session.execute(select(Enrollment.contact_id, Enrollment.status)).all())
        assert states[first.contact_id] == "stopped" and states[second.contact_id] == "paused"
        assert db.session.scalar(select(Suppression.value).where(Suppression.reason == "unsubscribe")) \
            == third.to_email
        folders = {f.name: f for f in db.session.scalars(select(MailboxFolder))}
        assert set(folders) == {"INBOX", "Junk"} and folders["INBOX"].last_uid == 305
        assert all(f.uidvalidity and f.last_error == "" for f in folders.values())

    again = _poll(app)
    assert again["fetched"] == 0 and len(_replies(app)) == 3


def test_bounce_reports_suppress_hard_record_soft_and_ignore_strangers(app, dovecot, pitched):
    first, second, _ = pitched
    dovecot.append(mailbox.dsn(first.to_email, first.message_id_header))
    dovecot.append(mailbox.dsn(second.to_email, second.message_id_header, action="delayed", status="4.2.2"))
    dovecot.append(mailbox.dsn("never-written@elsewhere.example", first.message_id_header))
    dovecot.append(mailbox.dsn("never-written@elsewhere.example", "<unknown@elsewhere.example>"))

    counts = _poll(app)
    assert (counts["bounces"], counts["ignored"], counts["errors"]) == (2, 2, 0)
    with app.app_context():
        statuses = dict(db.session.execute(select(OutboundMessage.id, OutboundMessage.status)).all())
        assert statuses[first.id] == "bounced" and statuses[second.id] == "sent"
        suppressed = db.session.scalars(select(Suppression.value)).all()
        assert suppressed == [first.to_email]  # the soft bounce is recorded, the address still mailable
    assert [(r.message_id, r.kind) for r in _replies(app)] == [(first.id, "bounce"), (second.id, "bounce")]


def test_a_reply_forged_onto_another_workspaces_thread_is_not_shown_anywhere(app, team, dovecot, pitched):
    with app.app_context():
        theirs = mailbox.rival_pitch(team.rival_workspace_id)
    dovecot.append(mailbox.reply(theirs))  # threaded onto Rival's pitch, from Rival's contact, in Acme's mailbox

    counts = _poll(app)
    assert counts["ignored"] == 1 and counts["replies"] == 0
    assert _replies(app) == []


def test_a_connection_dropped_mid_fetch_loses_nothing_and_reads_nothing_twice(app, dovecot, pitched):
    from crm import events

    app.config["IMAP_FETCH_BATCH"] = 1
    for row in pitched:
        dovecot.append(mailbox.reply(row))
    stopped = []

    def kill_server(sender, **kw):
        if not stopped:
            stopped.append(kw["reply_id"])
            dovecot.crash()  # the server goes away while the first reply is being stored

    events.reply_received.connect(kill_server)
    try:
        broken = _poll(app)
    finally:
        events.reply_received.disconnect(kill_server)
    assert broken["errors"] == 1 and broken["replies"] == 1
    with app.app_context():
        inbox = db.session.scalar(select(MailboxFolder).where(MailboxFolder.name == "INBOX"))
        assert inbox.last_uid == 1 and inbox.last_error

    dovecot.start()
    resumed = _poll(app)
    assert (resumed["fetched"], resumed["replies"], resumed["errors"]) == (2, 2, 0)
    assert sorted(r.message_id for r in _replies(app)) == sorted(r.id for r in pitched)


def test_a_renumbered_folder_is_read_again_without_duplicates(app, dovecot, pitched):
    for row in pitched:
        dovecot.append(mailbox.reply(row))
    assert _poll(app)["replies"] == 3
    dovecot.stop()
    home = dovecot.folder / "mail" / dovecot.user
    for index in home.glob("dovecot*"):
        index.unlink()  # the server forgets its UIDs and hands out a new UIDVALIDITY
    dovecot.start()
    dovecot.append(mailbox.noise(1))

    counts = _poll(app)
    assert (counts["fetched"], counts["duplicates"], counts["ignored"]) == (4, 3, 1)
    assert len(_replies(app)) == 3


def test_first_sync_looks_back_only_the_window_and_huge_attachments_are_read_bounded(app, dovecot, pitched):
    import time

    first, second, _ = pitched
    dovecot.append(mailbox.reply(first), when=time.time() - 45 * 86400)  # before the 30-day look-back
    dovecot.append(mailbox.huge_attachment(second))

    counts = _poll(app)
    assert counts["fetched"] == 1 and counts["replies"] == 1
    assert [r.message_id for r in _replies(app)] == [second.id]


def test_the_command_prints_counts_and_names_a_certificate_it_cannot_trust(app, runner, dovecot, pitched):
    app.config["IMAP_CA_FILE"] = ""  # the test server's certificate is not in the system store
    result = runner.invoke(args=["outreach", "poll-inbox", "--workspace", "Acme"])
    counts = json.loads(result.output)
    assert result.exit_code == 0 and counts["errors"] == 1 and counts["fetched"] == 0
    assert {"fetched", "replies", "bounces", "auto_replies", "ignored", "errors"} <= set(counts)
    with app.app_context():
        assert "certificate verify failed" in db.session.scalar(select(MailboxFolder.last_error))
    assert "no workspace named" in runner.invoke(args=["outreach", "poll-inbox", "--workspace", "Nope"]).output


def test_a_plain_connection_is_refused_unless_loopback(app):
    from crm.mail.imap import ImapAccount, ImapError, connect

    try:
        connect(ImapAccount("imap.example.com", 143, "u", "p", "plain"))
    except ImapError as exc:
        assert "only loopback may be plain" in str(exc)
    else:
        raise AssertionError("plain connection to a remote host was allowed")
