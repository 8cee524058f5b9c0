"""`flask demo`: fill a workspace with realistic data; each feature adds its own part."""

from __future__ import annotations

import json
from collections.abc import Callable

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from crm.accounts.models import Membership, User, Workspace
from crm.accounts.workspaces import get_or_create_workspace
from crm.extensions import db

# Each step takes the workspace and returns counts of what it made; features register theirs by name.
DemoStep = Callable[[Workspace], dict[str, int]]
STEPS: list[tuple[str, DemoStep]] = []
# Later steps use what earlier ones made: sites before campaigns, opportunities before mail and links.
ORDER = ("prospects", "campaigns", "outreach", "links", "reports")


def demo_step(name: str):
    """Register a function that adds one feature's demo data to a workspace."""

    def decorator(fn: DemoStep) -> DemoStep:
        STEPS.append((name, fn))
        return fn

    return decorator


def ensure_members(workspace: Workspace) -> int:
    """Give every user who owns some workspace an owner seat here too, so the demo shows in their switcher."""
    owners = db.session.scalars(select(User).join(Membership).where(Membership.role == "owner").distinct()).all()
    added = 0
    for user in owners:
        if not any(m.workspace_id == workspace.id for m in user.memberships):
            db.session.add(Membership(user=user, workspace=workspace, role="owner"))
            added += 1
    return added


def fill(workspace_name: str) -> dict:
    """Create (or reuse) the workspace and run every demo step in one transaction."""
    workspace = get_or_create_workspace(workspace_name)
    if not workspace.postal_address:
        workspace.postal_address = "Northwind Digital Ltd, 12 Harbour Street, Bristol BS1 4AA, United Kingdom"
    summary: dict = {"workspace": workspace.name, "members_added": ensure_members(workspace)}
    for name, step in sorted(STEPS, key=lambda item: ORDER.index(item[0]) if item[0] in ORDER else len(ORDER)):
        summary[name] = step(workspace)
    db.session.commit()
    return summary


@click.command("demo")
@click.option("--workspace", default="Demo agency", show_default=True, help="Workspace to fill (created if missing).")
@with_appcontext
def demo(workspace):
    """Fill a workspace with demo data and print what was made as JSON."""
    try:
        summary = fill(workspace)
    except Exception:
        db.session.rollback()
        raise
    click.echo(json.dumps(summary))
