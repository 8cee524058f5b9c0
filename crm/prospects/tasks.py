"""Background jobs of the prospects feature: imports, contact discovery, clearing old uploads."""

from huey import crontab

from crm.jobs import periodic_task, task
from crm.prospects import discovery
from crm.prospects.importing import service, uploads


@task()
def run_import(job_id: int):
    """Import a stored upload, reporting progress."""
    service.run_job(job_id)


@task()
def run_discovery(job_id: int):
    """Discover contacts for the job's sites, reporting progress."""
    discovery.run_job(job_id)


@periodic_task(crontab(minute="41"))
def purge_uploads():
    """Hourly: delete uploads nobody imported within a day."""
    uploads.purge_expired()
