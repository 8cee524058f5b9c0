"""Templates with a live preview, sender identities, the suppression list and the outreach settings page."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from crm.accounts.current import can, current_workspace, get_scoped_or_404, require_role, scoped
from crm.accounts.forms import ActionForm
from crm.extensions import db
from crm.outreach import identities, inbound_addresses, library, mailboxes, queries, suppression
from crm.outreach.forms import MailboxForm, SenderForm, SuppressionForm, TemplateForm
from crm.outreach.launching import merged_context
from crm.outreach.merge_values import MERGE_FIELDS
from crm.outreach.models import SenderIdentity, Suppression, Template
from crm.outreach.recipients import Recipient, basic_context, recipients_for
from crm.outreach.views import bp
from crm.prospects.models import Contact


def _preview_choices(workspace_id: int) -> list[SelectChoice]:
    """Recipients to preview a template for: campaign recipients when campaigns supplies them, else contacts."""
    pairs = [(row, r) for row in queries.campaigns(workspace_id, 20) for r in recipients_for(workspace_id, row.id)[:50]]
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
    if campaign_id.isdigit() and int(campaign_id) and queries.campaign(workspace_id, int(campaign_id)):
        found = [r for r in recipients_for(workspace_id, int(campaign_id)) if r.contact_id == contact.id]
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
                           campaigns=queries.campaigns(current_workspace().id, 20))


def _edit(template: Template | None):
    workspace = current_workspace()
    form = TemplateForm(obj=template)
    form.recipient.choices = _preview_choices(workspace.id)
    warnings: list[str] = []
    if form.validate_on_submit():
        try:
            saved, warnings = library.save_template(workspace.id, template, form.name.data, form.subject.data or "",
                                                    form.body.data)
        except library.LibraryError as exc:
            flash(f"Not saved: {exc}", "danger")
        else:
            flash(f"Template {saved.name} saved.", "success")
            for warning in warnings:
                flash(f"Before sending: {warning}", "warning")
            return redirect(url_for("outreach.edit_template", template_id=saved.id))
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
    return redirect(url_for("outreach.templates"))


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


@bp.get("/outreach/senders")
@require_role("viewer")
def senders():
    """The workspace's sender identities."""
    rows = db.session.scalars(scoped(SenderIdentity).order_by(SenderIdentity.from_email)).all()
    return render_template("outreach/senders.html", senders=rows, describe=identities.describe_window)


def _edit_sender(sender: SenderIdentity | None):
    workspace = current_workspace()
    form = SenderForm(obj=sender)
    if request.method == "GET" and sender is not None:
        form.window_days.data = list(sender.window_days)
    if form.validate_on_submit():
        row = sender or SenderIdentity(workspace_id=workspace.id)
        form.populate_obj(row)
        row.window_days = "".join(sorted(set(form.window_days.data)))
        try:
            identities.save_identity(row)
        except identities.IdentityError as exc:
            flash(f"Not saved: {exc}", "danger")
        else:
            flash(f"Sender {row.from_email} saved.", "success")
            return redirect(url_for("outreach.senders"))
    return render_template("outreach/sender_form.html", form=form, sender=sender, action_form=ActionForm(),
                           mailbox_form=_mailbox_form(sender), folders=mailboxes.folder_status(sender))


def _mailbox_form(sender: SenderIdentity | None, form: MailboxForm | None = None) -> MailboxForm | None:
    """The Mailbox form filled with the stored accounts (never their passwords)."""
    if sender is None:
        return None
    if form is not None:  # a submitted form shows what was typed (and its errors)
        return form
    form = MailboxForm(formdata=None)
    for kind in mailboxes.KINDS:
        if mailboxes.has_account(sender, kind):
            for name in ("host", "port", "security", "user"):
                getattr(form, f"{kind}_{name}").data = getattr(sender, f"{kind}_{name}")
    return form


@bp.route("/outreach/senders/new", methods=["GET", "POST"])
@require_role("admin")
def new_sender():
    """Add a sender identity."""
    return _edit_sender(None)


@bp.route("/outreach/senders/<int:sender_id>", methods=["GET", "POST"])
@require_role("admin")
def edit_sender(sender_id: int):
    """Change a sender identity."""
    return _edit_sender(get_scoped_or_404(SenderIdentity, sender_id))


@bp.post("/outreach/senders/<int:sender_id>/test-connection")
@require_role("admin")
def test_sender_connection(sender_id: int):
    """Check the sender's SMTP and IMAP accounts and show which step passed or failed."""
    sender = get_scoped_or_404(SenderIdentity, sender_id)
    results = mailboxes.test_connection(sender) if ActionForm().validate_on_submit() else None
    if results == []:
        flash("This sender has no SMTP or IMAP account of its own to test.", "info")
    form = SenderForm(obj=sender)
    form.window_days.data = list(sender.window_days)
    return render_template("outreach/sender_form.html", form=form, sender=sender, results=results,
                           action_form=ActionForm(), mailbox_form=_mailbox_form(sender),
                           folders=mailboxes.folder_status(sender))


