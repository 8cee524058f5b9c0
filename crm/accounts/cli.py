"""`flask users ...`: create users, reset passwords, and the first account `make run` makes."""

from __future__ import annotations

import secrets

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from crm.accounts.auth import AuthError, hash_password, normalise_email
from crm.accounts.models import User
from crm.accounts.workspaces import WorkspaceError, create_user, set_admin
from crm.extensions import db

users = AppGroup("users", help="Create users and reset passwords.")

FIRST_EMAIL = "admin@example.com"
FIRST_WORKSPACE = "My agency"


@users.command("create")
@click.option("--email", required=True, help="Sign-in address.")
@click.option("--password", required=True, help="At least 10 characters.")
@click.option("--name", default="", help="Display name.")
@click.option("--workspace", default=None, help="Workspace to join (created if missing).")
@click.option("--role", default="owner", type=click.Choice(["owner", "admin", "member", "viewer"]), show_default=True)
@click.option("--admin", is_flag=True, help="An instance admin, who may create workspaces.")
def create(email, password, name, workspace, role, admin):
    """Create a user, optionally in a workspace with a role."""
    try:
        user = create_user(email, password, name=name, workspace=workspace, role=role, admin=admin)
    except WorkspaceError as exc:
        raise click.ClickException(str(exc)) from None
    where = f" in {workspace} as {role}" if workspace else ""
    click.echo(f"Created {user.email}{where}{', an instance admin' if admin else ''}.")


@users.command("set-admin")
@click.option("--email", required=True)
@click.option("--revoke", is_flag=True, help="Take instance admin away instead.")
def set_admin_command(email, revoke):
    """Make a user an instance admin (who may create workspaces), or with --revoke no longer one."""
    try:
        user = set_admin(email, not revoke)
    except WorkspaceError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{user.email} is {'no longer' if revoke else 'now'} an instance admin.")


@users.command("set-password")
@click.option("--email", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def set_password(email, password):
    """Set a user's password (for a forgotten one)."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise click.ClickException(f"No user with the address {email}.")
    try:
        user.password_hash = hash_password(password)
    except AuthError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"Password set for {user.email}.")


@users.command("first-run")
def first_run():
    """Create a first owner (an instance admin) when there are no users, and say how to sign in."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    if db.session.scalar(select(func.count()).select_from(User)):
        click.echo(f"Sign in at {base}/login with your account.")
        click.echo(f"Forgot the password? .venv/bin/flask --app run users set-password --email {FIRST_EMAIL}")
        return
    password = secrets.token_urlsafe(12)
    create_user(FIRST_EMAIL, password, name="Admin", workspace=FIRST_WORKSPACE, role="owner", admin=True)
    click.echo("=" * 64)
    click.echo(f"Sign in at {base}/login")
    click.echo(f"  email:    {FIRST_EMAIL}")
    click.echo(f"  password: {password}")
    click.echo("(shown once; change it under Account after signing in)")
    click.echo("=" * 64)
