"""Mail to the team (the daily link digest) through the product's configured mail backend."""

from __future__ import annotations

import logging
from email.utils import parseaddr

from flask import current_app

from crm.outreach.mail import Address, OutgoingMessage
from crm.outreach.sending import backend_for

log = logging.getLogger(__name__)


def deliver_digest(subject: str, text: str, recipients: list[str], key: str) -> int:
    """Send a digest to each recipient (file backend or SendGrid, as MAIL_BACKEND says); returns how many went."""
    name, email = parseaddr(current_app.config.get("LINKS_DIGEST_FROM") or "")
    sender = Address(email or "links@outreach-crm.invalid", name)
    backend = backend_for(current_app)
    accepted = 0
    for address in recipients:
        message = OutgoingMessage(
            sender=sender, recipient=Address(address), subject=subject, text=text,
            idempotency_key=f"{key}:{address}", categories=("link-digest",),
        )
        outcome = backend.send(message)
        if outcome.accepted:
            accepted += 1
        else:
            log.warning("link digest to %s not sent: %s", address, outcome.reason or outcome.status)
    return accepted
