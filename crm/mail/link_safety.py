"""Is PUBLIC_BASE_URL fit for unsubscribe links in real mail? A pure check for the launch checklist and send-due."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

REAL_BACKENDS = ("sendgrid", "smtp")
_PRIVATE_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa")


def unsafe_base_url_reason(base_url: str) -> str | None:
    """Why recipients could not reach an unsubscribe link under this base URL, or None when it is public https."""
    text = (base_url or "").strip()
    if not text:
        return "PUBLIC_BASE_URL is not set, so unsubscribe links would have no address"
    parts = urlsplit(text)
    if parts.scheme != "https":
        return f"PUBLIC_BASE_URL {text} is not https, so unsubscribe links would go over plain http"
    host = (parts.hostname or "").rstrip(".")
    if not host:
        return f"PUBLIC_BASE_URL {text} has no host"
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        if host == "localhost" or host.endswith(_PRIVATE_SUFFIXES) or "." not in host:
            return f"PUBLIC_BASE_URL {text} names a private host ({host}) recipients cannot reach"
        return None
    if not ip.is_global:
        kind = "loopback" if ip.is_loopback else "private"
        return f"PUBLIC_BASE_URL {text} is a {kind} address ({ip}) recipients cannot reach"
    return None


def refusal(base_url: str, backends: set[str]) -> str | None:
    """The reason real mail must not go with this base URL, or None (the file backend never refuses)."""
    if not set(backends) & set(REAL_BACKENDS):
        return None
    reason = unsafe_base_url_reason(base_url)
    if reason is None:
        return None
    return (f"Real mail is refused: {reason}. Set PUBLIC_BASE_URL to the public https address of this CRM "
            "before sending through SendGrid or SMTP.")
