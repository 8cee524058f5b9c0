"""Settings, all read from environment variables with safe defaults for a laptop."""

from __future__ import annotations

import contextlib
import os
import secrets

MIN_SECRET_KEY_LENGTH = 32
SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name; in the instance folder: a laptop's own random key, made on first start
# Keys published in this project's history: anyone could forge tokens with them, so none is ever accepted.
PUBLIC_SECRET_KEYS = frozenset({"dev-only-secret-key-change-me"})


def _env(name: str, default: str = "") -> str:
    """One environment variable, stripped, or the default when unset or blank."""
    value = os.environ.get(name, "").strip()
    return value or default


def _flag(name: str, default: bool = False) -> bool:
    """A yes/no environment variable (1, true, yes, on count as yes)."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    return value in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    """A whole-number environment variable."""
    value = _env(name)
    return int(value) if value else default


def _weights(name: str) -> dict[str, float]:
    """Quality score weights written as "authority=25,relevance=20,..." (unnamed components keep defaults)."""
    weights = {}
    for part in _list(name, []):
        key, _, value = part.partition("=")
        try:
            weights[key.strip()] = float(value)
        except ValueError:
            raise RuntimeError(f"{name}: {part!r} is not name=number") from None
    return weights


def _list(name: str, default: list[str]) -> list[str]:
    """A comma-separated environment variable."""
    value = _env(name)
    return [part.strip() for part in value.split(",") if part.strip()] if value else default


class Config:
    """Settings shared by every environment; read when the class body runs and again by `from_env()`."""

    ENV_NAME = "development"
    DEBUG = False
    TESTING = False

    @classmethod
    def from_env(cls) -> dict:
        """Every setting as a dict, read from the environment now (so tests and CLI see current values)."""
        secure = _flag("SESSION_COOKIE_SECURE", cls.ENV_NAME == "production")
        return {
            "ENV_NAME": cls.ENV_NAME,
            "DEBUG": cls.DEBUG,
            "TESTING": cls.TESTING,
            # Empty means the instance folder's own key outside production (see instance_secret_key).
            "SECRET_KEY": _env("SECRET_KEY"),
            # Empty means a SQLite file in the instance folder (filled in by create_app).
            "SQLALCHEMY_DATABASE_URI": _env("DATABASE_URL"),
            "SQLALCHEMY_RECORD_QUERIES": False,
            # Empty means Huey on a SQLite file in the instance folder; redis://... for several workers.
            "HUEY_URL": _env("HUEY_URL"),
            "HUEY_NAME": _env("HUEY_NAME", "crm"),
            "HUEY_IMMEDIATE": _flag("HUEY_IMMEDIATE", False),
            "HUEY_WORKERS": _int("HUEY_WORKERS", 2),
            "MAIL_BACKEND": _env("MAIL_BACKEND", "sendgrid" if _env("SENDGRID_API_KEY") else "file"),
            "SENDGRID_API_KEY": _env("SENDGRID_API_KEY"),
            "SENDGRID_API_HOST": _env("SENDGRID_API_HOST", "https://api.sendgrid.com"),
            "SENDGRID_WEBHOOK_PUBLIC_KEY": _env("SENDGRID_WEBHOOK_PUBLIC_KEY"),
            "SENDGRID_TIMEOUT": _int("SENDGRID_TIMEOUT", 10),
            # Deliver announced events right after their commit (off: they wait for the overdue sweep; tests use
            # it to stand for a worker killed between the commit and the delivery).
            "EVENTS_DISPATCH": _flag("EVENTS_DISPATCH", True),
            "OUTREACH_SEND_WORKERS": _int("OUTREACH_SEND_WORKERS", 4),
            "REPLY_DOMAIN": _env("REPLY_DOMAIN"),
            # JSON API: calls one token may make per window (seconds) before it is answered 429.
            "API_RATE_LIMIT": _int("API_RATE_LIMIT", 600),
            "API_RATE_WINDOW": _int("API_RATE_WINDOW", 60),
            "WEBHOOK_TIMEOUT": _int("WEBHOOK_TIMEOUT", 10),
            "WEBHOOK_MAX_ATTEMPTS": _int("WEBHOOK_MAX_ATTEMPTS", 6),
            "WEBHOOK_RETRY_BASE_SECONDS": _int("WEBHOOK_RETRY_BASE_SECONDS", 30),
            "WEBHOOK_PAUSE_AFTER": _int("WEBHOOK_PAUSE_AFTER", 10),
            # IMAP polling of senders' mailboxes: the first sync looks back this many days, not the whole mailbox.
            "IMAP_LOOKBACK_DAYS": _int("IMAP_LOOKBACK_DAYS", 30),
            "IMAP_FETCH_BATCH": _int("IMAP_FETCH_BATCH", 500),  # headers per UID FETCH; bodies go 20 at a time
            "IMAP_MAX_MESSAGE_BYTES": _int("IMAP_MAX_MESSAGE_BYTES", 256 * 1024),
            "IMAP_TIMEOUT": _int("IMAP_TIMEOUT", 30),
            "IMAP_CA_FILE": _env("IMAP_CA_FILE"),  # empty: the system's trusted certificates
            # Senders' own SMTP accounts: certificates always verified, against this file when set.
            "SMTP_CA_FILE": _env("SMTP_CA_FILE"),
            "SMTP_TIMEOUT": _int("SMTP_TIMEOUT", 30),
            # Mailbox passwords are sealed under a key derived from this (empty: from SECRET_KEY).
            "MAIL_ACCOUNTS_KEY": _env("MAIL_ACCOUNTS_KEY"),
            # Every other FETCH_* variable (user agent, timeouts, caps, politeness) passes through to the fetcher.
            **{key: value for key, value in os.environ.items() if key.startswith("FETCH_")},
            "FETCH_ALLOW_PRIVATE_NETWORKS": _flag("FETCH_ALLOW_PRIVATE_NETWORKS", False),
            "LINKS_RENDER_JS": _flag("LINKS_RENDER_JS", False),
            "LINKS_RENDER_TIMEOUT": float(_env("LINKS_RENDER_TIMEOUT", "15")),
            "LINKS_CHROMIUM_PATH": _env("LINKS_CHROMIUM_PATH", "/usr/bin/chromium"),
            "LINKS_CONFIRM_AFTER_MINUTES": _int("LINKS_CONFIRM_AFTER_MINUTES", 60),
            "LINKS_RECHECK_BATCH": _int("LINKS_RECHECK_BATCH", 1000),
            "LINKS_DIGEST_FROM": _env("LINKS_DIGEST_FROM", "Outreach CRM <links@outreach-crm.invalid>"),
            # From address of the monthly client reports; the display name is always the workspace's (white label).
            "REPORTS_FROM": _env("REPORTS_FROM", "reports@outreach-crm.invalid"),
            "QUALITY_WEIGHTS": _weights("QUALITY_WEIGHTS"),
            "CRM_REQUIRE_SERVICES": _flag("CRM_REQUIRE_SERVICES", False),
            "PUBLIC_BASE_URL": _env("PUBLIC_BASE_URL", "http://127.0.0.1:5000"),
            "TRUSTED_HOSTS": _list("TRUSTED_HOSTS", ["127.0.0.1", "localhost"]) or None,
            "SESSION_COOKIE_NAME": "crm_session",
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SAMESITE": "Lax",
            "SESSION_COOKIE_SECURE": secure,
            "REMEMBER_COOKIE_SECURE": secure,
            "REMEMBER_COOKIE_HTTPONLY": True,
            "PERMANENT_SESSION_LIFETIME": _int("SESSION_LIFETIME_SECONDS", 12 * 3600),
            "WTF_CSRF_TIME_LIMIT": None,  # tied to the session instead, which expires on its own
            "MAX_CONTENT_LENGTH": _int("MAX_UPLOAD_MB", 100) * 1024 * 1024,
            # Failed sign-ins before a pause, per account and per client address, within the window.
            "LOGIN_MAX_FAILURES_PER_ACCOUNT": _int("LOGIN_MAX_FAILURES_PER_ACCOUNT", 5),
            "LOGIN_MAX_FAILURES_PER_ADDRESS": _int("LOGIN_MAX_FAILURES_PER_ADDRESS", 20),
            "LOGIN_FAILURE_WINDOW_SECONDS": _int("LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60),
            # Trust X-Forwarded-For from this many proxies (gunicorn behind nginx: 1).
            "PROXY_COUNT": _int("PROXY_COUNT", 0),
            "INVITATION_DAYS": _int("INVITATION_DAYS", 7),
            # Who may create workspaces: "admins" (instance admins only, the default) or "everyone".
            "WORKSPACE_CREATION": _env("WORKSPACE_CREATION", "admins").lower(),
            # Audit events older than this are deleted by the hourly housekeeping job.
            "AUDIT_RETENTION_DAYS": _int("AUDIT_RETENTION_DAYS", 365),
        }


class DevelopmentConfig(Config):
    """A developer's laptop: `make run`."""

    ENV_NAME = "development"
    DEBUG = False


