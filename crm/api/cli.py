"""`flask api ...`: make API tokens and prune the call log."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time

import click
from flask.cli import AppGroup
from sqlalchemy import select

from crm.accounts.models import Membership, User
from crm.accounts.workspaces import find_workspace
from crm.api import tokens
from crm.extensions import db

api_group = AppGroup("api", help="API tokens and the API call log.")
token_group = AppGroup("token", help="API tokens.")
api_group.add_command(token_group)


def _acting_user(workspace_id: int, email: str | None) -> int:
    query = select(Membership.user_id).join(User, User.id == Membership.user_id).where(
        Membership.workspace_id == workspace_id)
    if email:
        query = query.where(User.email == email.strip().lower())
    else:  # an operator at the shell makes tokens for the workspace's first owner
        query = query.where(Membership.role == "owner").order_by(Membership.id)
    user_id = db.session.scalar(query.limit(1))
    if user_id is None:
        raise click.ClickException("No such member in that workspace." if email else "The workspace has no owner.")
    return user_id


@token_group.command("create")
@click.option("--workspace", required=True, help="Workspace name.")
@click.option("--name", required=True, help="What the token is for.")
@click.option("--scope", default="read", type=click.Choice(["read", "write"]), show_default=True)
@click.option("--user", "email", default=None, help="Member the token acts as (default: the first owner).")
@click.option("--expires", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Last day it works (UTC).")
def create_command(workspace, name, scope, email, expires):
    """Make a token and print it once as JSON: {"id", "name", "scope", "token"}."""
    found = find_workspace(workspace)
    if found is None:
        raise click.ClickException(f"No workspace named {workspace!r}.")
    expires_at = datetime.combine(expires.date(), time.max, tzinfo=UTC) if expires else None
    try:
        token, plaintext = tokens.create_token(found.id, name=name, scope=scope, expires_at=expires_at,
                                               created_by_id=_acting_user(found.id, email))
    except tokens.TokenError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(json.dumps({"id": token.id, "name": token.name, "scope": token.scope, "token": plaintext}))


@api_group.command("prune-log")
@click.option("--days", default=90, show_default=True, help="Keep this many days of calls.")
def prune_command(days):
    """Delete API call log rows older than --days; prints {"removed": N}."""
    click.echo(json.dumps({"removed": tokens.prune_calls(days)}))
