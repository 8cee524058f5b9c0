"""Background work of the reports: keep the precomputed figures fresh, mail the monthly client reports."""

from huey import crontab

from crm.jobs import periodic_task
from crm.reports import precomputed, schedules


@periodic_task(crontab(minute="*/5"))
def refresh_report_figures():
    """Every five minutes: recompute stored figures that an event marked stale or that have grown old."""
    precomputed.refresh_due()


@periodic_task(crontab(minute="*/15"))
def send_scheduled_reports():
    """Every quarter hour: mail the client reports whose day has come."""
    schedules.send_due()
