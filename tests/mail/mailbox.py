"""Test mail for the IMAP poller: replies to our sent pitches, delivery reports and a mailbox's everyday noise."""

from __future__ import annotations

import uuid
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from crm.db import utcnow
from crm.outreach.models import OutboundMessage

SENDER_DOMAIN = "agency.example"


def reply(row: OutboundMessage, text: str = "Sounds good, send me the draft.", *, subject: str | None = None,
          html: str | None = None, headers: dict | None = None, from_email: str | None = None) -> bytes:
    """A reply from the pitched contact's client: threaded by In-Reply-To/References, with its own Message-ID."""
    mail = EmailMessage()
    mail["From"] = from_email or row.to_email
    mail["To"] = row.from_email
    mail["Subject"] = subject if subject is not None else f"Re: {row.subject}"
    mail["Date"] = format_datetime(utcnow())
    mail["Message-ID"] = make_msgid(domain="site.example")
    mail["In-Reply-To"] = row.message_id_header
    mail["References"] = row.message_id_header
    for name, value in (headers or {}).items():
        mail[name] = value
    mail.set_content(f"{text}\n\nOn Monday, Sam wrote:\n> {row.body_text[:80]}\n")
    if html:
        mail.add_alternative(html, subtype="html")
    return mail.as_bytes()


def dsn(recipient: str, original_id: str, *, action: str = "failed", status: str = "5.1.1") -> bytes:
    """An RFC 3464 delivery status notification from a mail server about one recipient."""
    boundary = uuid.uuid4().hex
    return (
        f"From: Mail Delivery System <MAILER-DAEMON@mx.example>\r\nTo: sam@{SENDER_DOMAIN}\r\n"
        f"Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <{uuid.uuid4().hex}@mx.example>\r\n"
        f"MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status;"
        f" boundary=\"{boundary}\"\r\n\r\n"
        f"--{boundary}\r\nContent-Type: text/plain\r\n\r\nI could not deliver your message.\r\n"
        f"--{boundary}\r\nContent-Type: message/delivery-status\r\n\r\n"
        f"Reporting-MTA: dns; mx.example\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\nAction: {action}\r\nStatus: {status}\r\n"
        f"Diagnostic-Code: smtp; 550 {status} mailbox problem\r\n\r\n"
        f"--{boundary}\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"From: sam@{SENDER_DOMAIN}\r\nTo: {recipient}\r\nMessage-ID: {original_id}\r\nSubject: pitch\r\n\r\n"
        f"--{boundary}--\r\n"
    ).encode()


def noise(n: int) -> bytes:
    """A newsletter that has nothing to do with our outreach."""
    return (f"From: news{n}@shop.example\r\nTo: sam@{SENDER_DOMAIN}\r\nSubject: Weekly deals #{n}\r\n"
            f"Message-ID: <deal-{n}-{uuid.uuid4().hex}@shop.example>\r\nDate: {format_datetime(utcnow())}\r\n"
            f"Content-Type: text/plain; charset=utf-8\r\n\r\nBig savings this week.\r\n").encode()


HOSTILE = {
    "no_message_id": b"From: someone@elsewhere.example\r\nSubject: hello\r\n\r\nNo id here.\r\n",
    "broken_mime": (b"From: broken@elsewhere.example\r\nMessage-ID: <broken@elsewhere.example>\r\n"
                    b"Content-Type: multipart/mixed; boundary=\"never-closed\"\r\n\r\n--never-closed\r\n"
                    b"Content-Type: text/plain; charset=x-unknown-charset\r\nContent-Transfer-Encoding: base64\r\n"
                    b"\r\n!!!not base64!!!\r\n"),
    "eight_bit_headers": ("From: Jörg Müller <joerg@elsewhere.example>\r\nSubject: Grüße aus Köln - ½\r\n"
                          "Message-ID: <8bit@elsewhere.example>\r\n\r\nHallo\r\n").encode("latin-1", "replace"),
}


def huge_attachment(row: OutboundMessage, megabytes: int = 8) -> bytes:
    """A real reply carrying a large attachment, which must be read without loading the attachment whole."""
    mail = EmailMessage()
    mail["From"], mail["To"] = row.to_email, row.from_email
    mail["Subject"], mail["Message-ID"] = f"Re: {row.subject}", make_msgid(domain="site.example")
    mail["In-Reply-To"] = row.message_id_header
    mail.set_content("Here is our media kit, happy to take the guest post.")
    mail.add_attachment(b"\0" * (megabytes * 1024 * 1024), maintype="application", subtype="pdf",
                        filename="kit.pdf")
    return mail.as_bytes()


def rival_pitch(workspace_id: int) -> OutboundMessage:
    """Launch a one-person campaign in another workspace and send its pitch; the sent row, detached."""
    from sqlalchemy import select

    from crm.campaigns import launching
    from crm.extensions import db
    from crm.outreach import sending
    from tests.outreach.world import build

    rival = build(workspace_id, people=1)
    launching.launch(rival.workspace_id, rival.sequence_id, rival.recipients(), None)
    sending.send_due(workers=1)
    theirs = db.session.scalar(select(OutboundMessage).where(OutboundMessage.workspace_id == rival.workspace_id))
    db.session.expunge(theirs)
    return theirs
