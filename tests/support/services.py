"""The local PostgreSQL and Redis: reach them, or skip (fail under CRM_REQUIRE_SERVICES=1) with a reason."""

from __future__ import annotations

import os
import uuid

import pytest

POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def required() -> bool:
    """True when CI demands that service tests run rather than skip."""
    return os.environ.get("CRM_REQUIRE_SERVICES", "").strip().lower() in {"1", "true", "yes", "on"}


def unavailable(what: str, why: Exception | str) -> None:
    """Skip with the reason, or fail when services are required."""
    message = f"{what} is not reachable ({why})"
    if required():
        pytest.fail(message + " but CRM_REQUIRE_SERVICES=1 requires it")
    pytest.skip(message)


def postgres_database() -> tuple[str, callable]:
    """A new, empty PostgreSQL database for this test session: its URL and a function that drops it."""
    import sqlalchemy as sa

    try:
        admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            name = f"crm_test_{uuid.uuid4().hex[:10]}"
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # any failure means the service is not usable here
        unavailable("PostgreSQL at " + POSTGRES_ADMIN_URL, exc)
    url = admin.url.set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


def redis_client():
    """A client for the test Redis database, or skip/fail."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except Exception as exc:  # any failure means the service is not usable here
        unavailable("Redis at " + REDIS_URL, exc)
    return client
