"""Polling senders' IMAP mailboxes: new mail is matched, classified and acted on exactly as Inbound Parse mail.

Each folder's last UID advances in the same commit that stores the message (or, for mail that is not ours,
right after it is judged), so a dropped connection or a killed worker resumes after the last message handled:
none is read twice, none skipped. Mail not about our outreach is only counted, never stored.
"""

from __future__ import annotations

import dataclasses
import imaplib
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from crm.db import utcnow
from crm.extensions import db
from crm.mail import imap
from crm.mail.dsn import parse_dsn
from crm.outreach import inbound
from crm.outreach.classify import BOUNCE, OUT_OF_OFFICE, UNSUBSCRIBE
from crm.outreach.inbound_mail import parse_bytes
from crm.outreach.mailboxes import imap_account_for
from crm.outreach.models import MailboxFolder, SenderIdentity

COUNTS = ("fetched", "replies", "bounces", "auto_replies", "unsubscribes", "ignored", "duplicates", "errors")
_KIND_COUNT = {BOUNCE: "bounces", OUT_OF_OFFICE: "auto_replies", UNSUBSCRIBE: "unsubscribes"}
_DROPPED = (imap.ImapError, imaplib.IMAP4.error, OSError, EOFError)


def _folder(sender: SenderIdentity, name: str) -> MailboxFolder:
    row = db.session.scalar(select(MailboxFolder).where(
        MailboxFolder.workspace_id == sender.workspace_id, MailboxFolder.sender_identity_id == sender.id,
        MailboxFolder.name == name))
    if row is None:
        row = MailboxFolder(workspace_id=sender.workspace_id, sender_identity_id=sender.id, name=name, last_uid=0,
                            last_error="")
        db.session.add(row)
        db.session.commit()
    return row


def _bounce(workspace_id: int, mail, message, now: datetime) -> dict:
    """A delivery report about one of our messages to the address it names; anything else is not ours."""
    for status in parse_dsn(message):
        about = dataclasses.replace(mail, from_email=status.recipient, recipients=(), references=(),
                                    in_reply_to=(status.original_message_id,) if status.original_message_id else ())
        row, _ = inbound.match(workspace_id, about)
        if row is not None and row.to_email.lower() == status.recipient:  # never a report naming someone else
            return inbound.receive(workspace_id, about, now, permanent=status.permanent)
    return {"result": "unmatched"}


def _handle(folder: MailboxFolder, fetched: imap.FetchedMessage, now: datetime) -> dict:
    """Judge and store one message; the folder's last UID advances with it."""
    mail, message = parse_bytes(fetched.raw)
    folder.last_uid = fetched.uid  # committed by receive() together with the reply it stores
    if message.get_content_type() == "multipart/report" and parse_dsn(message):
        result = _bounce(folder.workspace_id, mail, message, now)
    else:
        result = inbound.receive(folder.workspace_id, mail, now)
    folder.last_uid = max(folder.last_uid or 0, fetched.uid)  # after a rollback, or when nothing was stored
    db.session.commit()
    return result


def _count(counts: dict, result: dict) -> None:
    outcome = result.get("result")
    if outcome == "stored":
        counts[_KIND_COUNT.get(result.get("kind"), "replies")] += 1
    elif outcome == "unsubscribed":
        counts["unsubscribes"] += 1
    elif outcome == "duplicate":
        counts["duplicates"] += 1
    else:
        counts["ignored"] += 1


def _sync_folder(conn, folder: MailboxFolder, counts: dict, now: datetime) -> None:
    config = current_app.config
    uidvalidity = imap.select(conn, folder.name)
    since = None
    if folder.uidvalidity != uidvalidity:  # first sync, or the server renumbered the folder: the window again
        since = (now - timedelta(days=config.get("IMAP_LOOKBACK_DAYS", 30))).date()
        folder.uidvalidity, folder.last_uid = uidvalidity, 0
        db.session.commit()
    uids = imap.new_uids(conn, folder.last_uid or 0, since)
    for fetched in imap.fetch(conn, folder.name, uidvalidity, uids, batch=config.get("IMAP_FETCH_BATCH", 50),
                              max_bytes=config.get("IMAP_MAX_MESSAGE_BYTES", imap.DEFAULT_MAX_BYTES)):
        counts["fetched"] += 1
        _count(counts, _handle(folder, fetched, now))
    folder.last_polled_at, folder.last_error = now, ""
    db.session.commit()


def _record_error(sender: SenderIdentity, name: str, error: str, now: datetime) -> None:
    db.session.rollback()
    folder = _folder(sender, name)
    folder.last_error, folder.last_polled_at = error[:1000], now
    db.session.commit()


def poll_sender(sender: SenderIdentity, account: imap.ImapAccount, counts: dict, now: datetime) -> None:
    """Read every polled folder of one sender's mailbox; a failure is recorded on the folder and counted."""
    name = "INBOX"
    try:
        conn = imap.connect(account, timeout=current_app.config.get("IMAP_TIMEOUT", 30))
    except imap.ImapError as exc:
        counts["errors"] += 1
        _record_error(sender, name, str(exc), now)
        return
    try:
        for name in imap.folders_to_poll(conn):
            _sync_folder(conn, _folder(sender, name), counts, now)
    except _DROPPED as exc:
        counts["errors"] += 1
        _record_error(sender, name, f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__, now)
    finally:
        imap.close(conn)


def poll_inbox(workspace_id: int | None = None, now: datetime | None = None) -> dict:
    """Poll every active sender with an IMAP account (in one workspace, or all); returns the counts."""
    now = now or utcnow()
    counts = dict.fromkeys(COUNTS, 0)
    query = select(SenderIdentity).where(SenderIdentity.active.is_(True)).order_by(SenderIdentity.id)
    if workspace_id is not None:
        query = query.where(SenderIdentity.workspace_id == workspace_id)
    for sender in db.session.scalars(query).all():
        try:
            account = imap_account_for(sender)
        except ValueError as exc:  # a stored account that can no longer be used, e.g. its password unopenable
            counts["errors"] += 1
            _record_error(sender, "INBOX", str(exc), now)
            continue
        if account is not None:
            poll_sender(sender, account, counts, now)
    return counts
