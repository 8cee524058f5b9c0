"""Mail backends: .eml files for development and demos, SendGrid's v3 API in production."""

from __future__ import annotations

from pathlib import Path

from crm.mail.backends.file import FileBackend
from crm.mail.backends.sendgrid_api import DEFAULT_HOST, SendGridBackend
from crm.mail.message import MailBackend

__all__ = ["FileBackend", "SendGridBackend", "create_backend"]


def create_backend(
    kind: str,
    *,
    directory: str | Path | None = None,
    api_key: str | None = None,
    host: str | None = None,
    timeout: float = 10.0,
) -> MailBackend:
    """The backend MAIL_BACKEND names: "file" (needs a directory) or "sendgrid" (needs an API key)."""
    if kind == "file":
        if directory is None:
            raise ValueError("the file mail backend needs a directory")
        return FileBackend(directory)
    if kind == "sendgrid":
        if not api_key:
            raise ValueError("MAIL_BACKEND=sendgrid needs SENDGRID_API_KEY")
        return SendGridBackend(api_key, host or DEFAULT_HOST, timeout)
    raise ValueError(f"unknown MAIL_BACKEND {kind!r}; use 'file' or 'sendgrid'")
