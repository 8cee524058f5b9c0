"""`flask worker`: a job consumer; run more on other machines against a shared HUEY_URL."""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import with_appcontext

from crm.jobs import huey


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
    count = workers or current_app.config["HUEY_WORKERS"]
    click.echo(f"Job consumer on {huey.describe()}, {count} thread(s), periodic tasks {'on' if periodic else 'off'}")
    consumer = huey.create_consumer(workers=count, worker_type="thread", periodic=periodic, check_worker_health=True)
    consumer.run()
