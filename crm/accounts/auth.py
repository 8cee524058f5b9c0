"""Passwords, sign-in with throttling, and server-side sessions that sign-out really ends."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import select, update

from crm.accounts import audit
from crm.accounts.models import LoginThrottle, User, UserSession
from crm.db import utcnow
from crm.extensions import db

MIN_PASSWORD_LENGTH = 10
_hasher = PasswordHasher()  # argon2id with the library's current recommended cost


@cache
def _dummy_hash() -> str:
    """Verified against when an address is unknown, so a wrong address costs as long as a wrong password.

    Made on first use: hashing costs a quarter of a second that every command's start would otherwise pay.
    """
    return _hasher.hash(secrets.token_urlsafe(16))


class AuthError(Exception):
    """A sign-in or password change that must be refused, with a message for the person."""


@dataclass(frozen=True)
class SignIn:
    """A successful sign-in: the user and the token to put in the session cookie."""

    user: User
    session_token: str


def normalise_email(email: str) -> str:
    """Addresses are compared case-insensitively and without surrounding spaces."""
    return (email or "").strip().lower()


def hash_password(password: str) -> str:
    """An argon2id hash of a password, refusing ones too short to be safe."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AuthError(f"Passwords need at least {MIN_PASSWORD_LENGTH} characters.")
    return _hasher.hash(password)


def check_password(user: User | None, password: str) -> bool:
    """True when the password matches; rehashes on success if the cost settings have changed."""
    try:
        _hasher.verify(user.password_hash if user else _dummy_hash(), password or "")
    except (VerificationError, InvalidHashError):
        return False
    if user is None:
        return False
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return True


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _throttle_keys(email: str, address: str) -> list[tuple[str, int]]:
    cfg = current_app.config
    return [
        (f"account:{email}", cfg["LOGIN_MAX_FAILURES_PER_ACCOUNT"]),
        (f"address:{address}", cfg["LOGIN_MAX_FAILURES_PER_ADDRESS"]),
    ]


def _throttled(key: str, limit: int, window: timedelta) -> bool:
    row = db.session.get(LoginThrottle, key)
    return bool(row and row.window_started_at > utcnow() - window and row.failures >= limit)


def _record_failure(key: str, window: timedelta) -> None:
    row = db.session.get(LoginThrottle, key)
    now = utcnow()
    if row is None:
        db.session.add(LoginThrottle(key=key, failures=1, window_started_at=now))
    elif row.window_started_at <= now - window:
        row.failures, row.window_started_at = 1, now
    else:
        row.failures += 1


def _record_failed(email: str, address: str, reason: str) -> None:
    """A failed sign-in in the trail of each workspace of the account named (workspace-less when unknown)."""
    user = db.session.scalar(select(User).where(User.email == email))
    audit.record_for_user(user, "sign_in_failed", {"email": email[:254], "reason": reason}, ip=address,
                          actor_email=email[:254])


def sign_in(email: str, password: str, *, address: str, user_agent: str = "") -> SignIn:
    """Check credentials under the failure limits and open a server-side session, or raise AuthError."""
    email = normalise_email(email)
    window = timedelta(seconds=current_app.config["LOGIN_FAILURE_WINDOW_SECONDS"])
    keys = _throttle_keys(email, address)
    if any(_throttled(key, limit, window) for key, limit in keys):
        _record_failed(email, address, "too many failures")
        db.session.commit()
        minutes = max(1, int(window.total_seconds() // 60))
        raise AuthError(f"Too many failed sign-ins. Wait {minutes} minutes and try again.")
    user = db.session.scalar(select(User).where(User.email == email))
    matches = check_password(user, password)
    if not matches or not user.active:
        for key, _limit in keys:
            _record_failure(key, window)
        _record_failed(email, address, "inactive account" if matches else "wrong email or password")
        db.session.commit()
        raise AuthError("That email and password do not match an active account.")
    for key, _limit in keys:
        db.session.execute(LoginThrottle.__table__.delete().where(LoginThrottle.key == key))
    token = open_session(user, address=address, user_agent=user_agent)
    user.last_login_at = utcnow()
    audit.record_for_user(user, "sign_in", ip=address)
    db.session.commit()
    return SignIn(user=user, session_token=token)


def open_session(user: User, *, address: str = "", user_agent: str = "") -> str:
    """Record a new server-side session for a user and return its secret token (not committed)."""
    token = secrets.token_urlsafe(32)
    lifetime = timedelta(seconds=current_app.config["PERMANENT_SESSION_LIFETIME"])
    db.session.add(
        UserSession(
            user=user,
            token_hash=_token_hash(token),
            expires_at=utcnow() + lifetime,
            ip_address=address[:64],
            user_agent=user_agent[:255],
        )
    )
    return token


def open_session_saved(user: User, *, address: str = "", user_agent: str = "") -> str:
    """Open a server-side session for a user who just joined, and commit it with their account."""
    token = open_session(user, address=address, user_agent=user_agent)
    db.session.commit()
    return token


def session_user(user_id: str, token: str | None) -> User | None:
    """The user a cookie names, only when its server-side session is still open."""
    if not token or not user_id or not str(user_id).isdigit():
        return None
    row = db.session.scalar(select(UserSession).where(UserSession.token_hash == _token_hash(token)))
    now = utcnow()
    if row is None or row.user_id != int(user_id) or row.ended_at is not None or row.expires_at <= now:
        return None
    if now - row.last_seen_at > timedelta(minutes=5):
        row.last_seen_at = now  # coarse, so a busy page does not write on every request
        db.session.commit()
    return row.user


def end_session(token: str | None) -> None:
    """End one server-side session (sign-out)."""
    if token:
        db.session.execute(
            update(UserSession)
            .where(UserSession.token_hash == _token_hash(token), UserSession.ended_at.is_(None))
            .values(ended_at=utcnow())
        )
        db.session.commit()


def end_other_sessions(user: User, keep_token: str | None) -> int:
    """End every open session of a user except the one with keep_token; returns how many ended."""
    query = update(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
    if keep_token:
        query = query.where(UserSession.token_hash != _token_hash(keep_token))
    ended = db.session.execute(query.values(ended_at=utcnow())).rowcount
    db.session.commit()
    return ended


def change_password(user: User, current: str, new: str, keep_token: str | None) -> int:
    """Change a password after checking the current one; ends the user's other sessions."""
    if not check_password(user, current):
        raise AuthError("Your current password is not right.")
    user.password_hash = hash_password(new)
    audit.record_for_user(user, "password_changed")
    return end_other_sessions(user, keep_token)


def purge_stale(now=None) -> int:
    """Delete ended or expired sessions and old throttle rows; returns rows removed."""
    now = now or utcnow()
    ended = db.session.execute(
        UserSession.__table__.delete().where(
            (UserSession.expires_at <= now) | (UserSession.ended_at <= now - timedelta(days=1))
        )
    ).rowcount
    window = timedelta(seconds=current_app.config["LOGIN_FAILURE_WINDOW_SECONDS"])
    stale = db.session.execute(
        LoginThrottle.__table__.delete().where(LoginThrottle.window_started_at <= now - window)
    ).rowcount
    db.session.commit()
    return ended + stale
