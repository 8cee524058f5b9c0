"""`flask demo`: fill a workspace with realistic data; each feature adds its own part."""

from __future__ import annotations

import json
from collections.abc import Callable

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from crm.accounts.auth import normalise_email
from crm.accounts.models import Membership, User, Workspace
from crm.accounts.workspaces import find_workspace, get_or_create_workspace
from crm.extensions import db

# Each step takes the workspace and returns counts of what it made; features register theirs by name.
DemoStep = Callable[[Workspace], dict[str, int]]
STEPS: list[tuple[str, DemoStep]] = []
# Later steps use what earlier ones made: sites before campaigns, opportunities before mail and links.
# Campaigns calls down into links for the demo backlinks' opportunities, so that step follows links.
ORDER = ("prospects", "campaigns", "outreach", "links", "campaign_links", "reports")


def demo_step(name: str):
    """Register a function that adds one feature's demo data to a workspace."""

    def decorator(fn: DemoStep) -> DemoStep:
        STEPS.append((name, fn))
        return fn

    return decorator


def _first_run_owner() -> User | None:
    """The instance's first user: the owner `make run` created on first start."""
    return db.session.scalar(select(User).where(User.active.is_(True)).order_by(User.id).limit(1))


def seat(workspace: Workspace, user: User | None) -> int:
    """Give this one user an owner seat here unless they already have a seat; never touches anyone else's."""
    if user is None or any(m.workspace_id == workspace.id for m in user.memberships):
        return 0
    db.session.add(Membership(user=user, workspace=workspace, role="owner"))
    return 1


def fill(workspace_name: str, user_email: str | None = None) -> dict:
    """Create (or reuse) the workspace and run every demo step in one transaction.

    Demo data never changes who can see a workspace: only the user named by `user_email` is seated, or,
    when the demo creates the workspace, the first-run owner; an existing workspace otherwise keeps its seats.
    """
    user = None
    if user_email:
        user = db.session.scalar(select(User).where(User.email == normalise_email(user_email)))
        if user is None:
            raise click.ClickException(f"No user with the address {user_email}.")
    created = find_workspace(workspace_name) is None
    workspace = get_or_create_workspace(workspace_name)
    if user is None and created:
        user = _first_run_owner()
    if not workspace.postal_address:
        workspace.postal_address = "Northwind Digital Ltd, 12 Harbour Street, Bristol BS1 4AA, United Kingdom"
    summary: dict = {"workspace": workspace.name, "members_added": seat(workspace, user)}
    for name, step in sorted(STEPS, key=lambda item: ORDER.index(item[0]) if item[0] in ORDER else len(ORDER)):
        summary[name] = step(workspace)
    db.session.commit()
    return summary


@click.command("demo")
@click.option("--workspace", default="Demo agency", show_default=True, help="Workspace to fill (created if missing).")
@click.option("--user", "user_email", default=None, help="Seat this user as an owner of the workspace.")
@with_appcontext
def demo(workspace, user_email):
    """Fill a workspace with demo data and print what was made as JSON."""
    try:
        summary = fill(workspace, user_email)
    except Exception:
        db.session.rollback()
        raise
    click.echo(json.dumps(summary))
