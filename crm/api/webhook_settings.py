"""The webhooks settings page: endpoints (secret shown once), pause/resume, test event, delivery log, send again."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length

from crm.accounts.current import current_workspace, get_scoped_or_404, require_role
from crm.accounts.forms import ActionForm
from crm.api import webhook_tasks, webhooks
from crm.api.models import WebhookEndpoint

bp = Blueprint("webhook_settings", __name__)


class EndpointForm(FlaskForm):
    """A new endpoint's URL, kind and events."""

    url = StringField("URL", validators=[DataRequired(), Length(max=2000)])
    kind = SelectField("Kind", choices=[("standard", "Standard Webhooks (signed JSON)"),
                                        ("slack", "Slack incoming webhook")])
    events = SelectMultipleField("Events", choices=[(name, name) for name in webhooks.EVENTS])


def _endpoint(endpoint_id: int) -> WebhookEndpoint:
    return get_scoped_or_404(WebhookEndpoint, endpoint_id)


@bp.route("/settings/webhooks", methods=["GET", "POST"])
@require_role("admin")
def endpoints_page():
    """List the workspace's endpoints; add one (its secret is shown on this response only)."""
    workspace = current_workspace()
    form, shown = EndpointForm(), None
    if form.validate_on_submit():
        try:
            _, shown = webhooks.create_endpoint(workspace.id, url=form.url.data, events=form.events.data,
                                                kind=form.kind.data, created_by_id=int(current_user.get_id()))
        except webhooks.WebhookError as exc:
            form.url.errors = [*form.url.errors, str(exc)]
        else:
            flash("Endpoint added. Copy its signing secret now: it is not shown again.", "success")
            form = EndpointForm(formdata=None)
    return render_template("api/webhooks.html", form=form, shown=shown,
                           endpoints=webhooks.endpoints_of(workspace.id), action_form=ActionForm())


@bp.get("/settings/webhooks/<int:endpoint_id>")
@require_role("admin")
def endpoint_log(endpoint_id: int):
    """One endpoint's delivery log: what was sent, the answer, the time it took."""
    endpoint = _endpoint(endpoint_id)
    return render_template("api/webhook_log.html", endpoint=endpoint, deliveries=webhooks.deliveries_of(endpoint),
                           action_form=ActionForm())


def _action(endpoint_id: int):
    endpoint = _endpoint(endpoint_id)
    return endpoint if ActionForm().validate_on_submit() else None


@bp.post("/settings/webhooks/<int:endpoint_id>/delete")
@require_role("admin")
def delete_endpoint(endpoint_id: int):
    """Delete an endpoint and its log."""
    endpoint = _action(endpoint_id)
    if endpoint is not None:
        webhooks.delete_endpoint(endpoint)
        flash("Endpoint deleted.", "success")
    return redirect(url_for("webhook_settings.endpoints_page"))


@bp.post("/settings/webhooks/<int:endpoint_id>/pause")
@require_role("admin")
def pause_endpoint(endpoint_id: int):
    """Pause an endpoint: events are not sent to it until it is resumed."""
    endpoint = _action(endpoint_id)
    if endpoint is not None:
        webhooks.set_paused(endpoint, True, "paused by hand")
    return redirect(url_for("webhook_settings.endpoints_page"))


@bp.post("/settings/webhooks/<int:endpoint_id>/resume")
@require_role("admin")
def resume_endpoint(endpoint_id: int):
    """Resume a paused endpoint."""
    endpoint = _action(endpoint_id)
    if endpoint is not None:
        webhooks.set_paused(endpoint, False)
    return redirect(url_for("webhook_settings.endpoints_page"))


@bp.post("/settings/webhooks/<int:endpoint_id>/test")
@require_role("admin")
def send_test(endpoint_id: int):
    """Send a webhook.test event now and show the log."""
    endpoint = _action(endpoint_id)
    if endpoint is not None:
        webhook_tasks.deliver(webhooks.test_delivery(endpoint))
        flash("Test event queued; its result appears below.", "success")
    return redirect(url_for("webhook_settings.endpoint_log", endpoint_id=endpoint_id))


@bp.post("/settings/webhooks/deliveries/<int:delivery_id>/resend")
@require_role("admin")
def resend_delivery(delivery_id: int):
    """Send one logged delivery's body again, as a new delivery."""
    new_id = webhooks.resend(current_workspace().id, delivery_id) if ActionForm().validate_on_submit() else None
    if new_id is None:
        abort(404)
    webhook_tasks.deliver(new_id)
    flash("Sent again; the new delivery is at the top.", "success")
    delivery = webhooks.delivery_of(current_workspace().id, new_id)
    return redirect(url_for("webhook_settings.endpoint_log", endpoint_id=delivery.endpoint_id))
