"""`flask outreach render`: what a campaign's pitch would say to one contact, rendered by outreach's templates.

The command keeps its place in the `outreach` group; it stands with campaigns because it reads a campaign, its
recipients and the contact, which outreach does not read itself.
"""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from crm.accounts.models import Workspace
from crm.campaigns import dryrender
from crm.extensions import db
from crm.outreach.cli import outreach


@outreach.command("render")
@click.option("--workspace", required=True, help="Workspace name.")
@click.option("--template", "template_name", default=None, help="A saved template's name.")
@click.option("--subject", default=None, help="Subject source, when no --template is given.")
@click.option("--body", default=None, help="Body source, when no --template is given.")
@click.option("--contact", required=True, help="The contact's email address.")
@click.option("--campaign", default=None, help="Campaign name, for its target page, anchor and sender.")
@with_appcontext
def render(workspace, template_name, subject, body, contact, campaign):
    """Print as JSON what would be sent to a contact (subject, text, html, problems); nothing is sent or saved."""
    if bool(template_name) == (subject is not None or body is not None):
        raise click.UsageError("give either --template or --subject and --body")
    found = db.session.scalar(db.select(Workspace).where(Workspace.name == workspace))
    if found is None:
        raise click.ClickException(f"no workspace named {workspace!r}")
    try:
        result = dryrender.render_for(found.id, contact, template=template_name, subject=subject or "",
                                      body=body or "", campaign=campaign)
    except dryrender.DryRenderError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        db.session.rollback()  # nothing a render touched is kept
    click.echo(json.dumps(result, ensure_ascii=False))
