"""Helpers that post to the webhooks the way SendGrid does: signed event batches and Inbound Parse forms."""

from __future__ import annotations

import base64
import json
import time
import uuid

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from crm.outreach.webhook_signature import SIGNATURE_HEADER, TIMESTAMP_HEADER

KEY = ec.generate_private_key(ec.SECP256R1())


def console_key(private_key=KEY) -> str:
    """The verification key as SendGrid's console shows it (base64 DER)."""
    der = private_key.public_key().public_bytes(serialization.Encoding.DER,
                                                serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(der).decode()


def signed_headers(body: bytes, timestamp: int | None = None, private_key=KEY) -> dict[str, str]:
    """The two headers SendGrid adds: an ECDSA signature over timestamp + body, and the timestamp."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = private_key.sign(stamp.encode() + body, ec.ECDSA(hashes.SHA256()))
    return {SIGNATURE_HEADER: base64.b64encode(signature).decode(), TIMESTAMP_HEADER: stamp,
            "Content-Type": "application/json"}


def event(message, kind: str, **extra) -> dict:
    """One event about an outbox row, carrying the row's custom args as SendGrid flattens them."""
    return {"email": message.to_email, "timestamp": int(time.time()), "event": kind,
            "sg_event_id": extra.pop("sg_event_id", uuid.uuid4().hex), "sg_message_id": "sgmsg.filter0001",
            "outbound_id": str(message.id), "workspace_id": str(message.workspace_id), **extra}


def post_events(client, events: list[dict], **sign):
    """POST a signed batch to the Event Webhook."""
    body = json.dumps(events).encode()
    return client.post("/webhooks/sendgrid/events", data=body, headers=signed_headers(body, **sign))


def inbound_url(app, workspace_id: int) -> str:
    """The workspace's own Inbound Parse address, as its settings page shows it to owners."""
    from crm.outreach import inbound_addresses

    with app.app_context():
        return f"/webhooks/sendgrid/inbound/{inbound_addresses.secret_of(workspace_id)}"


def parse_form(message=None, *, sender=None, subject=None, text="Sounds great, send the topics!", to=None,
               headers: dict | None = None, html="") -> dict:
    """An Inbound Parse form (SendGrid's default, parsed mode) replying to an outbox row."""
    to = to or (message.reply_to if message is not None else "someone@agency.example")
    sender = sender or (message.to_email if message is not None else "stranger@else.example")
    subject = subject or (f"Re: {message.subject}" if message is not None else "Hello")
    raw_headers = {"From": sender, "To": to, "Subject": subject,
                   "Message-ID": f"<{uuid.uuid4().hex}@mail.example>", "Date": "Tue, 24 Nov 2026 10:00:00 +0000",
                   **(headers or {})}
    return {
        "headers": "\n".join(f"{k}: {v}" for k, v in raw_headers.items() if v is not None) + "\n",
        "from": sender, "to": to, "subject": subject, "text": text, "html": html,
        "envelope": json.dumps({"to": [to], "from": sender}), "charsets": json.dumps({"text": "UTF-8"}),
        "SPF": "pass", "dkim": "{@mail.example : pass}",
    }
