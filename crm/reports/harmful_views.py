"""The harmful-link review page, its decisions and the disavow file download (routes on the reports blueprint)."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from crm.accounts.current import current_workspace, get_scoped_or_404, require_role
from crm.links.models import Backlink
from crm.reports import charts, harmful
from crm.reports.forms import DecisionForm
from crm.reports.views import bp, csv_response

DOMAINS_PER_PAGE = 50


@bp.get("/reports/harmful")
@require_role("viewer")
def harmful_links():
    """Links that may hurt, by domain, with what was decided for each domain and URL."""
    groups = harmful.review(current_workspace().id)
    pages = max(1, -(-len(groups) // DOMAINS_PER_PAGE))
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    shown = groups[(page - 1) * DOMAINS_PER_PAGE : page * DOMAINS_PER_PAGE]
    chosen = sum(1 for row in harmful.decisions(current_workspace().id).values() if row.decision == "disavow")
    return render_template("reports/harmful.html", groups=shown, total=len(groups), page=page, pages=pages,
                           form=DecisionForm(), chosen=chosen)


@bp.post("/reports/harmful/decisions")
@require_role("member")
def decide():
    """Remember disavow or keep for a flagged link's domain or URL."""
    form = DecisionForm()
    target = url_for("reports.harmful_links", page=request.args.get("page", 1, type=int))
    if not form.validate_on_submit():
        flash("Choose disavow, keep or undecided for a domain or a URL.", "danger")
        return redirect(target)
    link = get_scoped_or_404(Backlink, form.backlink_id.data)
    try:
        message = harmful.decide(current_workspace().id, current_user.id, link, form.scope.data,
                                 form.decision.data, form.comment.data or "")
    except harmful.DecisionError as exc:
        flash(str(exc), "danger")
    else:
        flash(message, "success")
    return redirect(target)


@bp.get("/reports/harmful/disavow.txt")
@require_role("viewer")
def disavow_export():
    """The Google disavow file for every domain and URL chosen for disavowal."""
    workspace = current_workspace()
    return Response(harmful.disavow_text(workspace), mimetype="text/plain",
                    headers={"Content-Disposition": 'attachment; filename="disavow.txt"'})


@bp.get("/reports/harmful.csv")
@require_role("viewer")
def harmful_csv():
    """The flagged links with their reasons and decisions, as CSV."""
    workspace = current_workspace()
    remembered = harmful.decisions(workspace.id)
    rows = []
    for link in harmful.flagged_links(workspace.id):
        domain, url = remembered.get(("domain", link.domain)), remembered.get(("url", link.url_key or ""))
        rows.append({"domain": link.domain, "source_url": link.source_url, "target_url": link.target_url,
                     "status": link.status, "score": link.score, "reasons": "; ".join(link.reasons),
                     "domain_decision": domain.decision if domain else "", "url_decision": url.decision if url else ""})
    columns = [("domain", "Domain"), ("source_url", "Source URL"), ("target_url", "Target URL"), ("status", "Status"),
               ("score", "Quality"), ("reasons", "Reasons"), ("domain_decision", "Domain decision"),
               ("url_decision", "URL decision")]
    return csv_response(charts.Table("Harmful links", columns, rows), "harmful-links")
