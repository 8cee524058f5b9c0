"""The mail backend interface, the outgoing message value and what a send attempt came to."""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import Protocol
from urllib.parse import urlsplit

from markupsafe import escape

ACCEPTED = "accepted"
RETRY = "retry"
FAILED = "failed"

ONE_CLICK = "List-Unsubscribe=One-Click"
# the provider sets these itself, and SendGrid refuses to have them overridden
RESERVED_HEADERS = frozenset({
    "from", "to", "cc", "bcc", "subject", "reply-to", "content-type", "content-transfer-encoding", "mime-version",
    "date", "received", "dkim-signature", "x-sg-id", "x-sg-eid",
})
MAX_CATEGORIES = 10
MAX_CUSTOM_ARGS_BYTES = 10_000
_HEADER_NAME = re.compile(r"^[!-9;-~]+$")
_EMAIL = re.compile(r"^[^@\s<>\"(),;:\\\[\]]+@[^@\s<>\"(),;:\\\[\]]+\.[^@\s<>\"(),;:\\\[\]]+$")
_MESSAGE_ID = re.compile(r"^<[^<>@\s]+@[^<>@\s]+>$")


def _one_line(value: str, what: str) -> str:
    if "\r" in value or "\n" in value:
        raise ValueError(f"{what} must be a single line")
    return value


@dataclass(frozen=True)
class Address:
    """An email address with an optional display name."""

    email: str
    name: str = ""

    def __post_init__(self) -> None:
        if not _EMAIL.match(self.email or ""):
            raise ValueError(f"not an email address: {self.email!r}")
        _one_line(self.name, "a display name")


@dataclass(frozen=True)
class OutgoingMessage:
    """One email to one recipient, as the outbox hands it to a backend.

    custom_args carry opaque ids only (outbound message id, workspace id): they travel to SendGrid's
    logs and webhooks, so an address there would leak personal data into places we don't control.
    """

    sender: Address
    recipient: Address
    subject: str
    text: str
    idempotency_key: str
    html: str | None = None
    reply_to: Address | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    custom_args: Mapping[str, str] = field(default_factory=dict)
    categories: tuple[str, ...] = ()
    message_id: str | None = None

    def __post_init__(self) -> None:
        if not self.subject.strip():
            raise ValueError("a message needs a subject")
        _one_line(self.subject, "the subject")
        if not self.text.strip():
            raise ValueError("a message needs a plain-text body")
        if not self.idempotency_key or len(self.idempotency_key) > 200:
            raise ValueError("a message needs an idempotency key of at most 200 characters")
        if self.message_id is not None and not _MESSAGE_ID.match(self.message_id):
            raise ValueError("message_id must look like <id@domain>")
        for name, value in self.headers.items():
            if not _HEADER_NAME.match(name) or name.lower() in RESERVED_HEADERS or name.lower() == "message-id":
                raise ValueError(f"header {name!r} cannot be set on a message")
            _one_line(value, f"header {name}")
        for key, value in self.custom_args.items():
            if not isinstance(key, str) or not isinstance(value, str) or not key:
                raise ValueError("custom args are non-empty string keys with string values")
            if "@" in value or "@" in key:
                raise ValueError(f"custom arg {key!r} looks like it holds an email address; use an opaque id")
        if len(str(dict(self.custom_args)).encode()) > MAX_CUSTOM_ARGS_BYTES:
            raise ValueError("custom args are too large")
        categories = tuple(self.categories)
        if len(categories) > MAX_CATEGORIES or len(set(categories)) != len(categories):
            raise ValueError(f"at most {MAX_CATEGORIES} distinct categories")
        if any(not c or len(c) > 255 for c in categories):
            raise ValueError("categories are 1 to 255 characters")
        object.__setattr__(self, "categories", categories)
        object.__setattr__(self, "headers", MappingProxyType(dict(self.headers)))
        object.__setattr__(self, "custom_args", MappingProxyType(dict(self.custom_args)))


