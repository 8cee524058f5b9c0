"""`flask worker` (a job consumer; run more against a shared HUEY_URL), `flask backup` and `flask restore`."""

from __future__ import annotations

import logging
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from crm import events
from crm.extensions import db
from crm.jobs import huey
from crm.ops import backup


@click.command("worker")
@click.option("--workers", type=int, default=None, help="Threads in this consumer (default HUEY_WORKERS).")
@click.option(
    "--periodic/--no-periodic",
    default=False,
    show_default=True,
    help="Also run the scheduled jobs. Exactly one consumer in a deployment should.",
)
@with_appcontext
def worker(workers, periodic):
    """Run a job consumer in the foreground until stopped (Ctrl-C finishes running tasks first)."""
    if huey.immediate:
        raise click.ClickException("HUEY_IMMEDIATE is on: tasks run in the caller, there is nothing to consume.")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    overdue = events.dispatch_overdue()  # what a killed worker committed but never delivered
    if overdue["dispatched"]:
        click.echo(f"Delivered {overdue['dispatched']} event(s) left over by a stopped worker")
    count = workers or current_app.config["HUEY_WORKERS"]
    click.echo(f"Job consumer on {huey.describe()}, {count} thread(s), periodic tasks {'on' if periodic else 'off'}")
    consumer = huey.create_consumer(workers=count, worker_type="thread", periodic=periodic, check_worker_health=True)
    consumer.run()


def _database_url():
    """The URL of the app's database."""
    return db.engine.url


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(file: Path):
    """Write a consistent copy of the SQLite database to FILE while the app keeps running."""
    url = _database_url()
    if url.get_backend_name() != "sqlite":
        click.echo(backup.pg_dump_hint(url, str(file)), err=True)
        raise SystemExit(2)
    try:
        info = backup.backup(backup.sqlite_path(url), file)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    size = info.path.stat().st_size / (1024 * 1024)
    click.echo(f"Backed up to {info.path} ({size:.1f} MB, {info.tables} tables, {info.rows} rows, "
               f"schema {info.revision}); integrity check ok.")


def _head_revision() -> str | None:
    """The newest migration this code knows."""
    from alembic.script import ScriptDirectory

    from crm.extensions import migrate

    return ScriptDirectory.from_config(migrate.get_config()).get_current_head()


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Replace a database that holds data.")
@with_appcontext
def restore_command(file: Path, yes: bool):
    """Replace the SQLite database with a backup made by `backup` (checked first; atomic)."""
    url = _database_url()
    if url.get_backend_name() != "sqlite":
        raise click.ClickException("The database is PostgreSQL: restore a pg_dump file with pg_restore "
                                   "(for example pg_restore --clean --dbname=NAME FILE); this command restores "
                                   "SQLite backups only.")
    try:
        target = backup.sqlite_path(url)
        info = backup.inspect_backup(file)
        rows = backup.live_rows(target)
        if rows and not yes:
            raise backup.BackupError(f"The database at {target} holds {rows} rows. Restoring replaces all of them "
                                     "with the backup; run again with --yes to do it.")
        db.session.remove()
        db.engine.dispose()  # no connection of ours may hold the old file open in a transaction
        backup.restore(info.path, target)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Restored {info.path.name} into {target} ({info.rows} rows, schema {info.revision}).")
    if info.revision != _head_revision():
        click.echo("The backup's schema is older than this code's: run `flask --app run db upgrade` next.")
