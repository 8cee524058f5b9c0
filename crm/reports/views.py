"""The dashboard, the reports index, campaign reports with their CSV files, and share links."""

from __future__ import annotations

import re

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from crm.accounts import audit
from crm.accounts.current import can, current_workspace, get_scoped_or_404, require_role
from crm.accounts.forms import ActionForm
from crm.accounts.logo import logo_response
from crm.accounts.models import Workspace
from crm.campaigns.models import Campaign
from crm.campaigns.reporting import headlines
from crm.campaigns.reporting.report import build_report
from crm.csvexport import iter_csv
from crm.extensions import db
from crm.ops.services import worker_status
from crm.reports import charts, precomputed, schedules, sharing
from crm.reports import dashboard as board
from crm.reports.forms import ReportScheduleForm, ShareLinkForm, ShareNotesForm
from crm.reports.models import ShareLink

bp = Blueprint("reports", __name__)

COMPARED_ON_DASHBOARD = 6


def csv_response(table: charts.Table | None, name: str) -> Response:
    """A spreadsheet-safe CSV download of one table."""
    if table is None:
        abort(404)
    filename = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "report"
    audit.record(current_workspace().id, "export", detail={"file": f"{filename}.csv"}, commit=True)
    return Response(iter_csv(table.rows, table.columns), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'})


@bp.get("/")
@require_role("viewer")
def dashboard():
    """The workspace at a glance: links this month vs last, campaigns side by side, what needs attention."""
    workspace = current_workspace()
    compared = headlines.workspace_campaigns(workspace.id, active_only=True, limit=COMPARED_ON_DASHBOARD)
    rows = precomputed.campaign_headlines(workspace.id, compared)
    summary, attention = precomputed.link_summary(workspace.id)
    return render_template(
        "reports/dashboard.html", workspace=workspace, worker=worker_status(), months=summary.months,
        headlines=rows, attention_counts=summary.attention, attention=attention,
        attention_kinds=board.ATTENTION_KINDS, tasks=board.tasks_due(workspace.id, current_user.id),
        harmful_count=summary.harmful,
        comparison_chart=charts.comparison_chart(rows), quality_chart=charts.quality_chart(rows),
    )


@bp.get("/reports")
@require_role("viewer")
def index():
    """Every campaign with its headline figures and a link to its report."""
    workspace = current_workspace()
    rows = precomputed.campaign_headlines(workspace.id, headlines.workspace_campaigns(workspace.id))
    summary, _ = precomputed.link_summary(workspace.id)
    campaigns_url = url_for("campaigns.list_campaigns") if "campaigns.list_campaigns" in current_app.view_functions \
        else None
    return render_template("reports/index.html", headlines=rows, comparison_chart=charts.comparison_chart(rows),
                           quality_chart=charts.quality_chart(rows), harmful_count=summary.harmful,
                           campaigns_url=campaigns_url)


@bp.get("/reports.csv")
@require_role("viewer")
def index_csv():
    """The campaigns' headline figures as CSV."""
    workspace = current_workspace()
    rows = precomputed.campaign_headlines(workspace.id, headlines.workspace_campaigns(workspace.id))
    return csv_response(charts.Table("Campaigns", charts.HEADLINE_COLUMNS, [h.as_row() for h in rows]),
                        "campaign-reports")


@bp.get("/campaigns/<int:campaign_id>/report")
@require_role("viewer")
def campaign_report(campaign_id: int):
    """One campaign's report: printable, with charts and the CSV behind each."""
    campaign = get_scoped_or_404(Campaign, campaign_id)
    report = build_report(current_workspace(), campaign)
    admin = can("admin")
    share_links = sharing.for_campaign(campaign.workspace_id, campaign.id) if admin else []
    mailed = schedules.for_campaign(campaign.workspace_id, campaign.id) if admin else []
    html = render_template(
        "reports/campaign.html", report=report, charts=charts.report_charts(report), shared=False,
        share_links=share_links, share_form=ShareLinkForm(), notes_form=ShareNotesForm(), action_form=ActionForm(),
        share_state=sharing.state, schedules=mailed, schedule_form=ReportScheduleForm(),
    )
    # Stored after rendering (storing commits, and a commit expires the rows the page reads): the index and the
    # dashboard now show exactly what this report showed.
    precomputed.remember_headline(campaign.workspace_id, report.headline)
    return html


@bp.get("/campaigns/<int:campaign_id>/report/<chart>.csv")
@require_role("viewer")
def report_csv(campaign_id: int, chart: str):
    """The rows behind one chart of a campaign report."""
    campaign = get_scoped_or_404(Campaign, campaign_id)
    table = charts.report_tables(build_report(current_workspace(), campaign)).get(chart)
    return csv_response(table, f"{campaign.name}-{chart}")


def _share_url(token: str) -> str:
    base = current_app.config.get("PUBLIC_BASE_URL", "").rstrip("/")
    path = url_for("reports.shared_report", token=token)
    return base + path if base else url_for("reports.shared_report", token=token, _external=True)


@bp.post("/campaigns/<int:campaign_id>/share-links")
@require_role("admin")
def create_share_link(campaign_id: int):
    """Make a read-only link to this report for a client; the address is shown once."""
    campaign = get_scoped_or_404(Campaign, campaign_id)
    form = ShareLinkForm()
    if not form.validate_on_submit():
        flash("Choose how long the link stays valid.", "danger")
        return redirect(url_for("reports.campaign_report", campaign_id=campaign.id))
    try:
        row, token = sharing.create(campaign.workspace_id, campaign.id, current_user.id, form.days.data,
                                    current_app.config["SECRET_KEY"], notes=_ticked(form))
    except sharing.ShareError as exc:
        flash(str(exc), "danger")
        return redirect(url_for("reports.campaign_report", campaign_id=campaign.id))
    # Rendered rather than redirected: the token is never stored, not even in a flash message in the session.
    return render_template("reports/share_created.html", campaign=campaign, link=row, url=_share_url(token))


def _ticked(form) -> dict[str, bool]:
    return {key: bool(getattr(form, key).data) for key in sharing.NOTES}


@bp.post("/share-links/<int:share_link_id>/notes")
@require_role("admin")
def share_link_notes(share_link_id: int):
    """Change which internal notes (risks, costs, reply rates) a share link shows."""
    row = get_scoped_or_404(ShareLink, share_link_id)
    form = ShareNotesForm()
    if form.validate_on_submit():
        sharing.set_notes(row, _ticked(form), current_user.id)
        flash("Share link updated.", "success")
    return redirect(url_for("reports.campaign_report", campaign_id=row.campaign_id))


@bp.post("/share-links/<int:share_link_id>/revoke")
@require_role("admin")
def revoke_share_link(share_link_id: int):
    """Withdraw a share link at once."""
    row = get_scoped_or_404(ShareLink, share_link_id)
    if ActionForm().validate_on_submit():
        flash("Share link revoked." if sharing.revoke(row) else "That link was already revoked.", "success")
    return redirect(url_for("reports.campaign_report", campaign_id=row.campaign_id))


@bp.get("/share/<token>")
def shared_report(token: str):
    """A campaign report for someone without an account: that campaign only, no navigation."""
    row = sharing.resolve(token, current_app.config["SECRET_KEY"])
    campaign = db.session.get(Campaign, row.campaign_id) if row else None
    if row is None or campaign is None or campaign.workspace_id != row.workspace_id:
        response = Response(render_template("reports/share_gone.html"), status=404)
    else:
        workspace = db.session.get(Workspace, campaign.workspace_id)
        report = build_report(workspace, campaign)
        html = render_template("reports/shared.html", report=report, charts=charts.report_charts(report),
                               shared=True, link=row, workspace=workspace, token=token,
                               notes=sharing.notes_of(row))
        response = Response(html)
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Referrer-Policy"] = "no-referrer"  # the token is in the address; never pass it on
    return response


@bp.get("/share/<token>/logo")
def shared_logo(token: str):
    """The logo of the workspace a live share link belongs to; nothing for a dead or forged token."""
    row = sharing.resolve(token, current_app.config["SECRET_KEY"])
    if row is None:
        abort(404)
    response = logo_response(db.session.get(Workspace, row.workspace_id))
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
