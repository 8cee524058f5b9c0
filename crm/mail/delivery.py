"""The configured mail path: the backend MAIL_BACKEND names, and plain notices (digests, reports) sent through it."""

from __future__ import annotations

import logging
import os
from email.utils import parseaddr

from flask import Flask, current_app

from crm.mail.backends import create_backend
from crm.mail.message import Address, MailBackend, OutgoingMessage

log = logging.getLogger(__name__)


def outbox_directory(app: Flask) -> str:
    """Where the file backend keeps its .eml files."""
    return os.path.join(app.instance_path, "outbox")


def backend_for(app: Flask) -> MailBackend:
    """The mail backend MAIL_BACKEND names, configured from the app's settings."""
    config = app.config
    return create_backend(
        config.get("MAIL_BACKEND") or "file",
        directory=outbox_directory(app),
        api_key=config.get("SENDGRID_API_KEY"),
        host=config.get("SENDGRID_API_HOST"),
        timeout=float(config.get("SENDGRID_TIMEOUT", 10)),
    )


def address_setting(name: str, fallback: str) -> Address:
    """A sender address from a setting written as "Name <email>" or "email"; the fallback when unset."""
    display, email = parseaddr(current_app.config.get(name) or "")
    return Address(email or fallback, display)


def send_notice(subject: str, text: str, recipients: list[str], key: str, category: str, *, sender: Address,
                reply_to: Address | None = None, html: str | None = None) -> int:
    """Send one message to each recipient through the configured backend; returns how many were accepted.

    The idempotency key is `key:address`, so sending the same notice again does not mail anyone twice on the
    file backend, and SendGrid sees one key per recipient.
    """
    backend = backend_for(current_app)
    accepted = 0
    for address in recipients:
        message = OutgoingMessage(
            sender=sender, recipient=Address(address), subject=subject, text=text, html=html, reply_to=reply_to,
            idempotency_key=f"{key}:{address}", categories=(category,),
        )
        outcome = backend.send(message)
        if outcome.accepted:
            accepted += 1
        else:
            log.warning("%s to %s not sent: %s", category, address, outcome.reason or outcome.status)
    return accepted
