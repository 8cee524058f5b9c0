"""Backups of the SQLite database while the app runs, and restoring one atomically."""

from __future__ import annotations

import os
import shlex
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL

SQLITE_HEADER = b"SQLite format 3\x00"


class BackupError(Exception):
    """A backup or restore that cannot be done, with a message for the person running it."""


@dataclass(frozen=True)
class BackupInfo:
    """What a checked backup file holds."""

    path: Path
    revision: str
    tables: int
    rows: int


def sqlite_path(url: URL) -> Path:
    """The database file of a SQLite URL; BackupError for other databases or an in-memory one."""
    if url.get_backend_name() != "sqlite":
        raise BackupError(f"The database is {url.get_backend_name()}, not SQLite.")
    if not url.database or url.database == ":memory:":
        raise BackupError("The database lives in memory only; there is no file to back up or restore.")
    return Path(url.database).resolve()


def pg_dump_hint(url: URL, file: str) -> str:
    """The pg_dump command that backs up this PostgreSQL database (the password, if any, is left out)."""
    where = [f"--{name}={value}" for name, value in (("host", url.host), ("port", url.port),
                                                         ("username", url.username)) if value]
    dump = " ".join(["pg_dump", "--format=custom", f"--file={shlex.quote(file)}", *where, url.database or ""])
    load = " ".join(["pg_restore", "--clean", "--if-exists", *where, f"--dbname={url.database or ''}",
                     shlex.quote(file)])
    secret = "\nGive the password in PGPASSWORD or ~/.pgpass (it is not shown here)." if url.password else ""
    return ("The database is PostgreSQL: back it up with PostgreSQL's own tool, which takes a consistent snapshot "
            f"while the app runs:\n  {dump}\nand restore that file with:\n  {load}{secret}")


def _temp_beside(target: Path) -> Path:
    """A fresh temporary name in the target's folder, so the final rename stays on one file system."""
    return target.with_name(f".{target.name}.{os.getpid()}.tmp")


def _check(connection: sqlite3.Connection) -> tuple[str, int, int]:
    """(alembic revision, tables, rows) of one of our databases; BackupError when it is damaged or not ours."""
    try:
        result = connection.execute("PRAGMA integrity_check").fetchone()[0]
        tables = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                                   "AND name NOT LIKE 'sqlite_%'")]
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"This database is damaged or unreadable ({exc}).") from None
    if result != "ok":
        raise BackupError(f"This database is damaged: SQLite's integrity check says {result}")
    if "alembic_version" not in tables:
        raise BackupError("This SQLite database is not one of ours: it has no alembic_version table.")
    revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    if revision is None:
        raise BackupError("This database has no schema revision recorded; it is not a backup of ours.")
    # Only names SQLite itself listed, quoted, go into the text.
    rows = sum(connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]  # noqa: S608
               for name in tables if name != "alembic_version")
    return revision[0], len(tables), rows


def backup(source: Path, target: Path) -> BackupInfo:
    """Copy the live database to target with SQLite's online backup: one consistent snapshot, written via a
    temporary file and renamed into place, so target is either the old file or the complete new one."""
    target = target.resolve()
    if target == source or target.name in {f"{source.name}-wal", f"{source.name}-shm"}:
        raise BackupError("The backup cannot overwrite the database itself; choose another file.")
    if not target.parent.is_dir():
        raise BackupError(f"The folder {target.parent} does not exist.")
    if not source.is_file():
        raise BackupError(f"There is no database at {source}.")
    temp = _temp_beside(target)
    try:
        with closing(sqlite3.connect(source, timeout=30)) as live, \
                closing(sqlite3.connect(temp)) as copy:
            live.backup(copy)  # all pages in one step: one read transaction, so one moment's state
            copy.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file, no -wal beside it
            revision, tables, rows = _check(copy)
            copy.commit()
        with open(temp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except sqlite3.Error as exc:
        raise BackupError(f"The backup failed: {exc}") from None
    finally:
        temp.unlink(missing_ok=True)
    return BackupInfo(path=target, revision=revision, tables=tables, rows=rows)


def inspect_backup(path: Path) -> BackupInfo:
    """Check that a file is an intact SQLite database of ours, without changing it."""
    if not path.is_file():
        raise BackupError(f"There is no file at {path}.")
    with open(path, "rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupError(f"{path.name} is not a SQLite database.")
    with closing(sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True)) as connection:
        revision, tables, rows = _check(connection)
    return BackupInfo(path=path.resolve(), revision=revision, tables=tables, rows=rows)


def live_rows(target: Path) -> int:
    """Rows in the app's tables of the database at target (0 when there is no file yet)."""
    if not target.is_file():
        return 0
    with closing(sqlite3.connect(f"file:{target}?mode=ro", uri=True, timeout=30)) as connection:
        try:
            return _check(connection)[2]
        except BackupError:
            tables = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            return 1 if tables else 0  # something unrecognised is there: treat it as data worth keeping


def restore(file: Path, target: Path) -> BackupInfo:
    """Replace the database at target with a checked backup in one transaction (SQLite's backup API writing into
    the live file), so running processes see either the old database or the restored one, never a mix."""
    info = inspect_backup(file)
    if info.path == target:
        raise BackupError("That file is the database itself.")
    if not target.exists():  # nothing to replace: build the file aside and rename it into place
        backup(info.path, target)
        return info
    try:
        with closing(sqlite3.connect(f"file:{info.path}?mode=ro", uri=True)) as saved, \
                closing(sqlite3.connect(target, timeout=30)) as live:
            saved.backup(live)
            _check(live)
    except sqlite3.Error as exc:
        raise BackupError(f"The restore failed and the database was left as it was: {exc}") from None
    return info