@dataclass(frozen=True)
class SendOutcome:
    """What one send attempt came to: accepted, try again at a time, or failed for a reason a user can read."""

    status: str
    provider_message_id: str | None = None
    retry_at: datetime | None = None
    reason: str = ""
    http_status: int | None = None
    # True when the request may have reached the provider (a timeout after sending): look for a webhook
    # event carrying this message's custom args before sending again, or it may go out twice
    maybe_sent: bool = False

    @property
    def accepted(self) -> bool:
        """The provider took the message."""
        return self.status == ACCEPTED

    @property
    def should_retry(self) -> bool:
        """The attempt failed for a passing reason; try again at retry_at."""
        return self.status == RETRY

    @property
    def failed(self) -> bool:
        """The message cannot be sent as it is; reason says why."""
        return self.status == FAILED


class MailBackend(Protocol):
    """Anything that can hand a message to a mail system."""

    name: str

    def send(self, message: OutgoingMessage, attempt: int = 1) -> SendOutcome:
        """Try once to send; attempt counts from 1 and sets the backoff on a passing failure."""
        ...


def backoff_seconds(attempt: int, base: float = 30.0, cap: float = 3600.0, rng: random.Random | None = None) -> float:
    """Exponential backoff with jitter: between half and all of base * 2**(attempt-1), capped."""
    ceiling = min(cap, base * 2 ** max(0, min(attempt, 32) - 1))
    # the random half spreads retries of many messages that failed together
    return ceiling / 2 + (rng or random).uniform(0, ceiling / 2)


def retry_later(
    now: datetime, attempt: int, reason: str, *, http_status: int | None = None, maybe_sent: bool = False,
    rng: random.Random | None = None,
) -> SendOutcome:
    """A retry outcome scheduled by backoff from now."""
    at = now + timedelta(seconds=backoff_seconds(attempt, rng=rng))
    return SendOutcome(RETRY, retry_at=at, reason=reason, http_status=http_status, maybe_sent=maybe_sent)


def make_message_id(idempotency_key: str, domain: str) -> str:
    """A Message-ID fixed by the idempotency key, so retries and later follow-ups agree on it."""
    digest = hashlib.sha256(idempotency_key.encode("utf-8")).hexdigest()[:32]
    return f"<{digest}@{domain.strip().lower()}>"


def unsubscribe_headers(url: str, mailto: str | None = None) -> dict[str, str]:
    """List-Unsubscribe (and, for an HTTPS link, RFC 8058 one-click List-Unsubscribe-Post) headers."""
    scheme = urlsplit(url).scheme
    if scheme not in {"https", "http"}:
        raise ValueError("the unsubscribe link must be an http(s) URL")
    targets = [f"<{_one_line(url, 'the unsubscribe link')}>"]
    if mailto:
        targets.append(f"<mailto:{_one_line(mailto, 'the unsubscribe address')}>")
    headers = {"List-Unsubscribe": ", ".join(targets)}
    if scheme == "https":  # RFC 8058 one-click is defined for HTTPS only
        headers["List-Unsubscribe-Post"] = ONE_CLICK
    return headers


def thread_headers(parent_message_id: str, references: Sequence[str] = ()) -> dict[str, str]:
    """In-Reply-To and References so a follow-up lands in the same thread as the message before it."""
    chain = [ref for ref in references if ref != parent_message_id] + [parent_message_id]
    for ref in chain:
        if not _MESSAGE_ID.match(ref):
            raise ValueError(f"not a Message-ID: {ref!r}")
    return {"In-Reply-To": parent_message_id, "References": " ".join(dict.fromkeys(chain))}


_URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]")


def _linkify(line: str) -> str:
    out, last = [], 0
    for match in _URL.finditer(line):
        url = escape(match.group(0))
        out += [str(escape(line[last : match.start()])), f'<a href="{url}">{url}</a>']
        last = match.end()
    out.append(str(escape(line[last:])))
    return "".join(out)


def text_to_html(text: str) -> str:
    """The HTML part built from plain text: every character escaped; only paragraphs, line breaks and links added."""
    paragraphs = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    return "\n".join(
        "<p>" + "<br>\n".join(_linkify(line) for line in paragraph.split("\n")) + "</p>"
        for paragraph in paragraphs
        if paragraph.strip()
    )


def utc_now() -> datetime:
    """The current time, UTC-aware; backends take a clock so tests can fix it."""
    return datetime.now(UTC)
