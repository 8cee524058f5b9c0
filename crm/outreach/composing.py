"""From an outbox row to the message a backend sends: footer, unsubscribe headers, Reply-To token, threading.

Everything here takes values (a row's fields, the settings) and returns values, so the Prism contract
test and the sender build exactly the same message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from crm.mail.message import Address, OutgoingMessage, make_message_id, text_to_html, thread_headers
from crm.mail.message import unsubscribe_headers as list_unsubscribe_headers
from crm.outreach.tokens import reply_address, unsubscribe_token

UNSUBSCRIBE_PREFIX = "unsubscribe+"
FOOTER_SEPARATOR = "\n\n--\n"


@dataclass(frozen=True)
class Settings:
    """What composing needs from the app's configuration."""

    secret_key: str
    base_url: str
    reply_domain: str = ""

    @classmethod
    def from_config(cls, config, identity_reply_domain: str = "") -> Settings:
        """Settings from a Flask config; an identity's reply domain wins over REPLY_DOMAIN."""
        return cls(
            secret_key=config["SECRET_KEY"],
            base_url=(config.get("PUBLIC_BASE_URL") or "").rstrip("/"),
            reply_domain=(identity_reply_domain or config.get("REPLY_DOMAIN") or "").strip().lower(),
        )


def unsubscribe_url(settings: Settings, workspace_id: int, contact_id: int) -> str:
    """The one-click unsubscribe page for a contact."""
    return f"{settings.base_url}/u/{unsubscribe_token(settings.secret_key, workspace_id, contact_id)}"


@lru_cache(maxsize=64)  # a launch puts the same workspace's address in thousands of footers
def _address_line(postal_address: str) -> str:
    return " ".join(line.strip() for line in (postal_address or "").splitlines() if line.strip())


def footer(postal_address: str, unsubscribe_link: str) -> str:
    """The footer every message carries: who we are, where, and how to stop further mail."""
    address = _address_line(postal_address)
    return f"{FOOTER_SEPARATOR}{address}\nTo stop receiving these emails, unsubscribe: {unsubscribe_link}\n"


def with_footer(body: str, postal_address: str, unsubscribe_link: str) -> str:
    """The body with the footer appended."""
    return body.rstrip() + footer(postal_address, unsubscribe_link)


def message_id_for(idempotency_key: str, from_email: str) -> str:
    """The Message-ID of an outbox row, fixed by its idempotency key so retries and follow-ups agree."""
    return make_message_id(idempotency_key, from_email.rpartition("@")[2] or "localhost")


def reply_to_for(settings: Settings, message_id: int) -> str:
    """The Reply-To address carrying a signed token for the row, or "" without a reply domain."""
    if not settings.reply_domain:
        return ""
    return reply_address(settings.secret_key, message_id, settings.reply_domain)


def unsubscribe_headers_for(settings: Settings, workspace_id: int, contact_id: int) -> dict[str, str]:
    """List-Unsubscribe (and List-Unsubscribe-Post for an HTTPS link) for a contact."""
    token = unsubscribe_token(settings.secret_key, workspace_id, contact_id)
    mailto = f"{UNSUBSCRIBE_PREFIX}{token}@{settings.reply_domain}" if settings.reply_domain else None
    return list_unsubscribe_headers(unsubscribe_url(settings, workspace_id, contact_id), mailto)


def build(row, settings: Settings, references: Sequence[str] = ()) -> OutgoingMessage:
    """The OutgoingMessage for an outbox row; `references` are the Message-IDs of earlier steps, oldest first."""
    headers = {}
    if row.contact_id is not None:
        headers.update(unsubscribe_headers_for(settings, row.workspace_id, row.contact_id))
    if row.in_reply_to:
        headers.update(thread_headers(row.in_reply_to, references))
    reply_to = Address(row.reply_to, row.from_name) if row.reply_to else None
    categories = ("outreach", f"campaign-{row.campaign_id}") if row.campaign_id else ("outreach",)
    return OutgoingMessage(
        sender=Address(row.from_email, row.from_name or ""),
        recipient=Address(row.to_email, row.to_name or ""),
        subject=row.subject,
        text=row.body_text,
        html=row.body_html or text_to_html(row.body_text),
        idempotency_key=row.idempotency_key,
        reply_to=reply_to,
        headers=headers,
        custom_args={"outbound_id": str(row.id), "workspace_id": str(row.workspace_id)},
        categories=categories,
        message_id=row.message_id_header or None,
    )

