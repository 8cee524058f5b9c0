"""Polling senders' IMAP mailboxes: new mail is matched, classified and acted on exactly as Inbound Parse mail.

A batch of new messages is first read as headers only; just those that could be about our outreach are read
further (bounded), the rest are counted and never stored. A batch's replies are stored in one transaction, and
the folder's last UID advances in that same commit, past the batch's other mail too; so a dropped connection or
a killed worker resumes after the last batch saved: none is read twice, none skipped. A message that cannot be
handled is undone alone (a savepoint): the ones before it are saved with the UID just before it, and the folder
stops there until the next poll.
"""

from __future__ import annotations

import dataclasses
import imaplib
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from crm.db import utcnow
from crm.extensions import db
from crm.mail import imap
from crm.mail.classify import BOUNCE, OUT_OF_OFFICE, UNSUBSCRIBE
from crm.mail.dsn import parse_dsn
from crm.mail.incoming import parse_bytes, parse_headers
from crm.outreach import inbound
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
            return inbound.store(workspace_id, about, now, permanent=status.permanent)
    return {"result": "unmatched"}


class MessageError(Exception):
    """One message could not be handled; the folder stops before it, to be tried again at the next poll."""


def _handle(folder: MailboxFolder, uid: int, raw: bytes, kind: str, now: datetime) -> dict:
    """Judge and store one message (`kind`: its content type, as the header scan read it) in the batch's
    transaction; on failure only its own work is undone."""
    try:
        mail, message = parse_bytes(raw)
        with db.session.begin_nested():
            if kind == "multipart/report" and parse_dsn(message):
                return _bounce(folder.workspace_id, mail, message, now)
            return inbound.store(folder.workspace_id, mail, now)
    except _DROPPED:
        raise
    except Exception as exc:  # never skip it silently: the person sees the error and the poll retries it
        raise MessageError(f"message UID {uid} in {folder.name} could not be handled "
                           f"({type(exc).__name__}: {exc})"[:500]) from exc


def _batch(conn, folder: MailboxFolder, batch: list[imap.Headers], counts: dict, now: datetime) -> None:
    """Handle one batch of headers: read the messages that may be ours, store them and move past the batch, all
    in one commit."""
    parsed = [parse_headers(header.raw) for header in batch]
    reports = {i for i, (_, kind) in enumerate(parsed) if kind == "multipart/report"}
    picked = sorted(inbound.might_be_ours(folder.workspace_id, [mail for mail, _ in parsed], reports))
    wanted = [batch[i].uid for i in picked]
    bodies = imap.fetch_bodies(conn, wanted, current_app.config.get("IMAP_MAX_MESSAGE_BYTES",
                                                                    imap.DEFAULT_MAX_BYTES)) if wanted else {}
    counts["fetched"] += len(batch)
    counts["ignored"] += len(batch) - len(wanted)
    if bodies:
        # Open the batch's transaction with a write: SQLite's driver begins one only before a write, so a savepoint
        # taken first would be a transaction of its own, and its release would commit that message alone.
        db.session.execute(update(MailboxFolder).where(MailboxFolder.id == folder.id).values(last_polled_at=now),
                           execution_options={"synchronize_session": False})
    for index in picked:
        uid = batch[index].uid
        if uid in bodies:  # expunged between the two fetches: gone, nothing to store
            try:
                result = _handle(folder, uid, bodies[uid], parsed[index][1], now)
            except MessageError:
                folder.last_uid = max(folder.last_uid or 0, uid - 1)  # what came before is saved; it is read again
                db.session.commit()
                raise
            _count(counts, result)
        else:
            counts["ignored"] += 1
    if batch:
        folder.last_uid = max(folder.last_uid or 0, batch[-1].uid)
        db.session.commit()


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
    for batch in imap.fetch_headers(conn, uids, batch=config.get("IMAP_FETCH_BATCH", imap.DEFAULT_BATCH)):
        _batch(conn, folder, batch, counts, now)
    folder.last_polled_at, folder.last_error = now, ""
    db.session.commit()


def _record_error(sender: SenderIdentity, name: str, error: str, now: datetime, counts: dict) -> None:
    """Keep the error on the folder (the sender page shows it) and in the poll's result."""
    db.session.rollback()
    folder = _folder(sender, name)
    folder.last_error, folder.last_polled_at = error[:1000], now
    db.session.commit()
    counts["errors"] += 1
    counts["problems"].append({"sender": sender.from_email, "folder": name, "error": error[:1000]})


def _describe(exc: BaseException) -> str:
    text = str(exc)
    if isinstance(exc, (EOFError, imaplib.IMAP4.abort, OSError)) and not isinstance(exc, imap.ImapError):
        detail = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
        return f"the connection to the IMAP server was lost while reading ({detail})"
    return text or type(exc).__name__


def poll_sender(sender: SenderIdentity, account: imap.ImapAccount, counts: dict, now: datetime) -> None:
    """Read every polled folder of one sender's mailbox; a failure is recorded on the folder and counted."""
    try:
        conn = imap.connect(account, timeout=current_app.config.get("IMAP_TIMEOUT", 30))
    except imap.ImapError as exc:
        _record_error(sender, "INBOX", str(exc), now, counts)
        return
    name = "INBOX"
    try:
        for name in imap.folders_to_poll(conn):
            try:
                _sync_folder(conn, _folder(sender, name), counts, now)
            except MessageError as exc:  # the connection is fine: the other folders are still read
                _record_error(sender, name, str(exc), now, counts)
    except _DROPPED as exc:
        _record_error(sender, name, _describe(exc), now, counts)
    finally:
        imap.close(conn)


def poll_inbox(workspace_id: int | None = None, now: datetime | None = None) -> dict:
    """Poll every active sender with an IMAP account (in one workspace, or all).

    Returns the counts, and `problems`: one {sender, folder, error} per failure, as also kept on the folder.
    """
    now = now or utcnow()
    counts: dict = {**dict.fromkeys(COUNTS, 0), "problems": []}
    query = select(SenderIdentity).where(SenderIdentity.active.is_(True)).order_by(SenderIdentity.id)
    if workspace_id is not None:
        query = query.where(SenderIdentity.workspace_id == workspace_id)
    for sender in db.session.scalars(query).all():
        try:
            account = imap_account_for(sender)
        except ValueError as exc:  # a stored account that can no longer be used, e.g. its password unopenable
            _record_error(sender, "INBOX", str(exc), now, counts)
            continue
        if account is not None:
            poll_sender(sender, account, counts, now)
    return counts
