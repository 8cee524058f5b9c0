"""The one MIME writer: an outgoing message as the RFC 5322 bytes the file backend saves and SMTP sends."""

from __future__ import annotations

import email.policy
from datetime import datetime
from email.headerregistry import Address as HeaderAddress
from email.message import EmailMessage
from email.utils import format_datetime

from crm.mail.message import Address, OutgoingMessage, make_message_id


def _header_address(address: Address) -> HeaderAddress:
    return HeaderAddress(display_name=address.name, addr_spec=address.email)


def to_email_message(message: OutgoingMessage, sent_at: datetime) -> EmailMessage:
    """The message as a MIME email: plain text, plus an HTML alternative when there is one."""
    mime = EmailMessage(policy=email.policy.SMTP)
    mime["From"] = _header_address(message.sender)
    mime["To"] = _header_address(message.recipient)
    if message.reply_to is not None:
        mime["Reply-To"] = _header_address(message.reply_to)
    mime["Subject"] = message.subject
    mime["Date"] = format_datetime(sent_at)
    domain = message.sender.email.rpartition("@")[2]
    mime["Message-ID"] = message.message_id or make_message_id(message.idempotency_key, domain)
    for name, value in message.headers.items():
        mime[name] = value
    if message.categories:
        mime["X-CRM-Categories"] = ", ".join(message.categories)
    if message.custom_args:
        mime["X-CRM-Custom-Args"] = "; ".join(f"{k}={v}" for k, v in sorted(message.custom_args.items()))
    mime.set_content(message.text)
    if message.html:
        mime.add_alternative(message.html, subtype="html")
    return mime
