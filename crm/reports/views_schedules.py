"""Monthly report mail to a client: made and stopped from the campaign report (routes on the reports blueprint)."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_login import current_user

from crm.accounts.current import get_scoped_or_404, require_role
from crm.accounts.forms import ActionForm
from crm.campaigns.models import Campaign
from crm.reports import schedules, sharing
from crm.reports.forms import ReportScheduleForm
from crm.reports.models import ReportSchedule
from crm.reports.views import bp


@bp.post("/campaigns/<int:campaign_id>/report-schedules")
@require_role("admin")
def create_report_schedule(campaign_id: int):
    """Mail this campaign's report to a client address on a day of every month."""
    campaign = get_scoped_or_404(Campaign, campaign_id)
    form = ReportScheduleForm()
    back = redirect(url_for("reports.campaign_report", campaign_id=campaign.id) + "#schedule-title")
    if not form.validate_on_submit():
        flash("Give the client's address and a day between 1 and 28.", "danger")
        return back
    notes = {key: bool(getattr(form, key).data) for key in sharing.NOTES}
    try:
        row = schedules.create(campaign, current_user.id, form.recipient.data, form.day.data, notes)
    except schedules.ScheduleError as exc:
        flash(str(exc), "danger")
        return back
    flash(f"The report goes to {row.recipient} on day {row.day_of_month} of every month, first on "
          f"{row.next_send_at:%d %B %Y}.", "success")
    return back


@bp.post("/report-schedules/<int:schedule_id>/delete")
@require_role("admin")
def delete_report_schedule(schedule_id: int):
    """Stop mailing the report to that address."""
    row = get_scoped_or_404(ReportSchedule, schedule_id)
    campaign_id, recipient = row.campaign_id, row.recipient
    if ActionForm().validate_on_submit():
        schedules.delete(row, current_user.id)
        flash(f"{recipient} no longer gets this report.", "success")
    return redirect(url_for("reports.campaign_report", campaign_id=campaign_id) + "#schedule-title")
