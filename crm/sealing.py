"""Sealing small secrets at rest with Fernet, under a key derived from SECRET_KEY and a purpose."""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken


class SealError(ValueError):
    """The sealed value was not made with this SECRET_KEY and purpose, or is damaged."""


def _fernet(secret_key: str, purpose: str) -> Fernet:
    # one key per purpose, so a value sealed for one use can never be opened as another
    raw = hmac.new(secret_key.encode("utf-8"), f"crm.sealing.{purpose}".encode(), hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(raw))


def seal(secret_key: str, purpose: str, value: str) -> str:
    """The value encrypted and authenticated, as text safe to store."""
    return _fernet(secret_key, purpose).encrypt(value.encode("utf-8")).decode("ascii")


def unseal(secret_key: str, purpose: str, sealed: str) -> str:
    """The value inside a sealed text; SealError when it was sealed otherwise or tampered with."""
    try:
        return _fernet(secret_key, purpose).decrypt((sealed or "").encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError, ValueError) as exc:
        raise SealError("the sealed value cannot be opened with this SECRET_KEY") from exc
