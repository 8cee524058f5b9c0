"""Background work of the reports: keep the precomputed dashboard and index figures fresh."""

from huey import crontab

from crm.jobs import periodic_task
from crm.reports import precomputed


@periodic_task(crontab(minute="*/5"))
def refresh_report_figures():
    """Every five minutes: recompute stored figures that an event marked stale or that have grown old."""
    precomputed.refresh_due()
