"""The API tokens settings page: owners and admins make (shown once), list and revoke tokens."""

from __future__ import annotations

from datetime import UTC, datetime, time

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from crm.accounts.current import current_workspace, require_role
from crm.accounts.forms import ActionForm
from crm.api import tokens

bp = Blueprint("api_settings", __name__)


class TokenForm(FlaskForm):
    """A new token's name, scope and optional last day."""

    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    scope = SelectField("Scope", choices=[("read", "Read only"), ("write", "Read and write")])
    expires_on = DateField("Expires after (optional)", validators=[Optional()])


@bp.route("/settings/api-tokens", methods=["GET", "POST"])
@require_role("admin")
def tokens_page():
    """List the workspace's tokens; make one (its value is shown on this response only)."""
    workspace = current_workspace()
    form, shown = TokenForm(), None
    if form.validate_on_submit():
        expires = form.expires_on.data
        try:
            _, shown = tokens.create_token(
                workspace.id, name=form.name.data, scope=form.scope.data, created_by_id=int(current_user.get_id()),
                expires_at=datetime.combine(expires, time.max, tzinfo=UTC) if expires else None)
        except tokens.TokenError as exc:
            form.name.errors = [*form.name.errors, str(exc)]
        else:
            flash("Token made. Copy it now: it is not shown again.", "success")
            form = TokenForm(formdata=None)
    return render_template("api/tokens.html", form=form, shown=shown, tokens=tokens.tokens_of(workspace.id),
                           action_form=ActionForm())


@bp.post("/settings/api-tokens/<int:token_id>/revoke")
@require_role("admin")
def revoke_token(token_id: int):
    """Revoke a token of this workspace: its next call is refused."""
    if not ActionForm().validate_on_submit():
        return redirect(url_for("api_settings.tokens_page"))
    if not tokens.revoke(current_workspace().id, token_id):
        abort(404)  # another workspace's token, or one already revoked: nothing here to revoke
    flash("Token revoked.", "success")
    return redirect(url_for("api_settings.tokens_page"))
