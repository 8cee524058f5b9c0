"""`flask outreach ...`: send-due and poll-inbox, the same code the periodic jobs run."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from crm.accounts.models import Workspace
from crm.extensions import db
from crm.outreach import identities, inbox_polling, library, sending, suppression


def _workspace_id(name: str | None) -> int | None:
    """The id of the named workspace (None for no name); a clear error when there is none by that name."""
    if not name:
        return None
    found = db.session.scalar(db.select(Workspace).where(Workspace.name == name))
    if found is None:
        raise click.ClickException(f"no workspace named {name!r}")
    return found.id


@click.group("outreach")
def outreach():
    """Outreach email: the outbox and its sending."""


@outreach.command("send-due")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Threads sending at once (default OUTREACH_SEND_WORKERS, 4).")
@click.option("--limit", type=click.IntRange(1), default=None, help="Send at most this many messages.")
@with_appcontext
def send_due(workers, limit):
    """Send what is due now (recover, reconcile, queue due follow-ups, send); print the counts as JSON."""
    try:
        counts = sending.send_due(workers=workers, limit=limit)
    except (ValueError, identities.IdentityError) as exc:  # e.g. MAIL_BACKEND=sendgrid without an API key
        raise click.ClickException(str(exc)) from exc
    click.echo(json.dumps(counts, sort_keys=True))


@outreach.command("poll-inbox")
@click.option("--workspace", default=None, help="Workspace name; without it every workspace's senders are polled.")
@with_appcontext
def poll_inbox(workspace):
    """Read new mail from the senders' IMAP mailboxes and act on replies and bounces; print the counts as JSON."""
    workspace_id = _workspace_id(workspace)
    click.echo(json.dumps(inbox_polling.poll_inbox(workspace_id), sort_keys=True))


@outreach.command("suppress")
@click.argument("value")
@click.option("--workspace", default=None, help="Workspace name; without it the entry applies to every workspace.")
@click.option("--reason", type=click.Choice(sorted(suppression.REASONS)), default="manual", show_default=True)
@with_appcontext
def suppress(value, workspace, reason):
    """Never mail an address or a whole domain (in one workspace, or everywhere); prints the entry as JSON."""
    workspace_id = _workspace_id(workspace)
    try:
        row = library.add_suppression(workspace_id, value, "command line", reason)
    except suppression.SuppressionError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(json.dumps({"kind": row.kind, "value": row.value, "reason": row.reason,
                           "scope": workspace or "global"}))


@click.group("senders")
def senders():
    """Sender identities and their own mailboxes (SMTP to send, IMAP to read replies)."""


def _required_workspace(name: str) -> int:
    workspace_id = _workspace_id(name)
    if workspace_id is None:
        raise click.ClickException("give --workspace")
    return workspace_id


@senders.command("list")
@click.option("--workspace", required=True, help="Workspace name.")
@with_appcontext
def list_senders(workspace):
    """Print the workspace's sender identities as one JSON array (no passwords)."""
    from crm.outreach import mailboxes

    rows = mailboxes.senders_of(_required_workspace(workspace))
    click.echo(json.dumps([mailboxes.describe(row) for row in rows], sort_keys=True))


@senders.command("set")
@click.option("--workspace", required=True, help="Workspace name.")
@click.option("--email", required=True, help="The sender's address (created when the workspace has none by it).")
@click.option("--name", default=None, help="The name mail comes from.")
@click.option("--smtp", "smtp_url", default=None,
              help="smtp://user:pass@host:587 (STARTTLS) or smtps://user:pass@host:465 (TLS); '' removes it.")
@click.option("--imap", "imap_url", default=None,
              help="imaps://user:pass@host:993 (TLS) or imap://user:pass@host:143 (STARTTLS); '' removes it.")
@with_appcontext
def set_sender(workspace, email, name, smtp_url, imap_url):
    """Create or update a sender identity and its mailbox; print it as one JSON object (no passwords)."""
    from crm.outreach import mailboxes

    try:
        row = mailboxes.set_sender(_required_workspace(workspace), email, name, smtp_url, imap_url)
    except (ValueError, identities.IdentityError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(json.dumps(mailboxes.describe(row), sort_keys=True))
