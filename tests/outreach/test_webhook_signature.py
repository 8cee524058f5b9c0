"""Only genuine, fresh SendGrid Event Webhook deliveries get through."""

import base64
import json

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from crm.outreach.webhook_signature import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    EventWebhookVerifier,
    SignatureError,
    load_public_key,
    verify_event_webhook,
)

NOW = 1_795_000_000
BODY = json.dumps([{"email": "ana@gardenblog.example", "event": "delivered", "sg_event_id": "e1"}]).encode()


def console_key(private_key) -> str:
    """The public key the way SendGrid's console shows it: base64 of DER SubjectPublicKeyInfo."""
    der = private_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(der).decode()


def sign(private_key, timestamp: str, body: bytes) -> str:
    return base64.b64encode(private_key.sign(timestamp.encode() + body, ec.ECDSA(hashes.SHA256()))).decode()


@pytest.fixture(scope="module")
def key():
    return ec.generate_private_key(ec.SECP256R1())


@pytest.fixture
def verifier(key):
    return EventWebhookVerifier(console_key(key))


def test_genuine_delivery_passes(key, verifier):
    timestamp = str(NOW)
    verifier.verify(BODY, sign(key, timestamp, BODY), timestamp, now=NOW + 10)
    verify_event_webhook(console_key(key), BODY, sign(key, timestamp, BODY), timestamp, now=NOW)


def test_headers_are_found_in_any_case(key, verifier):
    timestamp = str(NOW)
    headers = {SIGNATURE_HEADER.lower(): sign(key, timestamp, BODY), TIMESTAMP_HEADER.upper(): timestamp}
    verifier.verify_request(BODY, headers, now=NOW)


def test_tampered_body_is_refused(key, verifier):
    timestamp = str(NOW)
    signature = sign(key, timestamp, BODY)
    with pytest.raises(SignatureError, match="does not match"):
        verifier.verify(BODY.replace(b"delivered", b"bounce"), signature, timestamp, now=NOW)


def test_timestamp_swapped_under_a_valid_signature_is_refused(key, verifier):
    signature = sign(key, str(NOW), BODY)
    with pytest.raises(SignatureError, match="does not match"):
        verifier.verify(BODY, signature, str(NOW + 1), now=NOW)


def test_replayed_old_delivery_is_refused(key, verifier):
    timestamp = str(NOW - 301)
    with pytest.raises(SignatureError, match="outside the accepted window"):
        verifier.verify(BODY, sign(key, timestamp, BODY), timestamp, now=NOW)


def test_timestamp_from_the_future_is_refused(key, verifier):
    timestamp = str(NOW + 3600)
    with pytest.raises(SignatureError, match="outside"):
        verifier.verify(BODY, sign(key, timestamp, BODY), timestamp, now=NOW)


def test_tolerance_is_a_parameter(key):
    timestamp = str(NOW - 500)
    signature = sign(key, timestamp, BODY)
    EventWebhookVerifier(console_key(key), tolerance_seconds=600).verify(BODY, signature, timestamp, now=NOW)
    with pytest.raises(SignatureError):
        EventWebhookVerifier(console_key(key), tolerance_seconds=60).verify(BODY, signature, timestamp, now=NOW)


def test_signature_from_another_key_is_refused(verifier):
    other = ec.generate_private_key(ec.SECP256R1())
    with pytest.raises(SignatureError, match="does not match"):
        verifier.verify(BODY, sign(other, str(NOW), BODY), str(NOW), now=NOW)


@pytest.mark.parametrize(
    ("signature", "timestamp", "message"),
    [
        (None, str(NOW), "missing"),
        ("", str(NOW), "missing"),
        ("abc", None, "missing"),
        ("not base64!!", str(NOW), "base64"),
        (base64.b64encode(b"\x30\x02junk").decode(), str(NOW), "does not match"),
        ("A" * 1000, str(NOW), "too long"),
        ("abcd", "yesterday", "not a number"),
        ("abcd", "-5", "not a number"),
    ],
)
def test_malformed_requests_are_refused(verifier, signature, timestamp, message):
    with pytest.raises(SignatureError, match=message):
        verifier.verify(BODY, signature, timestamp, now=NOW)


def test_pem_keys_work_too(key):
    pem = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    verifier = EventWebhookVerifier(pem.decode())
    verifier.verify(BODY, sign(key, str(NOW), BODY), str(NOW), now=NOW)


@pytest.mark.parametrize(
    "make_key",
    [
        lambda: "",
        lambda: "%%% not base64 %%%",
        lambda: base64.b64encode(b"not a key").decode(),
        lambda: console_key(ec.generate_private_key(ec.SECP384R1())),
        lambda: console_key(rsa.generate_private_key(public_exponent=65537, key_size=2048)),
    ],
)
def test_bad_configured_keys_are_reported(make_key):
    with pytest.raises(ValueError, match="SENDGRID_WEBHOOK_PUBLIC_KEY"):
        load_public_key(make_key())
