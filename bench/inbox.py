"""Inbox polling throughput: a real Dovecot mailbox of 10,000 messages, 1,000 of them replies to our pitches.

Usage: .venv/bin/python bench/inbox.py [--messages N] [--replies R] [--runs K]

Starts a throwaway Dovecot on loopback (Debian dovecot-imapd, as the tests do), fills INBOX by IMAP
MULTIAPPEND, and gives a sender identity that mailbox over verified TLS. Each run takes a fresh copy of a
database holding the 1,000 pitches and times `poll-inbox`'s code twice: the first sync (every message in the
look-back window judged, the replies stored and acted on), then an incremental poll after 10 new messages
(2 replies, 8 others) arrived. The reference, measured in the same run over the same TLS connection kind, is
a plain imaplib loop fetching the same header fields of the same messages (500 per UID FETCH) and doing
nothing else. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import imaplib
import json
import logging
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from crm import create_app  # noqa: E402
from crm.db import utcnow  # noqa: E402
from crm.extensions import db  # noqa: E402
from crm.mail import imap  # noqa: E402
from crm.outreach import mailboxes  # noqa: E402
from crm.outreach.inbox_polling import poll_inbox  # noqa: E402
from crm.outreach.models import OutboundMessage, Reply, SenderIdentity  # noqa: E402
from crm.prospects.models import Contact, Site  # noqa: E402
from tests.mail.dovecot import remove, start_dovecot  # noqa: E402

SENDER = "sam@agency.example"


def settings(folder: Path, database: Path, ca_file: str) -> dict:
    """The app's settings for one database file."""
    return {"ENV_NAME": "testing", "TESTING": True, "INSTANCE_PATH": str(folder / "instance"),
            "SECRET_KEY": "bench-secret-key-that-is-long-enough-0123456789",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "HUEY_IMMEDIATE": True, "HUEY_URL": "",
            "MAIL_BACKEND": "file", "IMAP_CA_FILE": ca_file}


def seed(app, pitches: int, server) -> None:
    """A workspace, a sender whose mailbox is the server, and `pitches` sent first pitches to distinct sites."""
    from crm.accounts.models import Workspace

    with app.app_context():
        upgrade(revision="heads")
        workspace = Workspace(name="Bench", postal_address="1 Bench Street")
        db.session.add(workspace)
        db.session.flush()
        sender = SenderIdentity(workspace_id=workspace.id, from_name="Sam", from_email=SENDER, daily_cap=0,
                                window_days="1234567", window_start="00:00", window_end="24:00")
        db.session.add(sender)
        db.session.flush()
        now = utcnow() - timedelta(days=2)
        db.session.execute(insert(Site), [{"workspace_id": workspace.id, "domain": f"site{i}.example"}
                                          for i in range(pitches)])
        sites = dict(db.session.execute(select(Site.domain, Site.id)).all())
        db.session.execute(insert(Contact), [{"workspace_id": workspace.id, "site_id": sites[f"site{i}.example"],
                                              "email": f"editor@site{i}.example", "first_name": "Ed"}
                                             for i in range(pitches)])
        contacts = dict(db.session.execute(select(Contact.site_id, Contact.id)).all())
        db.session.execute(insert(OutboundMessage), [{
            "workspace_id": workspace.id, "idempotency_key": f"bench/{i}", "sender_id": sender.id,
            "site_id": sites[f"site{i}.example"], "contact_id": contacts[sites[f"site{i}.example"]],
            "to_email": f"editor@site{i}.example", "from_email": SENDER, "from_name": "Sam",
            "subject": f"An idea for site{i}.example", "body_text": "Hi Ed,\n\nA short pitch.\n",
            "message_id_header": f"<bench{i}@agency.example>", "status": "sent", "sent_at": now, "due_at": now,
            "next_attempt_at": now, "created_at": now, "updated_at": now} for i in range(pitches)])
        db.session.commit()
        mailboxes.set_sender(workspace.id, SENDER, imap_url=(
            f"imaps://{quote(server.user)}:{quote(server.password)}@127.0.0.1:{server.tls_port}"))
        db.engine.dispose()


def reply(i: int, tag: str = "") -> bytes:
    """A contact's answer to pitch i, threaded by In-Reply-To and References."""
    return (f"From: Ed <editor@site{i}.example>\r\nTo: {SENDER}\r\nSubject: Re: An idea for site{i}.example\r\n"
            f"Message-ID: <answer{i}{tag}@site{i}.example>\r\nIn-Reply-To: <bench{i}@agency.example>\r\n"
            f"References: <bench{i}@agency.example>\r\nDate: {format_datetime(utcnow())}\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\nSounds good, send me the draft.\r\n\r\n"
            "On Monday, Sam wrote:\r\n> Hi Ed,\r\n").encode()


def other(n: int) -> bytes:
    """Everyday mail that has nothing to do with our outreach (newsletters, receipts, colleagues)."""
    return (f"From: news{n % 97}@shop{n % 13}.example\r\nTo: {SENDER}\r\nSubject: Weekly deals #{n}\r\n"
            f"Message-ID: <deal-{n}@shop.example>\r\nDate: {format_datetime(utcnow())}\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\n" + "Big savings this week.\r\n" * 40).encode()


