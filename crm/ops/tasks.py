"""Periodic housekeeping: the worker heartbeat, overdue events, clearing ended sessions and pruning the audit trail."""

from huey import crontab

from crm import events
from crm.accounts import audit, auth
from crm.jobs import periodic_task, task
from crm.ops import services


@periodic_task(crontab(minute="*"))
def heartbeat():
    """Every minute: show the dashboard that periodic work runs."""
    services.beat()


@periodic_task(crontab(minute="*"))
def dispatch_overdue_events():
    """Every minute: deliver events whose worker died between their commit and their delivery; prune old ones."""
    events.dispatch_overdue()


@task()
def heartbeat_now(name: str = services.HEARTBEAT):
    """Record a heartbeat under a name right away (used to check a worker from the outside)."""
    services.beat(name)


@periodic_task(crontab(minute="17"))
def purge_sessions():
    """Hourly: delete ended and expired sign-in sessions, old failure counters and audit events past retention."""
    auth.purge_stale()
    audit.prune()
