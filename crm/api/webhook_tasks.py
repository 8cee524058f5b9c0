"""Background jobs for outbound webhooks: one delivery attempt, and the periodic sweep of due retries."""

from huey import crontab

from crm.api import webhooks
from crm.jobs import periodic_task, task


@task()
def deliver(delivery_id: int):
    """Attempt one delivery (retries are picked up by the sweep when their time comes)."""
    webhooks.attempt(delivery_id)


@periodic_task(crontab(minute="*"))
def deliver_due():
    """Every minute: attempt deliveries whose retry time has come."""
    webhooks.deliver_due()
