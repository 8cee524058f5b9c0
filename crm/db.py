"""Declarative base with a constraint naming convention, shared column types and mixins."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from functools import wraps

from sqlalchemy import DateTime, ForeignKey, Integer, MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, registry
from sqlalchemy.types import TypeDecorator

# Named constraints let Alembic alter SQLite tables in batch mode and keep names stable across databases.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, UTC-aware."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored as UTC and always read back as a UTC-aware datetime (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        """Refuse naive datetimes: a time without a zone is a bug waiting for daylight saving."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware one (crm.db.utcnow())")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        """Attach UTC to what the database returns."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """The declarative base every model derives from."""

    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION), type_annotation_map={datetime: UTCDateTime}
    )


class TimestampMixin:
    """created_at / updated_at columns kept by the database session."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)


class WorkspaceScoped:
    """A row that belongs to one workspace; every query for it must filter by workspace_id."""

    @declared_attr
    def workspace_id(cls) -> Mapped[int]:  # noqa: N805 - SQLAlchemy passes the class
        """The owning workspace; deleting a workspace deletes its rows."""
        return mapped_column(Integer, ForeignKey("workspace.id", ondelete="CASCADE"), nullable=False, index=True)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """WAL, foreign keys and a busy timeout on every SQLite connection (they are per-connection settings)."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def all_or_nothing(service):
    """Wrap a service so that when it raises, nothing it wrote stays in the session: the work is rolled back."""

    @wraps(service)
    def run(*args, **kwargs):
        """The service; on any error its half-written changes are undone before the error goes on."""
        from crm.extensions import db  # extensions builds on this module's Base: imported when first used

        try:
            return service(*args, **kwargs)
        except Exception:
            db.session.rollback()
            raise

    return run