def fill(messages: int, replies: int) -> list[bytes]:
    """The mailbox: replies spread evenly among the other mail."""
    every = max(1, messages // max(1, replies))
    found, answered = [], 0
    for n in range(messages):
        if answered < replies and n % every == every - 1:
            found.append(reply(answered))
            answered += 1
        else:
            found.append(other(n))
    return found


def plain_loop(server, last_uid: int = 0) -> tuple[float, int]:
    """The reference: connect over TLS, find the messages, fetch the same header fields, 500 per UID FETCH."""
    started = time.perf_counter()
    conn = imaplib.IMAP4_SSL("127.0.0.1", server.tls_port, ssl_context=server.tls_context())
    conn.login(server.user, server.password)
    conn.select("INBOX", readonly=True)
    if last_uid:
        _, data = conn.uid("SEARCH", None, "UID", f"{last_uid + 1}:*")
    else:
        _, data = conn.uid("SEARCH", None, "SINCE", (utcnow() - timedelta(days=30)).strftime("%d-%b-%Y"))
    uids = [int(n) for n in data[0].split() if int(n) > last_uid]
    fields = " ".join(imap.HEADER_FIELDS)
    got = 0
    for start in range(0, len(uids), 500):
        chunk = ",".join(map(str, uids[start:start + 500]))
        _, data = conn.uid("FETCH", chunk, f"(UID RFC822.SIZE BODY.PEEK[HEADER.FIELDS ({fields})])")
        got += sum(1 for item in data if isinstance(item, tuple))
    conn.logout()
    return time.perf_counter() - started, got


def one_run(template: Path, server, messages: int, replies: int) -> dict:
    """A fresh database copy: first sync, 10 new messages, incremental poll; then the new ones are removed."""
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "crm.db"
        shutil.copyfile(template, database)
        app = create_app(settings(Path(folder), database, str(server.cert)))
        with app.app_context():
            started = time.perf_counter()
            first = poll_inbox()
            first_seconds = time.perf_counter() - started
            reference_first, got = plain_loop(server)
            assert first["fetched"] == messages == got and first["replies"] == replies, first
            before = max_uid(server)
            server.append_many([reply(replies + k, "new") if k < 2 else other(messages + k) for k in range(10)])
            started = time.perf_counter()
            incremental = poll_inbox()
            incremental_seconds = time.perf_counter() - started
            reference_incremental, got = plain_loop(server, last_uid=before)
            assert incremental["fetched"] == 10 == got, incremental
            stored = db.session.scalar(select(func.count(Reply.id)))
            db.engine.dispose()
    drop_after(server, before)
    return {"first_sync_seconds": round(first_seconds, 3), "first_sync_messages_per_second":
            round(messages / first_seconds, 1), "reference_first_seconds": round(reference_first, 3),
            "reference_first_messages_per_second": round(messages / reference_first, 1),
            "incremental_seconds": round(incremental_seconds, 3),
            "reference_incremental_seconds": round(reference_incremental, 3), "replies_stored": stored}


def max_uid(server) -> int:
    """The newest UID in INBOX."""
    with server.client() as conn:
        conn.select("INBOX", readonly=True)
        _, data = conn.uid("SEARCH", None, "ALL")
        return max(map(int, data[0].split()))


def drop_after(server, uid: int) -> None:
    """Expunge the messages after `uid`, so every run starts from the same mailbox."""
    with server.client() as conn:
        conn.select("INBOX")
        conn.uid("STORE", f"{uid + 1}:*", "+FLAGS.SILENT", "(\\Deleted)")
        conn.expunge()


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--replies", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    logging.disable(logging.INFO)  # the migrations' progress lines would get in the way of the one JSON object
    server = start_dovecot()
    try:
        server.append_many(fill(args.messages, args.replies))
        with tempfile.TemporaryDirectory() as folder:
            template = Path(folder) / "template.db"
            seed(create_app(settings(Path(folder), template, str(server.cert))), args.replies + 2, server)
            runs = [one_run(template, server, args.messages, args.replies) for _ in range(args.runs)]
    finally:
        remove(server)

    def median(key):
        return round(statistics.median(run[key] for run in runs), 3)

    rate, reference = median("first_sync_messages_per_second"), median("reference_first_messages_per_second")
    print(json.dumps({
        "benchmark": "poll-inbox against a real Dovecot over TLS",
        "messages": args.messages, "replies": args.replies, "runs": args.runs,
        "first_sync_messages_per_second_median": rate,
        "first_sync_seconds_median": median("first_sync_seconds"),
        "reference_plain_imaplib_messages_per_second_median": reference,
        "reference_plain_imaplib_seconds_median": median("reference_first_seconds"),
        "share_of_reference_rate": round(rate / reference, 3),
        "incremental_10_new_seconds_median": median("incremental_seconds"),
        "reference_incremental_seconds_median": median("reference_incremental_seconds"),
        "runs_detail": runs,
        "machine": {"cpu_count": os.cpu_count(), "platform": platform.platform(),
                    "python": platform.python_version(), "database": "sqlite (WAL)"},
    }))


if __name__ == "__main__":
    main()