@bp.post("/outreach/senders/<int:sender_id>/mailbox")
@require_role("admin")
def sender_mailbox(sender_id: int):
    """Set or remove the sender's own SMTP and IMAP accounts; a blank password keeps the stored one."""
    sender = get_scoped_or_404(SenderIdentity, sender_id)
    form = MailboxForm()
    action = request.form.get("action", "save")
    if form.validate_on_submit():
        if action in ("remove_smtp", "remove_imap"):
            fields = {action.removeprefix("remove_"): None}
        else:
            fields = {kind: form.fields_of(kind) for kind in mailboxes.KINDS}
        errors = mailboxes.save_mailbox(sender, fields)
        if not errors:
            flash({"remove_smtp": "SMTP account removed.", "remove_imap": "IMAP account removed."}.get(
                action, f"Mailbox of {sender.from_email} saved."), "success")
            return redirect(url_for("outreach.edit_sender", sender_id=sender.id))
        for name, message in errors.items():
            getattr(form, name).errors = [message[:1].upper() + message[1:] + "."]
        flash("Mailbox not saved: see the errors below.", "danger")
    sender_form = SenderForm(obj=sender, formdata=None)
    sender_form.window_days.data = list(sender.window_days)
    page = render_template("outreach/sender_form.html", form=sender_form, sender=sender, action_form=ActionForm(),
                           mailbox_form=_mailbox_form(sender, form), folders=mailboxes.folder_status(sender))
    return page, 422 if form.is_submitted() else 200


def _suppression_page(form: SuppressionForm):
    workspace = current_workspace()
    kind = request.args.get("kind")
    page = db.paginate(suppression.listing(workspace.id, kind, request.args.get("q", "")),
                       page=request.args.get("page", 1, type=int), per_page=50, error_out=False)
    return render_template("outreach/suppressions.html", form=form, page=page, kind=kind, reasons=suppression.REASONS,
                           action_form=ActionForm(), q=request.args.get("q", ""))


@bp.get("/outreach/suppressions")
@require_role("viewer")
def suppressions():
    """The suppression list: this workspace's entries and the global ones."""
    return _suppression_page(SuppressionForm())


@bp.post("/outreach/suppressions")
@require_role("member")
def add_suppression():
    """Suppress an address or a whole domain by hand."""
    form = SuppressionForm()
    if form.validate_on_submit():
        try:
            row = library.add_suppression(current_workspace().id, form.value.data, "added by hand")
        except suppression.SuppressionError as exc:
            form.value.errors.append(str(exc))
        else:
            flash(f"{row.value} will never be mailed from this workspace.", "success")
            return redirect(url_for("outreach.suppressions"))
    return _suppression_page(form), 400


@bp.post("/outreach/suppressions/<int:suppression_id>/delete")
@require_role("admin")
def remove_suppression(suppression_id: int):
    """Remove one of the workspace's own entries."""
    row = get_scoped_or_404(Suppression, suppression_id)
    if ActionForm().validate_on_submit():
        library.remove_suppression(current_workspace().id, row)
        flash(f"{row.value} removed from the suppression list.", "success")
    return redirect(url_for("outreach.suppressions"))


@bp.get("/outreach/settings")
@require_role("admin")
def settings():
    """Where SendGrid should post events and replies, and what the sending setup looks like."""
    config = current_app.config
    base = (config.get("PUBLIC_BASE_URL") or request.host_url).rstrip("/")
    workspace = current_workspace()
    inbound_url = None
    if can("owner"):  # the address lets anyone post replies into this workspace: owners only see it
        secret = inbound_addresses.secret_of(workspace.id)
        inbound_url = base + url_for("outreach.sendgrid_inbound", secret=secret)
    return render_template(
        "outreach/settings.html",
        events_url=base + url_for("outreach.sendgrid_events"), inbound_url=inbound_url,
        backend=config.get("MAIL_BACKEND"), reply_domain=config.get("REPLY_DOMAIN") or "",
        public_key_set=bool(config.get("SENDGRID_WEBHOOK_PUBLIC_KEY")),
        api_host=config.get("SENDGRID_API_HOST"), workspace=workspace, action_form=ActionForm(),
    )


@bp.post("/outreach/settings/inbound/rotate")
@require_role("owner")
def rotate_inbound():
    """Give the workspace a new Inbound Parse address; the old one stops answering."""
    if ActionForm().validate_on_submit():
        inbound_addresses.rotate(current_workspace().id)
        flash("New inbound address made. Paste it into SendGrid's Inbound Parse: the old one no longer works.",
              "success")
    return redirect(url_for("outreach.settings"))
