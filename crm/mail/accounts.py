"""Mail accounts as values, and the URLs people write them as (smtp://, smtps://, imap://, imaps://).

`smtp://user:pass@host:587` means STARTTLS, `smtps://...:465` implicit TLS, `imap://...:143` STARTTLS and
`imaps://...:993` implicit TLS. `+insecure` after the scheme (`smtp+insecure://`, `imap+insecure://`) asks for
a plain connection, which is refused unless the host is loopback (a test server on this machine).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

SECURITY = ("tls", "starttls", "plain")
KINDS = ("smtp", "imap")
DEFAULT_PORTS = {("smtp", "tls"): 465, ("smtp", "starttls"): 587, ("smtp", "plain"): 25,
                 ("imap", "tls"): 993, ("imap", "starttls"): 143, ("imap", "plain"): 143}
_SCHEMES = {
    "smtp": ("smtp", "starttls"), "smtps": ("smtp", "tls"), "smtp+insecure": ("smtp", "plain"),
    "imap": ("imap", "starttls"), "imaps": ("imap", "tls"), "imap+insecure": ("imap", "plain"),
}
_MAX_HOST, _MAX_USER, _MAX_PASSWORD = 253, 254, 1024


class MailAccountError(ValueError):
    """A mail account URL or value that cannot be used; the message says why, `field` which part is wrong.

    `field` is "host", "port", "security", "user" or "password" (None when no single part is to blame).
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class MailAccount:
    """Where a mailbox is and how to sign in to it (SMTP to send, IMAP to read)."""

    kind: str  # "smtp" or "imap"
    host: str
    port: int
    user: str
    password: str
    security: str = "tls"

    def __repr__(self) -> str:  # never show the password in logs or tracebacks
        return f"MailAccount({self.kind}, {self.security}://{self.user}@{self.host}:{self.port})"

    __str__ = __repr__


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses (the only hosts a plain connection may go to)."""
    name = (host or "").strip().lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name.strip("[]")).is_loopback
    except ValueError:
        return False


def _clean(value: str, what: str, limit: int, field: str) -> str:
    if len(value) > limit:
        raise MailAccountError(f"the {what} is too long (at most {limit} characters)", field)
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise MailAccountError(f"the {what} contains a control character (such as a line break)", field)
    return value


def _host(raw: str) -> str:
    host = raw.strip().lower().rstrip(".")
    if not host:
        raise MailAccountError("no host given", "host")
    _clean(host, "host", _MAX_HOST, "host")
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        pass
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise MailAccountError(f"{raw!r} is not a valid host name", "host") from exc
    labels = ascii_host.split(".")
    if any(not label or len(label) > 63 or label.startswith("-") or label.endswith("-")
           or not all(c.isalnum() or c == "-" for c in label) for label in labels):
        raise MailAccountError(f"{raw!r} is not a valid host name", "host")
    return ascii_host


def make_account(kind: str, host: str, port: int | None, user: str, password: str, security: str) -> MailAccount:
    """A checked account from its parts; MailAccountError says what is wrong (plain only to loopback)."""
    if kind not in KINDS:
        raise MailAccountError(f"unknown mail account kind {kind!r}")
    if security not in SECURITY:
        raise MailAccountError(f"unknown connection security {security!r}; use tls, starttls or plain", "security")
    host = _host(host or "")
    if port is None:
        port = DEFAULT_PORTS[(kind, security)]
    if not 1 <= int(port) <= 65535:
        raise MailAccountError(f"port {port} is not between 1 and 65535", "port")
    if security == "plain" and not is_loopback(host):
        raise MailAccountError(
            f"a plain (unencrypted) {kind.upper()} connection to {host} is refused: only a loopback host such as "
            f"127.0.0.1 may be reached without TLS; use {kind}s:// or {kind}:// (TLS or STARTTLS)", "security")
    user = _clean(user or "", "user name", _MAX_USER, "user")
    password = _clean(password or "", "password", _MAX_PASSWORD, "password")
    if not user or not password:
        raise MailAccountError(f"the {kind.upper()} account needs a user name and a password (user:password@host)",
                               "password" if user else "user")
    return MailAccount(kind, host, int(port), user, password, security)


def parse_mail_url(url: str, kind: str | None = None) -> MailAccount:
    """The account an smtp://, smtps://, imap:// or imaps:// URL names (user and password URL-decoded).

    With `kind` ("smtp" or "imap"), a URL of the other kind is refused. The error never repeats the URL,
    since it holds a password.
    """
    text = (url or "").strip()
    if any(ord(c) < 32 or ord(c) == 127 for c in text):  # urlsplit would silently drop them
        raise MailAccountError("the URL contains a control character (such as a line break)")
    scheme = text.partition("://")[0].lower() if "://" in text else ""
    if scheme not in _SCHEMES:
        raise MailAccountError("a mail account is written smtp://, smtps://, imap:// or imaps:// "
                               "user:password@host:port (add +insecure after the scheme for a loopback test server)")
    found_kind, security = _SCHEMES[scheme]
    if kind is not None and found_kind != kind:
        raise MailAccountError(f"expected an {kind}:// or {kind}s:// URL, not {scheme}://")
    parts = urlsplit(text)
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise MailAccountError("a mail account URL has no path, query or fragment after host:port")
    if "@" not in parts.netloc:
        raise MailAccountError("the URL needs user:password@ before the host")
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user, colon, password = userinfo.partition(":")
    if not colon:
        raise MailAccountError("the URL needs user:password@ before the host (no password given)")
    try:
        port = parts.port
    except ValueError as exc:
        raise MailAccountError("the port is not a number between 1 and 65535") from exc
    if port == 0:
        raise MailAccountError("the port is not a number between 1 and 65535")
    host = parts.hostname or ""
    if not host and hostport:
        raise MailAccountError("the URL has no valid host")
    return make_account(found_kind, host, port, unquote(user), unquote(password), security)
