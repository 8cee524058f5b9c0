"""Mail the reports send (the team's daily link digest, clients' monthly reports) through the configured backend."""

from __future__ import annotations

import logging
from email.utils import parseaddr

from flask import current_app

from crm.outreach.mail import Address, OutgoingMessage
from crm.outreach.sending import backend_for

log = logging.getLogger(__name__)


def deliver(subject: str, text: str, recipients: list[str], key: str, category: str, *, sender: Address,
            reply_to: Address | None = None, html: str | None = None) -> int:
    """Send one message to each recipient (file backend or SendGrid, as MAIL_BACKEND says); returns how many went."""
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


def deliver_digest(subject: str, text: str, recipients: list[str], key: str) -> int:
    """Send a link digest to each recipient; returns how many went."""
    name, email = parseaddr(current_app.config.get("LINKS_DIGEST_FROM") or "")
    return deliver(subject, text, recipients, key, "link-digest",
                   sender=Address(email or "links@outreach-crm.invalid", name))
