"""`flask webhooks ...`: add an endpoint, send what is due."""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup

from crm.accounts.workspaces import find_workspace
from crm.api import webhooks

webhooks_group = AppGroup("webhooks", help="Outbound webhook endpoints.")


@webhooks_group.command("add")
@click.option("--workspace", required=True, help="Workspace name.")
@click.option("--url", required=True, help="Where events are posted.")
@click.option("--events", required=True, help="Comma-separated event names, e.g. reply.received,backlink.lost")
@click.option("--kind", default="standard", type=click.Choice(list(webhooks.KINDS)), show_default=True)
def add_command(workspace, url, events, kind):
    """Add an endpoint and print {"id", "url", "kind", "events", "secret"} once (secret: whsec_...)."""
    found = find_workspace(workspace)
    if found is None:
        raise click.ClickException(f"No workspace named {workspace!r}.")
    try:
        endpoint, secret = webhooks.create_endpoint(found.id, url=url, events=events, kind=kind)
    except webhooks.WebhookError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(json.dumps({"id": endpoint.id, "url": endpoint.url, "kind": endpoint.kind,
                           "events": endpoint.events, "secret": secret}))


@webhooks_group.command("deliver-due")
def deliver_due_command():
    """Attempt the deliveries whose time has come (the periodic job's code); prints counts as JSON."""
    click.echo(json.dumps(webhooks.deliver_due()))
