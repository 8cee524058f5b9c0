"""Each workspace's Inbound Parse secret: made on first need, found by its hash, rotated by owners."""

from __future__ import annotations

import hashlib
import secrets

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from crm.db import utcnow
from crm.extensions import db
from crm.outreach.models import InboundAddress
from crm.sealing import SealError, seal, unseal

PURPOSE = "inbound-parse-secret"
SECRET_BYTES = 24  # 32 URL-safe characters, 192 bits: out of reach of guessing
_MAX_SECRET_CHARS = 100


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "replace")).hexdigest()


def _new_secret() -> tuple[str, str, str]:
    secret = secrets.token_urlsafe(SECRET_BYTES)
    return secret, _hash(secret), seal(current_app.config["SECRET_KEY"], PURPOSE, secret)


def workspace_for(secret: str) -> int | None:
    """The workspace whose inbound address carries this secret, or None."""
    if not secret or len(secret) > _MAX_SECRET_CHARS:
        return None
    return db.session.scalar(select(InboundAddress.workspace_id).where(InboundAddress.secret_hash == _hash(secret)))


def secret_of(workspace_id: int) -> str:
    """The workspace's current secret, made (and committed) when it has none yet or SECRET_KEY changed."""
    row = db.session.scalar(select(InboundAddress).where(InboundAddress.workspace_id == workspace_id))
    if row is not None:
        try:
            return unseal(current_app.config["SECRET_KEY"], PURPOSE, row.secret_sealed)
        except SealError:
            return rotate(workspace_id)  # sealed under an old SECRET_KEY: the URL cannot be shown, so make a new one
    secret, digest, sealed = _new_secret()
    db.session.add(InboundAddress(workspace_id=workspace_id, secret_hash=digest, secret_sealed=sealed))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # another request made it at the same moment: show that one
        return secret_of(workspace_id)
    return secret


def rotate(workspace_id: int) -> str:
    """Give the workspace a new secret; the old address stops answering at once. Commits; returns the secret."""
    secret, digest, sealed = _new_secret()
    row = db.session.scalar(select(InboundAddress).where(InboundAddress.workspace_id == workspace_id))
    if row is None:
        db.session.add(InboundAddress(workspace_id=workspace_id, secret_hash=digest, secret_sealed=sealed))
    else:
        row.secret_hash, row.secret_sealed, row.updated_at = digest, sealed, utcnow()
    db.session.commit()
    return secret
