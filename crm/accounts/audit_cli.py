"""`flask audit export --workspace W`: a workspace's audit trail as JSON lines, oldest first."""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup
from sqlalchemy import select

from crm.accounts import audit
from crm.accounts.models import Workspace
from crm.extensions import db

audit_group = AppGroup("audit", help="Read the audit trail.")


def workspace_named(name: str) -> Workspace:
    """A workspace by exact name or id; ClickException listing some names when there is none."""
    workspace = db.session.scalar(select(Workspace).where(Workspace.name == name))
    if workspace is None and name.isdigit():
        workspace = db.session.get(Workspace, int(name))
    if workspace is None:
        known = ", ".join(sorted(db.session.scalars(select(Workspace.name)))[:10]) or "none yet"
        raise click.ClickException(f"There is no workspace called '{name}' (workspaces: {known}).")
    return workspace


@audit_group.command("export")
@click.option("--workspace", required=True, help="Workspace name (or id).")
def export(workspace):
    """Print every event of a workspace as one JSON object per line, oldest first."""
    target = workspace_named(workspace)
    for row in audit.export_rows(target.id):
        click.echo(json.dumps(row, ensure_ascii=False, sort_keys=True))
