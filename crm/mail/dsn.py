"""RFC 3464 delivery status notifications: which recipient failed, hard or soft, and which message bounced."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import Message
from email.parser import HeaderParser

_MESSAGE_ID = re.compile(r"<[^<>\s]+>")


@dataclass(frozen=True)
class DeliveryStatus:
    """One failed or delayed recipient of a DSN, and the Message-ID of the original when the report carries it."""

    recipient: str
    action: str  # failed, delayed (delivered/relayed/expanded reports are not bounces)
    status: str  # e.g. 5.1.1
    diagnostic: str
    original_message_id: str

    @property
    def permanent(self) -> bool:
        """A hard bounce: the address should never be mailed again."""
        return self.action == "failed" and self.status.startswith("5")


def _fields(block: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, value in HeaderParser().parsestr(block).items():
        found.setdefault(name.lower(), " ".join(str(value).split()))
    return found


def _address(value: str) -> str:
    kind, _, address = value.partition(";")  # "rfc822; ana@example.com"
    return (address if address else kind).strip().strip("<>").lower()


def _original_id(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() in ("message/rfc822", "text/rfc822-headers", "message/rfc822-headers"):
            payload = part.get_payload()
            if isinstance(payload, list) and payload:
                found = _MESSAGE_ID.findall(str(payload[0].get("message-id", "")))
            else:
                raw = payload if isinstance(payload, str) else ""
                found = _MESSAGE_ID.findall(str(_fields(raw.split("\n\n")[0]).get("message-id", "")))
            if found:
                return found[0]
    return ""


def _status_blocks(part: Message) -> list[str]:
    payload = part.get_payload()
    if isinstance(payload, list):  # the email package parses delivery-status into header blocks
        return ["".join(f"{k}: {v}\n" for k, v in block.items()) for block in payload]
    text = payload if isinstance(payload, str) else ""
    return [block for block in re.split(r"\r?\n\s*\r?\n", text) if block.strip()]


def parse_dsn(message: Message) -> list[DeliveryStatus]:
    """The failed or delayed recipients of a multipart/report; report-type=delivery-status, empty otherwise."""
    if message.get_content_type() != "multipart/report":
        return []
    if (message.get_param("report-type") or "").lower() != "delivery-status":
        return []
    original = _original_id(message)
    found = []
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        for block in _status_blocks(part)[1:]:  # the first block is about the reporting server
            fields = _fields(block)
            action = fields.get("action", "").lower()
            recipient = _address(fields.get("final-recipient") or fields.get("original-recipient", ""))
            if recipient and action in ("failed", "delayed"):
                found.append(DeliveryStatus(recipient, action, fields.get("status", ""),
                                            fields.get("diagnostic-code", "")[:300], original))
    return found
