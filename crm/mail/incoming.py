"""Reading a SendGrid Inbound Parse post (parsed fields or raw MIME) into one value, and sanitising reply HTML."""

from __future__ import annotations

import email.policy
import hashlib
import html as html_lib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from email import message_from_bytes, message_from_string
from email.message import Message
from email.parser import HeaderParser
from email.utils import getaddresses, parseaddr

import nh3

MAX_TEXT = 200_000
SAFE_TAGS = nh3.ALLOWED_TAGS - {"img", "area", "map"}  # no remote images: they are tracking pixels
_MESSAGE_ID = re.compile(r"<[^<>\s]+>")


@dataclass(frozen=True)
class InboundMail:
    """An inbound email as the product needs it."""

    from_email: str
    from_name: str
    recipients: tuple[str, ...]
    subject: str
    text: str
    html: str
    headers: dict[str, str] = field(default_factory=dict)
    message_id: str = ""
    in_reply_to: tuple[str, ...] = ()
    references: tuple[str, ...] = ()

    def dedupe_key(self) -> str:
        """The inbound Message-ID, or a digest of the message when it has none, so repeats are recognised."""
        if self.message_id:
            return self.message_id[:255]
        digest = hashlib.sha256("\x00".join((self.from_email, self.subject, self.headers.get("date", ""),
                                             self.text)).encode("utf-8", "replace")).hexdigest()
        return f"sha256:{digest}"


def _headers(raw: str) -> dict[str, str]:
    parsed = HeaderParser(policy=email.policy.compat32).parsestr(raw or "")
    found: dict[str, str] = {}
    for name, value in parsed.items():
        found.setdefault(name.strip().lower(), " ".join(str(value).split()))
    return found


def _ids(value: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_MESSAGE_ID.findall(value or "")))


def _header_text(value) -> str:
    try:
        return " ".join(str(value).split())
    except (LookupError, ValueError, TypeError, AttributeError):  # a header too broken to decode
        return ""


def _content(part: Message):
    if hasattr(part, "get_content"):
        return part.get_content()
    payload = part.get_payload(decode=True)  # the lenient parser's message: decode by hand
    return payload.decode(part.get_content_charset() or "utf-8", "replace") if isinstance(payload, bytes) else None


def _from_raw(raw: str | Message) -> tuple[dict[str, str], str, str]:
    message = message_from_string(raw, policy=email.policy.default) if isinstance(raw, str) else raw
    headers = {}
    for name, value in message.items():
        headers.setdefault(name.lower(), _header_text(value))
    text = html = ""
    for part in message.walk():
        if part.get_content_maintype() in ("multipart", "message") or part.get_content_disposition() == "attachment":
            continue
        try:
            content = _content(part)
        except (LookupError, ValueError, TypeError, AssertionError, KeyError, AttributeError):
            continue
        if not isinstance(content, str):
            continue
        if part.get_content_type() == "text/plain" and not text:
            text = content
        elif part.get_content_type() == "text/html" and not html:
            html = content
    return headers, text, html


def parse_form(form: Mapping[str, str]) -> InboundMail:
    """The fields of an Inbound Parse post; raw MIME ("email") is read when the parse was set to send raw."""
    if form.get("email"):
        headers, text, html = _from_raw(form["email"])
    else:
        headers, text, html = _headers(form.get("headers", "")), form.get("text", ""), form.get("html", "")
    name, sender = parseaddr(form.get("from") or headers.get("from", ""))
    recipients = [addr for _, addr in getaddresses([form.get("to") or headers.get("to", ""),
                                                    form.get("cc") or headers.get("cc", "")]) if addr]
    try:
        envelope = json.loads(form.get("envelope") or "{}")
        recipients += [str(a) for a in envelope.get("to", []) if a]
        sender = sender or str(envelope.get("from") or "")
    except (ValueError, AttributeError, TypeError):
        pass
    subject = " ".join((form.get("subject") or headers.get("subject", "")).split())
    return _assemble(headers, text, html, name=name, sender=sender, recipients=recipients, subject=subject)


def _parsed_sender(message: Message) -> tuple[str, str] | None:
    try:
        addresses = message["from"].addresses
        return (addresses[0].addr_spec, addresses[0].display_name) if addresses else None
    except (AttributeError, IndexError, TypeError, ValueError, LookupError):
        return None


