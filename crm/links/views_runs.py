"""Progress of "verify now" runs (polled by htmx) and the alerts panel with mark-read."""

from __future__ import annotations

from flask import flash, make_response, redirect, render_template, request, url_for
from sqlalchemy import select

from crm.accounts.current import current_workspace, get_scoped_or_404, require_role
from crm.accounts.forms import ActionForm
from crm.extensions import db
from crm.links import backlinks as service
from crm.links import wording
from crm.links.models import Backlink, LinkAlert, LinkVerifyRun
from crm.links.views import bp
from crm.security import safe_next


@bp.get("/backlinks/runs/<int:run_id>")
@require_role("viewer")
def run(run_id: int):
    """A "verify now" run: a progress bar while it works, then what it found."""
    row = get_scoped_or_404(LinkVerifyRun, run_id)
    checked = []
    if row.finished:
        checked = list(db.session.scalars(select(Backlink).where(
            Backlink.workspace_id == row.workspace_id, Backlink.id.in_(row.backlink_ids or [])).order_by(Backlink.id)
            .limit(500)))
    return render_template("links/run.html", run=row, checked=checked, words=wording)


@bp.get("/backlinks/runs/<int:run_id>/progress")
@require_role("viewer")
def run_progress(run_id: int):
    """The progress bar alone, for htmx polling; asks the page to reload when the run is over."""
    row = get_scoped_or_404(LinkVerifyRun, run_id)
    response = make_response(render_template("links/_progress.html", run=row))
    if row.finished:
        response.headers["HX-Refresh"] = "true"
    return response


@bp.get("/backlinks/alerts")
@require_role("viewer")
def alerts():
    """Confirmed changes of links, newest first; unread ones stand out."""
    workspace = current_workspace()
    query = select(LinkAlert).where(LinkAlert.workspace_id == workspace.id)
    if request.args.get("show") == "unread":
        query = query.where(LinkAlert.read_at.is_(None))
    page = db.paginate(query.order_by(LinkAlert.created_at.desc(), LinkAlert.id.desc()),
                       page=request.args.get("page", 1, type=int), per_page=50, error_out=False)
    return render_template("links/alerts.html", page=page, unread=service.unread_alerts(workspace.id),
                           action_form=ActionForm(), words=wording)


@bp.post("/backlinks/alerts/<int:alert_id>/read")
@require_role("member")
def mark_alert_read(alert_id: int):
    """Mark one alert read."""
    alert = get_scoped_or_404(LinkAlert, alert_id)
    if ActionForm().validate_on_submit():
        service.mark_read(alert.workspace_id, [alert.id])
    return redirect(safe_next(request.form.get("next"), url_for("links.alerts")))


@bp.post("/backlinks/alerts/read-all")
@require_role("member")
def mark_all_read():
    """Mark every alert of the workspace read."""
    if ActionForm().validate_on_submit():
        count = service.mark_read(current_workspace().id)
        flash(f"{count} alert(s) marked read.", "success")
    return redirect(url_for("links.alerts"))
