"""Which IMAP mailbox holds a sender identity's replies: the one place the poller asks."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from flask import current_app

from crm.mail.imap import ImapAccount
from crm.outreach.models import SenderIdentity

_SCHEMES = {"imaps": ("tls", 993), "imap": ("starttls", 143), "imap+insecure": ("plain", 143)}


def account_from_url(url: str, ca_file: str | None = None) -> ImapAccount:
    """An account from imaps://user:pass@host:port (TLS), imap:// (STARTTLS) or imap+insecure:// (plain)."""
    parts = urlsplit(url)
    if parts.scheme not in _SCHEMES or not parts.hostname:
        raise ValueError("an IMAP account is imaps://, imap:// or imap+insecure://user:password@host:port")
    security, port = _SCHEMES[parts.scheme]
    return ImapAccount(parts.hostname, parts.port or port, unquote(parts.username or ""),
                       unquote(parts.password or ""), security, ca_file)


def imap_account_for(sender: SenderIdentity) -> ImapAccount | None:
    """The IMAP account of a sender identity, or None when it has none.

    Read from the IMAP_ACCOUNTS setting (sender address -> URL) until sender identities carry their own
    mailbox fields; then this reads those fields and nothing else changes.
    """
    url = (current_app.config.get("IMAP_ACCOUNTS") or {}).get(sender.from_email.lower())
    if not url:
        return None
    return account_from_url(url, current_app.config.get("IMAP_CA_FILE") or None)