def parse_bytes(raw: bytes) -> tuple[InboundMail, Message]:
    """A raw message as read from a mailbox (broken MIME and 8-bit headers included), and its parsed form."""
    try:
        message = message_from_bytes(raw, policy=email.policy.default)
        headers, text, html = _from_raw(message)
    except Exception:  # noqa: BLE001 - a header the modern parser chokes on: read it the lenient old way
        message = message_from_bytes(raw, policy=email.policy.compat32)
        headers, text, html = _from_raw(message)
    name, sender = parseaddr(headers.get("from", ""))
    if not sender:  # a display name parseaddr gives up on (quotes, commas, encoded words): the parsed header knows
        sender, name = _parsed_sender(message) or (sender, name)
    recipients = [addr for _, addr in getaddresses([headers.get(h, "") for h in ("to", "cc", "delivered-to")]) if addr]
    return _assemble(headers, text, html, name=name, sender=sender, recipients=recipients,
                     subject=headers.get("subject", "")), message


_ADDRESS = re.compile(r"[^\s<>,;:\"()\[\]@]+@[^\s<>,;:\"()\[\]@]+")
_ANGLED = re.compile(r"<([^<>@\s]+@[^<>\s]+)>")
_WANTED = {"from", "to", "cc", "delivered-to", "message-id", "in-reply-to", "references", "content-type"}


def parse_headers(raw: bytes) -> tuple[InboundMail, str]:
    """A message's headers alone (as IMAP sends them before the body), cheaply: enough to match it; and its type.

    A plain scan, no email package: most of a mailbox is judged on this alone and never read further, so it
    must be fast; it errs towards finding more addresses and thread ids than a full parse, never fewer.
    """
    fields: dict[str, str] = {}
    name = ""
    for line in raw.decode("utf-8", "replace").splitlines():
        if line[:1] in (" ", "\t") and name:
            fields[name] += " " + line.strip()
            continue
        key, colon, value = line.partition(":")
        name = key.strip().lower() if colon and key.strip().lower() in _WANTED else ""
        if name and name not in fields:
            fields[name] = value.strip()
        elif name:
            name = ""  # a repeated header: the first one counts, as for a full parse
    sender = fields.get("from", "")
    angled = _ANGLED.findall(sender)
    recipients = [addr for h in ("to", "cc", "delivered-to") for addr in _ADDRESS.findall(fields.get(h, ""))]
    mail = InboundMail(
        from_email=(angled or _ADDRESS.findall(sender) or [""])[0].strip().lower(), from_name="",
        recipients=tuple(dict.fromkeys(r.lower() for r in recipients)), subject="", text="", html="",
        message_id=(_ids(fields.get("message-id", "")) or ("",))[0], in_reply_to=_ids(fields.get("in-reply-to", "")),
        references=_ids(fields.get("references", "")))
    kind = fields.get("content-type", "text/plain").partition(";")[0].strip().lower() or "text/plain"
    return mail, kind


def _assemble(headers: dict, text: str | None, html: str | None, *, name: str, sender: str, recipients: list[str],
              subject: str) -> InboundMail:
    """One inbound message from its parts, trimmed and lower-cased the same way whichever door it came in by."""
    return InboundMail(
        from_email=sender.strip().lower(),
        from_name=name.strip()[:200],
        recipients=tuple(dict.fromkeys(r.strip().lower() for r in recipients)),
        subject=subject[:500],
        text=(text or "")[:MAX_TEXT],
        html=(html or "")[:MAX_TEXT],
        headers=headers,
        message_id=(_ids(headers.get("message-id", "")) or ("",))[0],
        in_reply_to=_ids(headers.get("in-reply-to", "")),
        references=_ids(headers.get("references", "")),
    )


def sanitise_html(html: str) -> str:
    """Reply HTML safe to show in the inbox: no scripts, styles, handlers, images or foreign URL schemes."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=set(SAFE_TAGS),
        clean_content_tags={"script", "style", "title", "head"},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def text_of_html(html: str) -> str:
    """Plain text from HTML, for classifying a reply that came without a text part."""
    stripped = nh3.clean((html or "").replace("<br", "\n<br").replace("</p>", "</p>\n"), tags=set(),
                         clean_content_tags={"script", "style", "title", "head"})
    return "\n".join(" ".join(line.split()) for line in html_lib.unescape(stripped).splitlines()).strip()
