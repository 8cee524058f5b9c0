"""`flask users ...`: create users, reset passwords, and the first account `make run` makes."""

from __future__ import annotations

import secrets

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from crm.accounts.auth import AuthError, hash_password, normalise_email
from crm.accounts.models import User
from crm.accounts.workspaces import WorkspaceError, create_user
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
def create(email, password, name, workspace, role):
    """Create a user, optionally in a workspace with a role."""
    try:
        user = create_user(email, password, name=name, workspace=workspace, role=role)
    except WorkspaceError as exc:
        raise click.ClickException(str(exc)) from None
    where = f" in {workspace} as {role}" if workspace else ""
    click.echo(f"Created {user.email}{where}.")


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
    """Create a first owner when there are no users, and say how to sign in."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    if db.session.scalar(select(func.count()).select_from(User)):
        click.echo(f"Sign in at {base}/login with your account.")
        click.echo(f"Forgot the password? .venv/bin/flask --app run users set-password --email {FIRST_EMAIL}")
        return
    password = secrets.token_urlsafe(12)
    create_user(FIRST_EMAIL, password, name="Admin", workspace=FIRST_WORKSPACE, role="owner")
    click.echo("=" * 64)
    click.echo(f"Sign in at {base}/login")
    click.echo(f"  email:    {FIRST_EMAIL}")
    click.echo(f"  password: {password}")
    click.echo("(shown once; change it under Account after signing in)")
    click.echo("=" * 64)
