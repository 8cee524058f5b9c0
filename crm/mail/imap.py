"""Reading new mail from an IMAP mailbox: verified TLS, per-folder UIDVALIDITY and last UID, bounded fetches.

The reader holds no state of its own: the caller passes each folder's last known UIDVALIDITY and UID and
advances them only after it has stored a message, so a dropped connection or a killed worker never makes a
message read twice or lost. A changed UIDVALIDITY (the server renumbered the folder) re-reads the look-back
window; the caller recognises what it already stored by Message-ID.
"""

from __future__ import annotations

import contextlib
import imaplib
import re
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from crm.mail.accounts import is_loopback

SECURITY = ("tls", "starttls", "plain")
DEFAULT_MAX_BYTES = 256 * 1024  # headers and the first part of the body; a huge attachment is never loaded whole
DEFAULT_BATCH = 500  # headers per UID FETCH
BODY_BATCH = 20  # whole messages per UID FETCH: at most 20 x max_bytes held at once
_UID = re.compile(rb"\bUID (\d+)")
_SIZE = re.compile(rb"\bRFC822\.SIZE (\d+)")
# spam folders of servers that do not mark one SPECIAL-USE \Junk (older Exchange, cPanel, Yahoo, Zimbra, ...)
SPAM_NAMES = {"junk", "spam", "junk e-mail", "junk email", "junk mail", "bulk mail", "bulk", "spam mail"}
# what deciding whether a message is about our outreach needs: its thread, sender, recipients and kind
HEADER_FIELDS = ("FROM", "TO", "CC", "DELIVERED-TO", "MESSAGE-ID", "IN-REPLY-TO", "REFERENCES", "CONTENT-TYPE",
                 "SUBJECT", "DATE")
_LIST = re.compile(rb'^\((?P<flags>[^)]*)\) (?:"[^"]*"|NIL) (?P<name>.+)$')


class ImapError(Exception):
    """The mailbox could not be reached or read; the message says what failed, `step` which step it was."""

    def __init__(self, message: str, step: str = "read"):
        super().__init__(message)
        self.step = step  # "dns", "tcp", "tls", "auth", "folder" or "read"


@dataclass(frozen=True)
class ImapAccount:
    """Where a mailbox is and how to sign in; plain connections are for loopback only."""

    host: str
    port: int
    user: str
    password: str
    security: str = "tls"
    ca_file: str | None = None  # trust this certificate (a test server's) instead of the system store

    def __repr__(self) -> str:  # never show the password in logs or tracebacks
        return f"ImapAccount({self.security}://{self.user}@{self.host}:{self.port})"


def connect(account: ImapAccount, timeout: float = 30) -> imaplib.IMAP4:
    """A signed-in connection; ImapError names the step that failed (DNS, TCP, TLS, authentication)."""
    if account.security not in SECURITY:
        raise ImapError(f"unknown IMAP security {account.security!r}", "tcp")
    if account.security == "plain" and not is_loopback(account.host):
        raise ImapError(f"a plain IMAP connection to {account.host} is refused (only loopback may be plain)", "tls")
    context = ssl.create_default_context(cafile=account.ca_file)
    try:
        if account.security == "tls":
            conn = imaplib.IMAP4_SSL(account.host, account.port, ssl_context=context, timeout=timeout)
        else:
            conn = imaplib.IMAP4(account.host, account.port, timeout=timeout)
            if account.security == "starttls":
                conn.starttls(context)
    except socket.gaierror as exc:
        raise ImapError(f"DNS: {account.host} not found ({exc})", "dns") from exc
    except ssl.SSLError as exc:
        raise ImapError(f"TLS: {exc}", "tls") from exc
    except (OSError, imaplib.IMAP4.error) as exc:
        raise ImapError(f"TCP: cannot reach {account.host}:{account.port} ({exc})", "tcp") from exc
    try:
        conn.login(account.user, account.password)
    except imaplib.IMAP4.error as exc:
        close(conn)
        raise ImapError(f"authentication failed for {account.user}", "auth") from exc
    return conn


def close(conn: imaplib.IMAP4) -> None:
    """Sign out, ignoring a connection that is already gone."""
    with contextlib.suppress(OSError, imaplib.IMAP4.error, EOFError):
        conn.logout()


