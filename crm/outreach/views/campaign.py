"""A campaign's sequence editor and its launch page (checklist, launch button, and how each enrollment stands)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from crm.accounts.current import can, current_workspace, require_role, scoped
from crm.accounts.forms import ActionForm
from crm.extensions import db
from crm.outreach import identities, library, queries, skips
from crm.outreach.forms import SequenceForm
from crm.outreach.launching import LaunchError, checklist, launch
from crm.outreach.models import SenderIdentity, Template
from crm.outreach.recipients import has_recipient_source, recipients_for
from crm.outreach.views import bp


def _campaign_or_404(campaign_id: int):
    row = queries.campaign(current_workspace().id, campaign_id)
    if row is None:
        abort(404)
    return row


@bp.route("/campaigns/<int:campaign_id>/sequence", methods=["GET", "POST"])
@require_role("viewer")
def sequence(campaign_id: int):
    """The campaign's first pitch and follow-ups, and the identity they come from."""
    campaign = _campaign_or_404(campaign_id)
    workspace = current_workspace()
    current = library.sequence_for(workspace.id, campaign.id)
    form = SequenceForm()
    templates = db.session.scalars(scoped(Template).order_by(Template.name)).all()
    senders = db.session.scalars(scoped(SenderIdentity).order_by(SenderIdentity.from_email)).all()
    form.sender_id.choices = [SelectChoice("", "Choose a sender")] + [
        SelectChoice(str(s.id), f"{s.from_name} <{s.from_email}>{'' if s.active else ' (off)'}") for s in senders]
    names = [SelectChoice(str(t.id), t.name) for t in templates]
    for entry in form.steps:
        entry.form.template_id.choices = [SelectChoice("", "No step"), *names]
        for variant in entry.form.variant_fields():
            variant.choices = [SelectChoice("", "No variant"), *names]
    if form.is_submitted():
        if not can("member"):
            abort(403)
        if form.validate():
            sender_id = int(form.sender_id.data) if str(form.sender_id.data or "").isdigit() else None
            try:
                library.save_sequence(workspace.id, campaign.id, sender_id, form.chosen_steps())
            except library.LibraryError as exc:
                flash(f"Not saved: {exc}", "danger")
            else:
                flash("Sequence saved.", "success")
                return redirect(url_for("outreach.sequence", campaign_id=campaign.id))
    elif current is not None:
        form.sender_id.data = str(current.sender_id or "")
        for entry, step in zip(form.steps, sorted(current.steps, key=lambda s: s.position), strict=False):
            entry.form.template_id.data, entry.form.delay.data = str(step.template_id), step.delay_business_days
            for variant, row in zip(entry.form.variant_fields(), step.variants, strict=False):
                variant.data = str(row.template_id)
    return render_template("outreach/sequence.html", form=form, campaign=campaign, sequence=current,
                           templates=templates, senders=senders)


@bp.route("/campaigns/<int:campaign_id>/launch", methods=["GET", "POST"])
@require_role("viewer")
def launch_page(campaign_id: int):
    """Every reason a message would not go, per recipient, before anything is queued; then launch."""
    campaign = _campaign_or_404(campaign_id)
    workspace = current_workspace()
    current = library.sequence_for(workspace.id, campaign.id)
    form = ActionForm()
    if current is None:
        flash("Write the sequence first: its steps and the sender identity.", "info")
        return redirect(url_for("outreach.sequence", campaign_id=campaign.id))
    recipients = recipients_for(workspace.id, campaign.id, with_contactless=True)  # listed, so their skip is seen
    if form.is_submitted():
        if not can("member"):
            abort(403)
        if form.validate():
            try:
                result = launch(workspace.id, current.id, recipients, current_user.id)
            except (LaunchError, identities.IdentityError) as exc:
                flash(f"Not launched: {exc}", "danger")
            else:
                flash(f"Launched: {result.enrolled} first pitch(es) queued"
                      + (f", {len(result.skipped)} recipient(s) skipped (see why below)." if result.skipped else "."),
                      "success")
                return redirect(url_for("outreach.launch_page", campaign_id=campaign.id))
    try:
        checks = checklist(workspace.id, current.id, recipients)
    except identities.IdentityError as exc:
        checks = None
        flash(f"The sender identity needs fixing: {exc}", "danger")
    sender = db.session.scalar(select(SenderIdentity).where(SenderIdentity.id == current.sender_id))
    return render_template(
        "outreach/launch.html", campaign=campaign, sequence=current, checks=checks, form=form,
        enrollments=queries.enrollments(workspace.id, current.id),
        enrollment_counts=queries.enrollment_counts(workspace.id, current.id),
        has_source=has_recipient_source(), sender=sender,
        window=identities.describe_window(sender) if sender else "", skip_labels=skips.LABELS,
    )
