"""Hostile and broken mailboxes on a real Dovecot: a few of ours among thousands, broken mail, cut connections.

Each test checks the same three promises: nothing read twice, nothing lost, nothing shown that is not ours.
"""

from email.utils import format_datetime
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from crm.db import utcnow
from crm.extensions import db
from crm.outreach import mailboxes
from crm.outreach.inbox_polling import poll_inbox
from crm.outreach.models import MailboxFolder, OutboundMessage, Reply, SenderIdentity
from tests.mail import mailbox
from tests.mail.proxy import CuttingProxy


def _poll(app, **kw):
    with app.app_context():
        return poll_inbox(**kw)


def _replies(app):
    with app.app_context():
        return db.session.scalars(select(Reply).order_by(Reply.id)).all()


@pytest.fixture
def proxy(app, dovecot, pitched):
    """The sender's mailbox reached through a relay that counts the server's bytes and can cut the stream."""
    relay = CuttingProxy(dovecot.tls_port)
    with app.app_context():
        sender = db.session.scalar(select(SenderIdentity).where(SenderIdentity.from_email == pitched[0].from_email))
        mailboxes.set_sender(sender.workspace_id, sender.from_email, imap_url=(
            f"imaps://{quote(dovecot.user)}:{quote(dovecot.password)}@127.0.0.1:{relay.port}"))
    yield relay
    relay.close()