def _quoted(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _folder_name(raw: bytes) -> str:
    name = raw.decode("utf-8", "replace")
    return name[1:-1].replace('\\"', '"').replace("\\\\", "\\") if name.startswith('"') else name


def folders_to_poll(conn: imaplib.IMAP4) -> list[str]:
    """INBOX, then the provider's spam folder: the one marked SPECIAL-USE \\Junk, else one with a usual spam name."""
    status, lines = conn.list()
    if status != "OK":
        return ["INBOX"]
    marked, named = [], []
    for line in lines or ():
        match = _LIST.match(line if isinstance(line, bytes) else b"")
        if not match or b"\\noselect" in match.group("flags").lower():
            continue
        name = _folder_name(match.group("name"))
        if b"\\junk" in match.group("flags").lower():
            marked.append(name)
        elif name.rsplit("/", 1)[-1].rsplit(".", 1)[-1].strip().lower() in SPAM_NAMES:
            named.append(name)
    spam = (marked or named)[:1]
    return ["INBOX"] + [name for name in spam if name.upper() != "INBOX"]


def _check(status: str, data, what: str):
    if status != "OK":
        raise ImapError(f"{what}: {data!r}"[:300])
    return data


def select(conn: imaplib.IMAP4, folder: str) -> int:
    """Open a folder read-only (flags stay as the person left them) and return its UIDVALIDITY."""
    _check(*conn.select(_quoted(folder), readonly=True), f"folder {folder!r}")
    _, values = conn.response("UIDVALIDITY")
    try:
        return int(values[-1])
    except (TypeError, ValueError, IndexError) as exc:
        raise ImapError(f"folder {folder!r} reports no UIDVALIDITY") from exc


def new_uids(conn: imaplib.IMAP4, last_uid: int, since: date | None) -> list[int]:
    """UIDs after last_uid, ascending; with `since` (a first sync), only messages that arrived since that day."""
    if since is not None:
        data = _check(*conn.uid("SEARCH", None, "SINCE", since.strftime("%d-%b-%Y")), "search")
    else:
        data = _check(*conn.uid("SEARCH", None, "UID", f"{last_uid + 1}:*"), "search")
    uids = {int(n) for n in b" ".join(d for d in data if d).split()}
    return sorted(uid for uid in uids if uid > last_uid)  # "n:*" also matches the newest message when n > max


@dataclass(frozen=True)
class Headers:
    """One message's deciding headers as read (no body), with its UID and full size."""

    uid: int
    size: int
    raw: bytes


def uid_ranges(uids: list[int]) -> str:
    """An IMAP sequence set for ascending UIDs: runs collapse to "a:b", so a batch fits in a short command."""
    parts, start, prev = [], None, None
    for uid in uids:
        if start is None:
            start = prev = uid
        elif uid == prev + 1:
            prev = uid
        else:
            parts.append(f"{start}:{prev}" if prev != start else str(start))
            start = prev = uid
    if start is not None:
        parts.append(f"{start}:{prev}" if prev != start else str(start))
    return ",".join(parts)


def _parse_fetch(data) -> Iterator[tuple[int, int, bytes]]:
    for item in data or ():
        if isinstance(item, tuple) and len(item) >= 2:
            head = item[0]
            uid = _UID.search(head)
            size = _SIZE.search(head)
            if uid:
                yield int(uid.group(1)), int(size.group(1)) if size else len(item[1]), item[1]


def fetch_headers(conn: imaplib.IMAP4, uids: list[int], batch: int = DEFAULT_BATCH) -> Iterator[list[Headers]]:
    """The deciding headers of the given UIDs, one list per batch in ascending order; bodies are not read.

    A UID the server no longer has (expunged meanwhile) is left out of its batch.
    """
    fields = " ".join(HEADER_FIELDS)
    for start in range(0, len(uids), batch):
        chunk = uids[start:start + batch]
        data = _check(*conn.uid("FETCH", uid_ranges(chunk), f"(UID RFC822.SIZE BODY.PEEK[HEADER.FIELDS ({fields})])"),
                      "fetch headers")
        wanted = set(chunk)
        got = {uid: Headers(uid, size, raw) for uid, size, raw in _parse_fetch(data) if uid in wanted}
        yield [got[uid] for uid in chunk if uid in got]


def fetch_bodies(conn: imaplib.IMAP4, uids: list[int], max_bytes: int = DEFAULT_MAX_BYTES,
                 batch: int = BODY_BATCH) -> dict[int, bytes]:
    """Up to max_bytes of each given message (headers and the start of the body): a huge attachment stays unread."""
    found: dict[int, bytes] = {}
    for start in range(0, len(uids), batch):
        chunk = uids[start:start + batch]
        data = _check(*conn.uid("FETCH", uid_ranges(chunk), f"(UID BODY.PEEK[]<0.{max_bytes}>)"), "fetch")
        found.update((uid, raw) for uid, _, raw in _parse_fetch(data) if uid in set(chunk))
    return found
