"""`flask reports send-due`: mail the monthly client reports whose day has come (the periodic job's code)."""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup

from crm.reports import schedules

reports_cli = AppGroup("reports", help="Campaign reports mailed to clients.")


@reports_cli.command("send-due")
def send_due_command():
    """Mail every report whose day has come and print the counts as JSON."""
    click.echo(json.dumps(schedules.send_due()))
