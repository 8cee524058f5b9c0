"""Background jobs: "verify now" runs, the hourly recheck of due links and the daily alert digest."""

from huey import crontab

from crm.jobs import periodic_task, task
from crm.links import digest, verification


@task()
def verify_run(run_id: int):
    """Carry out one "verify now" of one or many backlinks."""
    verification.run_verification(run_id)


@periodic_task(crontab(minute="7"))
def recheck_due_links():
    """Hourly: verify the backlinks whose check is due (the same code as `flask links recheck-due`)."""
    return verification.recheck_due()


@periodic_task(crontab(hour="6", minute="30"))
def send_link_digests():
    """Daily: email each workspace's owners and admins what changed on their links."""
    return digest.send_digests()
