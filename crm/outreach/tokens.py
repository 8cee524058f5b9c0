"""Signed, opaque tokens for Reply-To addresses (reply+<token>@REPLY_DOMAIN) and unsubscribe links (/u/<token>).

A token is base32 (lowercase, unpadded) of a few integer ids packed as varints followed by an 80-bit
truncated HMAC-SHA256. Base32 is case-insensitive, so a token survives mail systems that lowercase
the local part, and it is URL-safe. The ids are the product's own row ids, never an address or a name.
Keys are derived with itsdangerous from SECRET_KEY and a salt per purpose, so a reply token can never
be used as an unsubscribe token; pass a list of secrets to rotate keys (the last one signs).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass
from email.utils import parseaddr
from functools import lru_cache

from itsdangerous import Signer

REPLY_SALT = "crm.outreach.reply-to.v1"
UNSUBSCRIBE_SALT = "crm.outreach.unsubscribe.v1"
REPLY_PREFIX = "reply+"
_MAC_BYTES = 10
_MAX_TOKEN_CHARS = 96  # a few ids at most; refusing longer input keeps garbage cheap to reject
_MAX_LOCAL_PART = 64  # RFC 5321's limit for the part of an address before the @
_MAX_VARINT_BYTES = 10

SecretKeys = str | bytes | list[str | bytes]


class TokenError(ValueError):
    """The token was not issued by us for this purpose, or is damaged."""


def _pack(ids: tuple[int, ...]) -> bytes:
    out = bytearray()
    for number in ids:
        if not isinstance(number, int) or isinstance(number, bool) or number < 0:
            raise ValueError("token ids must be non-negative integers")
        while True:
            low, number = number & 0x7F, number >> 7
            out.append(low | (0x80 if number else 0))
            if not number:
                break
    return bytes(out)


def _unpack(data: bytes) -> tuple[int, ...]:
    ids, number, shift, length = [], 0, 0, 0
    for byte in data:
        number |= (byte & 0x7F) << shift
        shift += 7
        length += 1
        if length > _MAX_VARINT_BYTES:
            raise TokenError("token id is too long")
        if not byte & 0x80:
            ids.append(number)
            number, shift, length = 0, 0, 0
    if length:
        raise TokenError("token is truncated")
    return tuple(ids)


class IdSigner:
    """Signs a short tuple of integer ids into a compact, case-insensitive token for one purpose."""

    def __init__(self, secret_key: SecretKeys, salt: str):
        self._signer = Signer(secret_key, salt=salt, key_derivation="hmac", digest_method=hashlib.sha256)
        self._keys: dict[bytes, bytes] = {}

    def _mac(self, payload: bytes, secret: bytes) -> bytes:
        key = self._keys.get(secret)
        if key is None:
            key = self._keys[secret] = self._signer.derive_key(secret)
        return hmac.digest(key, payload, "sha256")[:_MAC_BYTES]  # the one-shot form of hmac.new(...).digest()

    def sign(self, *ids: int) -> str:
        """The token for these ids."""
        if not ids:
            raise ValueError("a token needs at least one id")
        payload = _pack(ids)
        raw = payload + self._mac(payload, self._signer.secret_keys[-1])
        token = base64.b32encode(raw).decode("ascii").rstrip("=").lower()
        if len(token) > _MAX_TOKEN_CHARS:
            raise ValueError("too many or too large ids for one token")
        return token

    def unsign(self, token: str) -> tuple[int, ...]:
        """The ids inside a token we issued; TokenError otherwise."""
        text = (token or "").strip().upper()
        if not text or len(text) > _MAX_TOKEN_CHARS:
            raise TokenError("token is empty or too long")
        try:
            raw = base64.b32decode(text + "=" * (-len(text) % 8))
        except (binascii.Error, ValueError) as exc:
            raise TokenError("token is not base32") from exc
        if base64.b32encode(raw).decode("ascii").rstrip("=") != text:
            raise TokenError("token is not in canonical form")  # unused trailing bits must not make variants
        payload, mac = raw[:-_MAC_BYTES], raw[-_MAC_BYTES:]
        if not payload:
            raise TokenError("token is too short")
        if not any(hmac.compare_digest(mac, self._mac(payload, key)) for key in self._signer.secret_keys):
            raise TokenError("token signature does not match")
        return _unpack(payload)


@lru_cache(maxsize=16)
def _cached_signer(secret_key: str | bytes, salt: str) -> IdSigner:
    return IdSigner(secret_key, salt)


def _signer(secret_key: SecretKeys, salt: str) -> IdSigner:
    """The signer for a key and purpose, made once per key: a launch signs a token for every message."""
    return _cached_signer(secret_key, salt) if isinstance(secret_key, str | bytes) else IdSigner(secret_key, salt)


def reply_token(secret_key: SecretKeys, message_id: int) -> str:
    """Token naming the outbound message a reply answers."""
    return _signer(secret_key, REPLY_SALT).sign(message_id)


def read_reply_token(secret_key: SecretKeys, token: str) -> int:
    """The outbound message id in a reply token."""
    ids = IdSigner(secret_key, REPLY_SALT).unsign(token)
    if len(ids) != 1:
        raise TokenError("reply token holds the wrong number of ids")
    return ids[0]


def reply_address(secret_key: SecretKeys, message_id: int, reply_domain: str) -> str:
    """The Reply-To address for one outbound message: reply+<token>@REPLY_DOMAIN."""
    local = REPLY_PREFIX + reply_token(secret_key, message_id)
    if len(local) > _MAX_LOCAL_PART:
        raise ValueError("message id is too large for a reply address")
    return f"{local}@{reply_domain.strip().lower()}"


def token_from_address(address: str, reply_domain: str) -> str | None:
    """The token in a reply+<token>@REPLY_DOMAIN recipient (any case, display name allowed), else None."""
    _, bare = parseaddr(address or "")
    local, _, domain = bare.lower().rpartition("@")
    if domain != reply_domain.strip().lower() or not local.startswith(REPLY_PREFIX):
        return None
    return local[len(REPLY_PREFIX) :] or None


@dataclass(frozen=True)
class UnsubscribeRef:
    """Who an unsubscribe link belongs to, by id."""

    workspace_id: int
    contact_id: int


def unsubscribe_token(secret_key: SecretKeys, workspace_id: int, contact_id: int) -> str:
    """Token for the one-click unsubscribe URL /u/<token>; it never expires, as the law expects."""
    return _signer(secret_key, UNSUBSCRIBE_SALT).sign(workspace_id, contact_id)


def read_unsubscribe_token(secret_key: SecretKeys, token: str) -> UnsubscribeRef:
    """The workspace and contact an unsubscribe token names; TokenError when forged or damaged."""
    ids = IdSigner(secret_key, UNSUBSCRIBE_SALT).unsign(token)
    if len(ids) != 2:
        raise TokenError("unsubscribe token holds the wrong number of ids")
    return UnsubscribeRef(*ids)
