"""Sender identities, the suppression list and the outreach settings page.

The template pages stand with campaigns (crm/campaigns/views_templates.py): their preview reads contacts.
"""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for

from crm.accounts.current import can, current_workspace, get_scoped_or_404, require_role, scoped
from crm.accounts.forms import ActionForm
from crm.extensions import db
from crm.outreach import identities, inbound_addresses, library, mailboxes, suppression
from crm.outreach.forms import MailboxForm, SenderForm, SuppressionForm
from crm.outreach.models import SenderIdentity, Suppression
from crm.outreach.views import bp


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
