"""Read-only share links for campaign reports: signed tokens, stored only as a hash, expiring and revocable."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from itsdangerous import BadSignature, Signer
from sqlalchemy import select

from crm.accounts import audit
from crm.accounts.models import User
from crm.db import utcnow
from crm.extensions import db
from crm.reports.models import ShareLink

SALT = "crm.reports.share-link.v1"
EXPIRY_DAYS = (1, 7, 30, 90)
DEFAULT_EXPIRY_DAYS = 30
_MAX_TOKEN = 200


class ShareError(ValueError):
    """A share link that cannot be made, with a message for the user."""


def _signer(secret_key) -> Signer:
    return Signer(secret_key, salt=SALT, key_derivation="hmac", digest_method=hashlib.sha256)


def token_hash(token: str) -> str:
    """What is stored for a token: its SHA-256, so a leaked table opens no report."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


NOTES = ("show_risks", "show_costs", "show_reply_rates")  # internal notes a client sees only when ticked in


def create(workspace_id: int, campaign_id: int, user_id: int | None, days: int, secret_key,
           notes: dict[str, bool] | None = None) -> tuple[ShareLink, str]:
    """A new share link valid for `days` days, showing the internal notes ticked in `notes` (none by default);
    returns the row and the token (shown once, never stored); commits."""
    if days not in EXPIRY_DAYS:
        raise ShareError(f"Choose an expiry of {', '.join(str(d) for d in EXPIRY_DAYS)} days.")
    # Signed random bytes: a forged token is refused before any database lookup.
    token = _signer(secret_key).sign(secrets.token_urlsafe(32)).decode("ascii")
    row = ShareLink(workspace_id=workspace_id, campaign_id=campaign_id, token_hash=token_hash(token),
                    created_by_id=user_id, created_at=utcnow(), expires_at=utcnow() + timedelta(days=days),
                    **ticked(notes))
    db.session.add(row)
    audit.record(workspace_id, "share_link_created", user_id,
                 detail={"campaign_id": campaign_id, "days": days, **ticked(notes)})
    db.session.commit()
    return row, token


def ticked(notes: dict[str, bool] | None) -> dict[str, bool]:
    """Every internal note, on only where `notes` ticks it in."""
    return {key: bool((notes or {}).get(key)) for key in NOTES}


def notes_of(row) -> dict[str, bool]:
    """The internal notes a share link or a mailed report shows."""
    return {key: bool(getattr(row, key)) for key in NOTES}


def set_notes(row: ShareLink, notes: dict[str, bool], user_id: int | None) -> None:
    """Change which internal notes a share link shows (takes effect on the next page view); commits."""
    for key, value in ticked(notes).items():
        setattr(row, key, value)
    audit.record(row.workspace_id, "share_link_notes_changed", user_id,
                 detail={"campaign_id": row.campaign_id, **ticked(notes)})
    db.session.commit()


def resolve(token: str, secret_key, now: datetime | None = None) -> ShareLink | None:
    """The live share link a token opens; None when forged, unknown, expired or revoked."""
    if not token or len(token) > _MAX_TOKEN:
        return None
    try:
        _signer(secret_key).unsign(token)
    except BadSignature:
        return None
    row = db.session.scalar(select(ShareLink).where(ShareLink.token_hash == token_hash(token)))
    if row is None or row.revoked_at is not None or row.expires_at <= (now or utcnow()):
        return None
    return row


def revoke(row: ShareLink) -> bool:
    """Withdraw a share link at once; False when it was already revoked; commits."""
    if row.revoked_at is not None:
        return False
    row.revoked_at = utcnow()
    audit.record(row.workspace_id, "share_link_revoked", detail={"campaign_id": row.campaign_id})
    db.session.commit()
    return True


def state(row: ShareLink, now: datetime | None = None) -> str:
    """active, expired or revoked."""
    if row.revoked_at is not None:
        return "revoked"
    return "expired" if row.expires_at <= (now or utcnow()) else "active"


def for_campaign(workspace_id: int, campaign_id: int, limit: int = 20) -> list[tuple[ShareLink, str]]:
    """A campaign's share links, newest first, with who made each."""
    query = (
        select(ShareLink, User.name, User.email)
        .outerjoin(User, User.id == ShareLink.created_by_id)
        .where(ShareLink.workspace_id == workspace_id, ShareLink.campaign_id == campaign_id)
        .order_by(ShareLink.created_at.desc(), ShareLink.id.desc())
        .limit(limit)
    )
    return [(row, name or email or "a former member") for row, name, email in db.session.execute(query)]
