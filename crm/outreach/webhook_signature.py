"""Verify SendGrid Event Webhook signatures: ECDSA P-256 with SHA-256 over the timestamp and the raw body.

SendGrid's console shows the verification key as base64 DER (SENDGRID_WEBHOOK_PUBLIC_KEY); a PEM
key is accepted too. A request passes only with a valid signature and a timestamp inside the
tolerance window, which bounds how long a captured request can be replayed; repeats inside the
window are caught downstream, where events are unique by SendGrid's event id.
"""

from __future__ import annotations

import base64
import binascii
import re
import time
from collections.abc import Mapping
from datetime import datetime

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_der_public_key, load_pem_public_key

SIGNATURE_HEADER = "X-Twilio-Email-Event-Webhook-Signature"
TIMESTAMP_HEADER = "X-Twilio-Email-Event-Webhook-Timestamp"
DEFAULT_TOLERANCE_SECONDS = 300
_MAX_SIGNATURE_CHARS = 512  # a DER P-256 signature is at most 72 bytes; anything longer is not one


class SignatureError(Exception):
    """The request is not a genuine, fresh SendGrid event delivery; the message says why."""


def _b64decode(value: str, what: str) -> bytes:
    try:
        return base64.b64decode(re.sub(r"\s+", "", value), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SignatureError(f"{what} is not valid base64") from exc


def load_public_key(value: str) -> ec.EllipticCurvePublicKey:
    """Read the console's base64 DER key (or a PEM key); ValueError when it is not a P-256 public key."""
    text = (value or "").strip()
    if not text:
        raise ValueError("SENDGRID_WEBHOOK_PUBLIC_KEY is empty")
    try:
        if text.startswith("-----BEGIN"):
            key = load_pem_public_key(text.encode("ascii"))
        else:
            key = load_der_public_key(_b64decode(text, "the public key"))
    except (SignatureError, ValueError, UnsupportedAlgorithm) as exc:
        raise ValueError(f"SENDGRID_WEBHOOK_PUBLIC_KEY is not a public key: {exc}") from exc
    if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, ec.SECP256R1):
        raise ValueError("SENDGRID_WEBHOOK_PUBLIC_KEY must be an ECDSA P-256 key")
    return key


def _seconds(now: datetime | float | None) -> float:
    if now is None:
        return time.time()
    return now.timestamp() if isinstance(now, datetime) else float(now)


class EventWebhookVerifier:
    """Checks Event Webhook requests against one public key."""

    def __init__(self, public_key: str | ec.EllipticCurvePublicKey, tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS):
        self.public_key = load_public_key(public_key) if isinstance(public_key, str) else public_key
        self.tolerance_seconds = tolerance_seconds

    def verify(
        self, body: bytes, signature: str | None, timestamp: str | None, now: datetime | float | None = None
    ) -> None:
        """Raise SignatureError unless the signature matches and the timestamp is fresh."""
        if not signature:
            raise SignatureError(f"missing {SIGNATURE_HEADER} header")
        if not timestamp:
            raise SignatureError(f"missing {TIMESTAMP_HEADER} header")
        timestamp = timestamp.strip()
        if not timestamp.isascii() or not timestamp.isdigit():
            raise SignatureError("timestamp is not a number of seconds")
        if abs(_seconds(now) - int(timestamp)) > self.tolerance_seconds:
            raise SignatureError("timestamp is outside the accepted window")
        if len(signature) > _MAX_SIGNATURE_CHARS:
            raise SignatureError("signature is too long")
        raw = _b64decode(signature, "signature")
        try:
            self.public_key.verify(raw, timestamp.encode("ascii") + body, ec.ECDSA(hashes.SHA256()))
        except (InvalidSignature, ValueError) as exc:
            raise SignatureError("signature does not match the body and timestamp") from exc

    def verify_request(self, body: bytes, headers: Mapping[str, str], now: datetime | float | None = None) -> None:
        """Verify using the request's headers, looked up without regard to case."""
        lowered = {str(name).lower(): value for name, value in headers.items()}
        self.verify(body, lowered.get(SIGNATURE_HEADER.lower()), lowered.get(TIMESTAMP_HEADER.lower()), now)


def verify_event_webhook(
    public_key: str,
    body: bytes,
    signature: str | None,
    timestamp: str | None,
    now: datetime | float | None = None,
    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
) -> None:
    """One-shot check of an Event Webhook request; raises SignatureError when it must be refused."""
    EventWebhookVerifier(public_key, tolerance_seconds).verify(body, signature, timestamp, now)
