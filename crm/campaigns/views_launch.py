"""A campaign's sequence editor and its launch page (checklist, launch button, and how each enrollment stands).

The pages are campaigns': they list the campaign's cards (crm.campaigns.recipients) and launch through
crm.campaigns.launching, which hands each person down to outreach.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from crm.accounts.current import can, current_workspace, get_scoped_or_404, require_role, scoped
from crm.accounts.forms import ActionForm
from crm.campaigns.enrolled import enrollments
from crm.campaigns.launching import LaunchError, checklist, launch
from crm.campaigns.models import Campaign
from crm.campaigns.recipients import campaign_recipients
from crm.campaigns.views import bp
from crm.extensions import db
from crm.outreach import identities, library, queries, skips
from crm.outreach.forms import SequenceForm
from crm.outreach.models import SenderIdentity, Template


def _sequence_form() -> tuple[SequenceForm, list[Template], list[SenderIdentity]]:
    """The sequence form with the workspace's templates and senders as its choices."""
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
    return form, templates, senders


def _fill(form: SequenceForm, current) -> None:
    form.sender_id.data = str(current.sender_id or "")
    for entry, step in zip(form.steps, sorted(current.steps, key=lambda s: s.position), strict=False):
        entry.form.template_id.data, entry.form.delay.data = str(step.template_id), step.delay_business_days
        for variant, row in zip(entry.form.variant_fields(), step.variants, strict=False):
            variant.data = str(row.template_id)


def _opened(campaign_id: int):
    """The workspace's campaign (404 otherwise), the workspace, and the campaign's sequence or None."""
    campaign = get_scoped_or_404(Campaign, campaign_id)
    workspace = current_workspace()
    return campaign, workspace, library.sequence_for(workspace.id, campaign.id)


def _posted(form) -> bool:
    """True for a valid submission of the form; a viewer's submission is refused with 403."""
    if not form.is_submitted():
        return False
    if not can("member"):
        abort(403)
    return form.validate()


@bp.route("/campaigns/<int:campaign_id>/sequence", methods=["GET", "POST"])
@require_role("viewer")
def sequence(campaign_id: int):
    """The campaign's first pitch and follow-ups, and the identity they come from."""
    campaign, workspace, current = _opened(campaign_id)
    form, templates, senders = _sequence_form()
    if _posted(form):
        sender_id = int(form.sender_id.data) if str(form.sender_id.data or "").isdigit() else None
        try:
            library.save_sequence(workspace.id, campaign.id, sender_id, form.chosen_steps())
        except library.LibraryError as exc:
            flash(f"Not saved: {exc}", "danger")
        else:
            flash("Sequence saved.", "success")
            return redirect(url_for("campaigns.sequence", campaign_id=campaign.id))
    elif not form.is_submitted() and current is not None:
        _fill(form, current)
    return render_template("campaigns/sequence.html", form=form, campaign=campaign, sequence=current,
                           templates=templates, senders=senders)


@bp.route("/campaigns/<int:campaign_id>/launch", methods=["GET", "POST"])
@require_role("viewer")
def launch_page(campaign_id: int):
    """Every reason a message would not go, per recipient, before anything is queued; then launch."""
    campaign, workspace, current = _opened(campaign_id)
    form = ActionForm()
    if current is None:
        flash("Write the sequence first: its steps and the sender identity.", "info")
        return redirect(url_for("campaigns.sequence", campaign_id=campaign.id))
    recipients = campaign_recipients(workspace.id, campaign.id)  # cards without a contact too: their skip is seen
    if _posted(form):
        try:
            result = launch(workspace.id, current.id, recipients, current_user.id)
        except (LaunchError, identities.IdentityError) as exc:
            flash(f"Not launched: {exc}", "danger")
        else:
            flash(f"Launched: {result.enrolled} first pitch(es) queued"
                  + (f", {len(result.skipped)} recipient(s) skipped (see why below)." if result.skipped else "."),
                  "success")
            return redirect(url_for("campaigns.launch_page", campaign_id=campaign.id))
    try:
        checks = checklist(workspace.id, current.id, recipients)
    except identities.IdentityError as exc:
        checks = None
        flash(f"The sender identity needs fixing: {exc}", "danger")
    sender = db.session.scalar(select(SenderIdentity).where(SenderIdentity.id == current.sender_id))
    return render_template(
        "campaigns/launch.html", campaign=campaign, sequence=current, checks=checks, form=form,
        enrollments=enrollments(workspace.id, current.id),
        enrollment_counts=queries.enrollment_counts(workspace.id, current.id), sender=sender,
        window=identities.describe_window(sender) if sender else "", skip_labels=skips.LABELS,
    )
