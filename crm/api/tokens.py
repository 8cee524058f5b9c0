"""Making, finding, revoking and rate-limiting API tokens, and logging their calls."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, select, update

from crm.accounts.models import Membership, User
from crm.api.models import SCOPES, ApiCall, ApiToken
from crm.db import utcnow
from crm.extensions import db

TOKEN_PREFIX = "crm_"  # noqa: S105 - a marker, not a secret


class TokenError(ValueError):
    """A token that cannot be made as asked (the message says why)."""


@dataclass(frozen=True)
class Caller:
    """Who an API call acts as: the token's workspace, its creator and their role, and the token's scope."""

    token_id: int
    workspace_id: int
    user_id: int
    role: str
    scope: str

    @property
    def may_write(self) -> bool:
        """Write scope, and a role that may change things (viewers never can)."""
        return self.scope == "write" and self.role != "viewer"


def token_hash(plaintext: str) -> str:
    """The sha256 hex digest stored for a token (tokens are random, so no slow hash is needed)."""
    return hashlib.sha256(plaintext.encode()).hexdigest()


def create_token(workspace_id: int, *, name: str, scope: str = "read", created_by_id: int,
                 expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    """Make a token acting as `created_by_id` and return it with its plaintext (shown only now). Commits."""
    name = " ".join((name or "").split())[:120]
    if not name:
        raise TokenError("Give the token a name, so you recognise it later.")
    if scope not in SCOPES:
        raise TokenError(f"The scope is read or write, not {scope!r}.")
    if expires_at is not None and expires_at <= utcnow():
        raise TokenError("The expiry date is in the past.")
    if _role_of(workspace_id, created_by_id) is None:
        raise TokenError("The token's creator is not a member of this workspace.")
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(workspace_id=workspace_id, name=name, scope=scope, token_hash=token_hash(plaintext),
                     prefix=plaintext[: len(TOKEN_PREFIX) + 6], created_by_id=created_by_id, expires_at=expires_at)
    db.session.add(token)
    db.session.commit()
    return token, plaintext


def tokens_of(workspace_id: int) -> list[ApiToken]:
    """The workspace's tokens, newest first."""
    query = select(ApiToken).where(ApiToken.workspace_id == workspace_id).order_by(ApiToken.id.desc())
    return list(db.session.scalars(query))


def revoke(workspace_id: int, token_id: int) -> bool:
    """Revoke one of the workspace's tokens; False when there is no such token. Commits."""
    done = db.session.execute(update(ApiToken).where(
        ApiToken.id == token_id, ApiToken.workspace_id == workspace_id, ApiToken.revoked_at.is_(None),
    ).values(revoked_at=utcnow()).execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return bool(done)


def _role_of(workspace_id: int, user_id: int | None) -> str | None:
    if user_id is None:
        return None
    return db.session.scalar(select(Membership.role).join(User, User.id == Membership.user_id).where(
        Membership.workspace_id == workspace_id, Membership.user_id == user_id, User.active.is_(True)))


def authenticate(plaintext: str) -> Caller | None:
    """The caller a bearer token stands for; None when unknown, revoked, expired or its creator left."""
    if not plaintext.startswith(TOKEN_PREFIX) or len(plaintext) > 200:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(plaintext)))
    if token is None or token.state != "active":
        return None
    role = _role_of(token.workspace_id, token.created_by_id)
    if role is None:
        return None
    return Caller(token.id, token.workspace_id, token.created_by_id, role, token.scope)


def window_start(now: datetime, seconds: int) -> datetime:
    """The start of the fixed rate-limit window `now` falls in."""
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=now.tzinfo)


def retry_after(now: datetime, seconds: int) -> int:
    """Whole seconds until the next window opens (at least 1)."""
    return max(1, int((window_start(now, seconds) + timedelta(seconds=seconds) - now).total_seconds() + 0.999))


def count_call(token_id: int, *, limit: int, seconds: int, now: datetime | None = None) -> int | None:
    """Count a call in the token's window and mark it used; None when allowed, else seconds to wait. Commits.

    One UPDATE ... RETURNING does the counting, so concurrent calls on any number of workers never lose a count.
    """
    now = now or utcnow()
    start = window_start(now, seconds)
    same = ApiToken.window_started_at == start
    calls = db.session.execute(
        update(ApiToken).where(ApiToken.id == token_id)
        .values(window_calls=case((same, ApiToken.window_calls + 1), else_=1), window_started_at=start,
                last_used_at=now)
        .returning(ApiToken.window_calls).execution_options(synchronize_session=False)
    ).scalar_one()
    db.session.commit()
    return None if calls <= limit else retry_after(now, seconds)


def log_call(caller: Caller, method: str, path: str, status: int) -> None:
    """Append one call to the token's log. Commits."""
    db.session.add(ApiCall(workspace_id=caller.workspace_id, token_id=caller.token_id, method=method[:8],
                           path=path[:300], status=status))
    db.session.commit()


def recent_calls(workspace_id: int, token_id: int, limit: int = 50) -> list[ApiCall]:
    """A token's latest calls, newest first."""
    query = select(ApiCall).where(ApiCall.workspace_id == workspace_id, ApiCall.token_id == token_id)
    return list(db.session.scalars(query.order_by(ApiCall.at.desc(), ApiCall.id.desc()).limit(limit)))


def prune_calls(older_than_days: int, now: datetime | None = None) -> int:
    """Delete log rows older than the retention period; returns how many. Commits."""
    cutoff = (now or utcnow()) - timedelta(days=older_than_days)
    removed = db.session.execute(delete(ApiCall).where(ApiCall.at < cutoff)).rowcount
    db.session.commit()
    return removed