class ProductionConfig(Config):
    """A deployed server: secure cookies and a real secret key are required."""

    ENV_NAME = "production"


class TestConfig(Config):
    """The test suite: tasks run at once, CSRF on (tests submit real tokens)."""

    ENV_NAME = "testing"
    TESTING = True


CONFIGS = {"development": DevelopmentConfig, "production": ProductionConfig, "testing": TestConfig}


def load(name: str | None = None) -> dict:
    """The settings for CRM_ENV (development, production or testing) as a dict."""
    name = name or _env("CRM_ENV", "development")
    if name not in CONFIGS:
        raise RuntimeError(f"CRM_ENV must be one of {', '.join(CONFIGS)}, not {name!r}")
    return CONFIGS[name].from_env()


def _read_key(path: str) -> str:
    with open(path, encoding="utf-8") as handle:
        return handle.read().strip()


def instance_secret_key(instance_path: str) -> str:
    """This install's own random key from instance/secret_key, written (mode 0600) on first use.

    The file appears complete or not at all: the key goes into a private temporary file that is then
    hard-linked into place, which fails if another process got there first; then both read the winner's key.
    So web and worker starting together agree on one key.
    """
    path = os.path.join(instance_path, SECRET_KEY_FILE)
    if os.path.exists(path):
        key = _read_key(path)
        if key:
            return key
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)  # an empty file (a disk filled up mid-write) would sign with nothing; start again
    os.makedirs(instance_path, exist_ok=True)
    temporary = f"{path}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(48) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):  # another process wrote it first: use theirs
            os.link(temporary, path)
    finally:
        os.unlink(temporary)
    return _read_key(path)


def check_secret_key(settings: dict) -> None:
    """Refuse a published key anywhere, and in production a missing or short SECRET_KEY."""
    key = settings.get("SECRET_KEY") or ""
    if key in PUBLIC_SECRET_KEYS:
        raise RuntimeError("SECRET_KEY is a published example key; set a random one or unset it in development")
    if settings.get("ENV_NAME") != "production":
        return
    if len(key) < MIN_SECRET_KEY_LENGTH:
        raise RuntimeError(
            f"SECRET_KEY must be set to a random value of at least {MIN_SECRET_KEY_LENGTH} characters in production "
            '(for example: python -c "import secrets; print(secrets.token_urlsafe(48))")'
        )
