"""Templates with a live preview, for a campaign's recipients: the template pages of outreach's library.

They stand with campaigns because the preview reads a campaign's recipients and the workspace's contacts and
custom fields (prospects), which campaigns may read and hands down to outreach's library as plain values.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from crm.accounts.current import current_workspace, get_scoped_or_404, require_role, scoped
from crm.accounts.forms import ActionForm
from crm.campaigns.models import Campaign
from crm.campaigns.recipients import with_contact
from crm.campaigns.views import bp
from crm.extensions import db
from crm.outreach import library
from crm.outreach.forms import TemplateForm
from crm.outreach.launching import merged_context
from crm.outreach.merge_values import MERGE_FIELDS
from crm.outreach.models import SenderIdentity, Template
from crm.outreach.recipients import Recipient, basic_context
from crm.prospects.fielddefs import defined_keys
from crm.prospects.models import Contact


def _campaigns(workspace_id: int, limit: int = 20) -> list[Campaign]:
    """The workspace's newest campaigns, whose recipients the preview offers."""
    return list(db.session.scalars(select(Campaign).where(Campaign.workspace_id == workspace_id)
                                   .order_by(Campaign.id.desc()).limit(limit)))


def _preview_choices(workspace_id: int) -> list[SelectChoice]:
    """Recipients to preview a template for: the campaigns' recipients, else the workspace's contacts."""
    pairs = [(row, r) for row in _campaigns(workspace_id) for r in with_contact(workspace_id, row.id)[:50]]
    emails = dict(db.session.execute(select(Contact.id, Contact.email).where(
        Contact.workspace_id == workspace_id, Contact.id.in_({r.contact_id for _, r in pairs} or {0}))).all())
    choices = [SelectChoice(f"{row.id}:{r.contact_id}", f"{row.name}: {emails[r.contact_id]}") for row, r in pairs
               if r.contact_id in emails]
    if not choices:
        contacts = db.session.scalars(scoped(Contact).order_by(Contact.id).limit(100))
        choices = [SelectChoice(f"0:{c.id}", c.email) for c in contacts]
    return choices


def _context_for(workspace_id: int, choice: str) -> tuple[dict, int | None]:
    campaign_id, _, contact_id = (choice or "").partition(":")
    if not contact_id.isdigit():
        return {}, None
    contact = db.session.get(Contact, int(contact_id))
    if contact is None or contact.workspace_id != workspace_id:
        return {}, None
    campaign = db.session.get(Campaign, int(campaign_id)) if campaign_id.isdigit() and int(campaign_id) else None
    if campaign is not None and campaign.workspace_id == workspace_id:
        found = [r for r in with_contact(workspace_id, int(campaign_id)) if r.contact_id == contact.id]
        if found:
            return merged_context(contact, found[0]), contact.id
    own = Recipient(None, contact.id, contact.site_id, basic_context(contact, contact.site))
    return merged_context(contact, own), contact.id


@bp.get("/outreach/templates")
@require_role("viewer")
def templates():
    """The workspace's templates."""
    rows = db.session.scalars(scoped(Template).order_by(Template.name)).all()
    return render_template("outreach/templates.html", templates=rows, action_form=ActionForm(),
                           campaigns=_campaigns(current_workspace().id))


def _edit(template: Template | None):
    workspace = current_workspace()
    form = TemplateForm(obj=template)
    form.recipient.choices = _preview_choices(workspace.id)
    warnings: list[str] = []
    if form.validate_on_submit():
        try:
            saved, warnings = library.save_template(workspace.id, template, form.name.data, form.subject.data or "",
                                                    form.body.data, defined_keys(workspace.id))
        except library.LibraryError as exc:
            flash(f"Not saved: {exc}", "danger")
        else:
            flash(f"Template {saved.name} saved.", "success")
            for warning in warnings:
                flash(f"Before sending: {warning}", "warning")
            return redirect(url_for("campaigns.edit_template", template_id=saved.id))
    return render_template("outreach/template_form.html", form=form, template=template, fields=MERGE_FIELDS)


@bp.route("/outreach/templates/new", methods=["GET", "POST"])
@require_role("member")
def new_template():
    """Write a new template."""
    return _edit(None)


@bp.route("/outreach/templates/<int:template_id>", methods=["GET", "POST"])
@require_role("member")
def edit_template(template_id: int):
    """Change a template."""
    return _edit(get_scoped_or_404(Template, template_id))


@bp.post("/outreach/templates/<int:template_id>/delete")
@require_role("member")
def delete_template(template_id: int):
    """Delete a template no sequence uses."""
    template = get_scoped_or_404(Template, template_id)
    if ActionForm().validate_on_submit():
        try:
            library.delete_template(template.workspace_id, template)
        except library.LibraryError as exc:
            flash(str(exc), "warning")
        else:
            flash("Template deleted.", "success")
    return redirect(url_for("campaigns.templates"))


@bp.post("/outreach/templates/preview")
@require_role("viewer")
def preview():
    """The template as one recipient would get it, or the reasons it would not be sent (an htmx partial)."""
    workspace = current_workspace()
    form = TemplateForm()
    context, contact_id = _context_for(workspace.id, form.recipient.data)
    senders = scoped(SenderIdentity).where(SenderIdentity.active.is_(True)).order_by(SenderIdentity.id)
    sender = db.session.scalar(senders)
    position = 2 if request.form.get("follow_up") else 1
    shown = library.preview(workspace.id, form.subject.data or "", form.body.data or "", context, sender, contact_id,
                            position) if contact_id else None
    return render_template("outreach/_preview.html", preview=shown, sender=sender)