def _eight_bit_reply(row: OutboundMessage) -> bytes:
    """A reply from a client that writes Latin-1 straight into its headers and sends no Message-ID."""
    return (f"From: Jörg Müller <{row.to_email}>\r\nTo: {row.from_email}\r\nSubject: Re: Grüße zum Gastbeitrag\r\n"
            f"In-Reply-To: {row.message_id_header}\r\nDate: {format_datetime(utcnow())}\r\n"
            "Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            "Ja, gerne. Schöne Grüße\r\n").encode("latin-1")


def test_three_of_ours_among_five_thousand_are_found_without_reading_the_rest(app, dovecot, pitched, proxy):
    first, second, third = pitched
    noise = [mailbox.noise(n) for n in range(4995)]
    huge_strangers = [mailbox.huge_attachment(first, megabytes=6).replace(
        first.to_email.encode(), b"stranger@elsewhere.example").replace(
        first.message_id_header.encode(), b"<nothing@elsewhere.example>") for _ in range(2)]
    ours = [mailbox.reply(first, html="<p>Sounds <b>good</b></p><script>alert('owned')</script>"),
            _eight_bit_reply(second), mailbox.huge_attachment(third, megabytes=8)]
    dovecot.append_many([*noise[:1000], ours[0], *huge_strangers, *noise[1000:3000], ours[1], *noise[3000:],
                         ours[2]])
    total = 4995 + 2 + 3

    counts = _poll(app)
    assert (counts["fetched"], counts["replies"], counts["errors"], counts["problems"]) == (total, 3, 0, [])
    assert counts["ignored"] == total - 3
    # 28 MB in the mailbox; headers of all 5,000 and at most 256 KiB of each of our three are read
    assert proxy.downstream < 5_000_000, proxy.downstream
    replies = _replies(app)
    assert [r.message_id for r in replies] == [first.id, second.id, third.id]
    assert "<script" not in replies[0].html_sanitized and "alert" not in replies[0].html_sanitized
    assert replies[1].from_email == second.to_email and "Schöne Grüße" in replies[1].text
    assert replies[1].dedupe_key.startswith("sha256:")  # no Message-ID: known again by its digest
    assert "media kit" in replies[2].text

    before = proxy.downstream
    again = _poll(app)
    assert (again["fetched"], again["replies"]) == (0, 0) and len(_replies(app)) == 3
    assert proxy.downstream - before < 20_000  # an incremental poll with nothing new reads almost nothing


def test_broken_mail_of_ours_is_stored_readably_and_shown_without_scripts(app, dovecot, pitched, as_role):
    first, second, third = pitched
    broken = (f"From: {first.to_email}\r\nTo: {first.from_email}\r\nSubject: Re: {first.subject}\r\n"
              f"In-Reply-To: {first.message_id_header}\r\nMessage-ID: <broken-ours@site.example>\r\n"
              "Content-Type: multipart/mixed; boundary=\"never-closed\"\r\n\r\n--never-closed\r\n"
              "Content-Type: text/plain; charset=x-unknown-charset\r\nContent-Transfer-Encoding: base64\r\n\r\n"
              "!!!not base64!!!\r\n").encode()
    scripted = mailbox.reply(second, "Plain part here.", html=(
        "<p onclick=\"steal()\">Happy to <a href=\"javascript:steal()\">talk</a></p>"
        "<script>document.title='owned'</script><img src=\"https://tracker.example/p.gif\">"))
    for raw in (broken, scripted, _eight_bit_reply(third), *mailbox.HOSTILE.values()):
        dovecot.append(raw)

    counts = _poll(app)
    assert (counts["replies"], counts["ignored"], counts["errors"]) == (3, len(mailbox.HOSTILE), 0)
    member = as_role("member")
    for row in pitched:
        page = member.get(f"/inbox/contacts/{row.contact_id}").get_data(as_text=True)
        assert "<script>document" not in page and "steal()" not in page and "tracker.example" not in page
    page = member.get(f"/inbox/contacts/{third.contact_id}").get_data(as_text=True)
    assert "Schöne Grüße" in page
    shown = member.get("/inbox").get_data(as_text=True)
    for stranger in ("someone@elsewhere.example", "broken@elsewhere.example", "joerg@elsewhere.example"):
        assert stranger not in shown


def test_a_reply_forged_with_another_workspaces_token_and_thread_lands_nowhere(app, team, dovecot, pitched):
    from crm.outreach.tokens import reply_address

    with app.app_context():
        theirs = mailbox.rival_pitch(team.rival_workspace_id)
        token_to = reply_address(app.config["SECRET_KEY"], theirs.id, "replies.agency.example")
    forged = mailbox.reply(theirs, headers={"Cc": token_to})
    dovecot.append(forged)
    dovecot.append(forged, folder="Junk")

    counts = _poll(app)
    assert (counts["fetched"], counts["ignored"], counts["replies"]) == (2, 2, 0)
    assert _replies(app) == []  # not in Acme's inbox, and not carried over into Rival's either


def test_the_stream_cut_mid_fetch_resumes_with_nothing_lost_or_read_twice(app, dovecot, pitched, proxy):
    app.config["IMAP_FETCH_BATCH"] = 200
    first, second, third = pitched
    dovecot.append_many([mailbox.noise(n) for n in range(300)] + [mailbox.reply(first)]
                        + [mailbox.noise(n) for n in range(300, 700)] + [mailbox.reply(second)]
                        + [mailbox.noise(n) for n in range(700, 1000)] + [mailbox.reply(third)])
    proxy.cut_after = 200_000  # past the first batches' headers, in the middle of a later FETCH answer

    broken = _poll(app)
    assert proxy.cuts == 1 and broken["errors"] == 1
    problem = broken["problems"][0]
    assert problem["folder"] == "INBOX" and "connection to the IMAP server was lost" in problem["error"]
    with app.app_context():
        inbox = db.session.scalar(select(MailboxFolder).where(MailboxFolder.name == "INBOX"))
        assert 0 < inbox.last_uid < 1003 and "connection" in inbox.last_error
        assert inbox.last_uid == broken["fetched"]  # the cursor stands exactly after what was handled

    resumed = _poll(app)
    assert resumed["errors"] == 0 and broken["fetched"] + resumed["fetched"] == 1003
    assert broken["replies"] + resumed["replies"] == 3 and resumed["duplicates"] == 0
    assert sorted(r.message_id for r in _replies(app)) == sorted(r.id for r in pitched)
    with app.app_context():
        assert db.session.scalar(select(MailboxFolder.last_error).where(MailboxFolder.name == "INBOX")) == ""


def _killed_worker(app, team, dovecot, mode: str) -> list:
    """Twelve pitches, each with a reply after one unrelated message (24 UIDs), polled 10 UIDs a batch by a
    worker that is killed at the 7th reply (`mode` as tests.mail.poll_worker takes it); returns the pitches."""
    import json
    import signal
    import subprocess
    import sys
    from pathlib import Path

    from crm.campaigns import launching
    from crm.outreach import sending
    from tests.conftest import app_settings
    from tests.mail.conftest import connect_mailbox
    from tests.outreach.world import build

    with app.app_context():
        world = build(team.workspace_id, people=12)
        launching.launch(world.workspace_id, world.sequence_id, world.recipients(), None)
        sending.send_due(workers=1)
        rows = db.session.scalars(select(OutboundMessage).order_by(OutboundMessage.id)).all()
        db.session.expunge_all()
    connect_mailbox(app, rows[0].from_email, dovecot)
    batch = []
    for n, row in enumerate(rows):
        batch += [mailbox.noise(n), mailbox.reply(row)]
    dovecot.append_many(batch)
    settings = app_settings(app.instance_path, app.config["SQLALCHEMY_DATABASE_URI"],
                            IMAP_CA_FILE=app.config["IMAP_CA_FILE"], IMAP_FETCH_BATCH=10)
    worker = subprocess.run([sys.executable, "-m", "tests.mail.poll_worker", json.dumps(settings), "7", mode],
                            cwd=Path(__file__).resolve().parents[2], capture_output=True, timeout=120)
    assert worker.returncode == -signal.SIGKILL, worker.stderr.decode()[-2000:]
    return rows


def _saved(app) -> tuple[int, int]:
    with app.app_context():
        inbox = db.session.scalar(select(MailboxFolder).where(MailboxFolder.name == "INBOX"))
        return db.session.scalar(select(func.count(Reply.id))), inbox.last_uid


def test_a_worker_killed_in_the_middle_of_a_batch_resumes_without_doubles_or_gaps(app, team,
                                                                                   dovecot):
    rows = _killed_worker(app, team, dovecot, "flushed")
    # the 7th reply was written but its batch (UIDs 11-20) never committed: the first batch alone is saved
    assert _saved(app) == (5, 10)
    resumed = _poll(app)
    assert (resumed["fetched"], resumed["replies"], resumed["duplicates"], resumed["errors"]) == (14, 7, 0, 0)
    assert sorted(r.message_id for r in _replies(app)) == sorted(r.id for r in rows)


def test_a_worker_killed_after_a_batch_committed_resumes_past_it(app, team, dovecot):
    rows = _killed_worker(app, team, dovecot, "announced")
    assert _saved(app) == (10, 20)  # the second batch's replies were saved with the UID past them
    resumed = _poll(app)
    assert (resumed["fetched"], resumed["replies"], resumed["duplicates"], resumed["errors"]) == (4, 2, 0, 0)
    assert sorted(r.message_id for r in _replies(app)) == sorted(r.id for r in rows)


def test_an_unmarked_spam_folder_is_polled_by_its_name(app, team):
    from crm.campaigns import launching
    from crm.outreach import sending
    from tests.mail.conftest import connect_mailbox
    from tests.mail.dovecot import remove, start_dovecot
    from tests.outreach.world import build

    server = start_dovecot(marked_junk=False)
    try:
        with app.app_context():
            world = build(team.workspace_id, people=1)
            launching.launch(world.workspace_id, world.sequence_id, world.recipients(), None)
            sending.send_due(workers=1)
            row = db.session.scalar(select(OutboundMessage))
            db.session.expunge(row)
        connect_mailbox(app, row.from_email, server)
        server.append(mailbox.reply(row), folder="Spam")
        server.append(mailbox.reply(row, "archived copy"), folder="Archive")
        counts = _poll(app)
        assert (counts["fetched"], counts["replies"]) == (1, 1)
        with app.app_context():
            assert sorted(db.session.scalars(select(MailboxFolder.name))) == ["INBOX", "Spam"]
    finally:
        remove(server)


def test_the_sender_page_shows_each_folders_status_and_errors(app, team, dovecot, pitched, as_role):
    app.config["IMAP_CA_FILE"] = ""  # the test server's certificate is not trusted: the poll fails
    failed = _poll(app)
    assert failed["errors"] == 1 and "certificate verify failed" in failed["problems"][0]["error"]
    with app.app_context():
        sender_id = db.session.scalar(select(SenderIdentity.id).where(
            SenderIdentity.from_email == pitched[0].from_email))
    admin = as_role("admin")
    page = admin.get(f"/outreach/senders/{sender_id}").get_data(as_text=True)
    assert "Reply polling" in page and "certificate verify failed" in page

    app.config["IMAP_CA_FILE"] = str(dovecot.cert)
    dovecot.append(mailbox.reply(pitched[0]))
    assert _poll(app)["replies"] == 1
    page = admin.get(f"/outreach/senders/{sender_id}").get_data(as_text=True)
    assert "certificate verify failed" not in page and "up to message 1" in page
