"""Custom fields: the settings page that defines them, and the forms that set values on sites and contacts."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from crm.accounts.current import current_workspace, get_scoped_or_404, require_role
from crm.accounts.forms import ActionForm
from crm.prospects import custom_fields as rules
from crm.prospects import fielddefs
from crm.prospects.models import Contact, CustomField, Site
from crm.prospects.views import bp


@bp.route("/settings/fields", methods=["GET", "POST"])
@require_role("admin")
def fields_page():
    """List the workspace's custom fields and define a new one."""
    workspace, form, error = current_workspace(), ActionForm(), None
    if request.method == "POST" and form.validate_on_submit():
        try:
            fielddefs.create(workspace.id, entity=request.form.get("entity", ""), key=request.form.get("key", ""),
                             label=request.form.get("label", ""), type_=request.form.get("type", ""),
                             choices_text=request.form.get("choices", ""))
        except fielddefs.FieldError as exc:
            error = str(exc)
        else:
            flash("Field added.", "success")
            return redirect(url_for("prospects.fields_page"))
    elif request.method == "POST":
        error = "The form expired; try again."
    return render_template("prospects/fields.html", fields=fielddefs.definitions(workspace.id), form=form,
                           error=error, entities=rules.ENTITY_LABELS, types=rules.TYPE_LABELS,
                           values=request.form if error else {}), (400 if error else 200)


@bp.post("/settings/fields/<int:field_id>/edit")
@require_role("admin")
def edit_field(field_id: int):
    """Rename a field's label or change a choice field's choices (the key stays)."""
    row = get_scoped_or_404(CustomField, field_id)
    if ActionForm().validate_on_submit():
        try:
            fielddefs.update(row, label=request.form.get("label", ""), choices_text=request.form.get("choices", ""))
        except fielddefs.FieldError as exc:
            flash(str(exc), "danger")
        else:
            flash("Field saved.", "success")
    return redirect(url_for("prospects.fields_page"))


@bp.post("/settings/fields/<int:field_id>/move")
@require_role("admin")
def move_field(field_id: int):
    """Move a field up or down its list."""
    row = get_scoped_or_404(CustomField, field_id)
    if ActionForm().validate_on_submit():
        fielddefs.move(row, -1 if request.form.get("direction") == "up" else 1)
    return redirect(url_for("prospects.fields_page"))


@bp.route("/settings/fields/<int:field_id>/delete", methods=["GET", "POST"])
@require_role("admin")
def delete_field(field_id: int):
    """Ask first (saying how many values it hides), then delete the definition."""
    row, form = get_scoped_or_404(CustomField, field_id), ActionForm()
    if request.method == "POST" and form.validate_on_submit():
        hidden = fielddefs.delete(row)
        flash(f"Field deleted; {hidden} value{'s' if hidden != 1 else ''} hidden.", "success")
        return redirect(url_for("prospects.fields_page"))
    return render_template("prospects/field_delete.html", field=row, count=fielddefs.values_count(row), form=form,
                           entities=rules.ENTITY_LABELS)


def save_values(entity: str, record, back: str):
    """Save a record's posted custom values (checked by type, all or nothing), flash the outcome, go back."""
    if not ActionForm().validate_on_submit():
        flash("The form expired; try again.", "danger")
        return redirect(back)
    try:
        fielddefs.set_values(current_workspace().id, entity, record, fielddefs.submitted_values(request.form))
    except fielddefs.FieldError as exc:
        flash(str(exc), "danger")
        return redirect(back)
    flash("Custom fields saved.", "success")
    return redirect(back)


@bp.post("/sites/<int:site_id>/custom")
@require_role("member")
def site_custom(site_id: int):
    """Save the site's custom field values."""
    row = get_scoped_or_404(Site, site_id)
    return save_values("site", row, url_for("prospects.site", site_id=row.id) + "#custom-fields")


@bp.post("/contacts/<int:contact_id>/custom")
@require_role("member")
def contact_custom(contact_id: int):
    """Save a contact's custom field values."""
    row = get_scoped_or_404(Contact, contact_id)
    return save_values("contact", row, url_for("prospects.site", site_id=row.site_id) + "#contacts")
