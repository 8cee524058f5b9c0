"""Mail backend sending through SendGrid's v3 Mail Send API with the official client."""

from __future__ import annotations

import http.client
import json
import random
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from urllib.error import URLError

import sendgrid
from python_http_client.client import Client
from python_http_client.exceptions import HTTPError
from sendgrid.helpers.mail import (
    Category,
    Content,
    CustomArg,
    From,
    Header,
    Mail,
    MimeType,
    Personalization,
    ReplyTo,
    Subject,
    To,
)
from sendgrid.helpers.mail.exceptions import ApiKeyIncludedException

from crm.mail.backends.keepalive import KeepAliveOpener, proxied
from crm.mail.message import ACCEPTED, FAILED, RETRY, OutgoingMessage, SendOutcome, retry_later, utc_now

DEFAULT_HOST = "https://api.sendgrid.com"
_RETRY_STATUSES = frozenset({408, 500, 502, 503, 504})
_MAX_REASON = 500
_FAILURE_HINTS = {
    400: "SendGrid rejected the message",
    401: "SendGrid did not accept the API key (401); check SENDGRID_API_KEY",
    403: "SendGrid refused to send (403); check that the sender identity is verified and the key may send mail",
    413: "the message is too large for SendGrid (413)",
}


def build_request_body(message: OutgoingMessage) -> dict:
    """The Mail Send JSON for one message; custom args and headers sit on its one personalization."""
    mail = Mail()
    mail.from_email = From(message.sender.email, message.sender.name or None)
    mail.subject = Subject(message.subject)
    personalization = Personalization()
    personalization.add_to(To(message.recipient.email, message.recipient.name or None))
    headers = dict(message.headers)
    if message.message_id:
        headers["Message-ID"] = message.message_id
    for name, value in headers.items():
        personalization.add_header(Header(name, value))
    # per personalization, because the spec's top-level custom_args is a string, not an object
    for key, value in message.custom_args.items():
        personalization.add_custom_arg(CustomArg(key, value))
    mail.add_personalization(personalization)
    if message.reply_to is not None:
        mail.reply_to = ReplyTo(message.reply_to.email, message.reply_to.name or None)
    mail.add_content(Content(MimeType.text, message.text))
    if message.html:
        mail.add_content(Content(MimeType.html, message.html))
    for category in reversed(message.categories):  # the helper prepends, so this keeps the order given
        mail.add_category(Category(category))
    return mail.get()


def _error_messages(body: bytes | str | None) -> str:
    """SendGrid's {"errors": [{"field", "message"}]} as one readable line."""
    try:
        data = json.loads(body or b"")
        errors = data.get("errors") or []
        parts = [
            f"{e['field']}: {e['message']}" if e.get("field") else str(e.get("message", ""))
            for e in errors
            if isinstance(e, dict)
        ]
        return "; ".join(p for p in parts if p)
    except (ValueError, AttributeError, TypeError):
        return ""


def _rate_limit_reset(headers: Mapping[str, str] | None, now: datetime) -> datetime | None:
    """When a 429 lifts: X-RateLimit-Reset (epoch seconds), else Retry-After (seconds)."""
    if headers is None:
        return None
    try:
        reset = headers.get("X-RateLimit-Reset")
        if reset:
            return max(now, datetime.fromtimestamp(int(float(reset)), UTC))
        retry_after = headers.get("Retry-After")
        if retry_after:
            return now + timedelta(seconds=max(0, int(float(retry_after))))
    except (ValueError, OverflowError, OSError):
        return None
    return None


class SendGridBackend:
    """Sends each message with one Mail Send request and turns the answer into a SendOutcome."""

    name = "sendgrid"

    def __init__(
        self,
        api_key: str,
        host: str = DEFAULT_HOST,
        timeout: float = 10.0,
        clock: Callable[[], datetime] = utc_now,
        rng: random.Random | None = None,
    ):
        self.api_key = api_key
        self.host = host.rstrip("/")
        self.timeout = timeout
        self.clock = clock
        self.rng = rng
        self._opener = KeepAliveOpener()
        self._direct = not proxied(self.host)  # through a proxy, the client's own opener (which honours it) is used

    def _post(self, body: dict):
        """One Mail Send call through the official client, on this thread's kept-alive connection."""
        # a fresh client per send: the underlying client keeps request headers in a dict it shares and
        # mutates across calls, so a long-lived one would carry one call's headers into the next
        client = sendgrid.SendGridAPIClient(api_key=self.api_key, host=self.host)
        client.client.timeout = self.timeout
        endpoint = client.client.mail.send
        if self._direct:  # the client's own urllib opener would open a new connection for every call

            def make_request(_opener, request, timeout=None):
                return Client._make_request(endpoint, self._opener, request, timeout)

            endpoint._make_request = make_request
        return endpoint.post(request_body=body)

    def close(self) -> None:
        """Close the calling thread's kept connection to SendGrid."""
        self._opener.close()

    def send(self, message: OutgoingMessage, attempt: int = 1) -> SendOutcome:
        """Try once to send; a passing failure comes back as a retry with its time, a lasting one as failed."""
        try:
            body = build_request_body(message)
        except ApiKeyIncludedException:
            return SendOutcome(FAILED, reason="the message text looks like it contains a SendGrid API key")
        try:
            response = self._post(body)
        except HTTPError as exc:
            return self._from_error(exc.status_code, exc.body, exc.headers, attempt)
        except URLError as exc:
            # raised while connecting or writing the request, so SendGrid cannot have taken it
            reason = exc.reason
            what = "timed out connecting to" if isinstance(reason, TimeoutError) else "could not reach"
            return retry_later(self.clock(), attempt, f"{what} SendGrid: {reason}", rng=self.rng)
        except (TimeoutError, ConnectionError, http.client.HTTPException, OSError) as exc:
            # the request went out and no answer came: SendGrid may have accepted it
            return retry_later(
                self.clock(), attempt, f"no answer from SendGrid: {exc or type(exc).__name__}",
                maybe_sent=True, rng=self.rng,
            )
        if 200 <= response.status_code < 300:
            provider_id = response.headers.get("X-Message-Id") if response.headers else None
            return SendOutcome(ACCEPTED, provider_message_id=provider_id, http_status=response.status_code)
        return self._from_error(response.status_code, response.body, response.headers, attempt)

    def _from_error(self, status: int, body: bytes | None, headers, attempt: int) -> SendOutcome:
        now = self.clock()
        details = _error_messages(body)
        if status == 429:
            reset = _rate_limit_reset(headers, now)
            if reset is not None:
                return SendOutcome(RETRY, retry_at=reset, reason="SendGrid rate limit reached", http_status=429)
            return retry_later(now, attempt, "SendGrid rate limit reached", http_status=429, rng=self.rng)
        if status in _RETRY_STATUSES or status >= 500:
            reason = f"SendGrid is unavailable ({status})" + (f": {details}" if details else "")
            return retry_later(now, attempt, reason[:_MAX_REASON], http_status=status, rng=self.rng)
        hint = _FAILURE_HINTS.get(status, f"SendGrid answered {status}")
        reason = f"{hint}: {details}" if details else hint
        return SendOutcome(FAILED, reason=reason[:_MAX_REASON], http_status=status)
