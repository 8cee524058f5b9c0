"""Contact discovery results: progress while pages are read, then the addresses found to add."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from crm.accounts.current import get_scoped_or_404, require_role
from crm.prospects import discovery, progress
from crm.prospects.models import ProspectJob
from crm.prospects.views import bp


def _job(job_id: int) -> ProspectJob:
    """A discovery job of the current workspace, or 404."""
    job = get_scoped_or_404(ProspectJob, job_id)
    if job.kind != "discovery":
        abort(404)
    return job


@bp.get("/sites/discoveries/<int:job_id>")
@require_role("viewer")
def discovery_job(job_id: int):
    """Addresses found on each site's pages, best first, with the page each was found on."""
    job = _job(job_id)
    return render_template("prospects/discovery.html", job=job, live=progress.read(job.id))


@bp.get("/sites/discoveries/<int:job_id>/progress")
@require_role("viewer")
def discovery_progress(job_id: int):
    """The progress box, polled by htmx; reloads the page when the job has finished."""
    job = _job(job_id)
    response = Response(render_template("prospects/_progress.html", job=job, live=progress.read(job.id),
                                        poll=url_for("prospects.discovery_progress", job_id=job.id)))
    if job.finished:
        response.headers["HX-Refresh"] = "true"
    return response


@bp.post("/sites/discoveries/<int:job_id>/add")
@require_role("member")
def add_discovered(job_id: int):
    """Add the ticked addresses (or all found for a site, or all of them) as contacts."""
    job = _job(job_id)
    added, skipped = discovery.add_discovered(job, set(request.form.getlist("pick")), request.form.get("all") == "1",
                                              request.form.get("site"), current_user.id)
    if added:
        flash(f"{added} contact(s) added.", "success")
    if skipped:
        flash(" ".join(skipped[:5]), "warning")
    if not added and not skipped:
        flash("Tick the addresses to add first.", "warning")
    return redirect(url_for("prospects.discovery_job", job_id=job.id))
