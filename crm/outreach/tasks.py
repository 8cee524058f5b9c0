"""Background jobs: send what is due every minute (and on demand), poll senders' mailboxes every five minutes."""

import logging

from flask import current_app
from huey import crontab

from crm.jobs import periodic_task, task
from crm.outreach import inbox_polling, sending

PERIODIC_BUDGET_SECONDS = 55  # finish before the next minute's run; what is left goes then
log = logging.getLogger(__name__)


@periodic_task(crontab(minute="*"))
def send_due_periodic():
    """Every minute: recover, reconcile, queue due follow-ups and send what is due.

    While real mail is refused (say, unsubscribe links would point to a loopback address) each run logs why and
    leaves the mail queued, rather than failing once a minute.
    """
    try:
        return sending.send_due(time_budget=PERIODIC_BUDGET_SECONDS)
    except sending.SendRefusedError as refused:
        log.warning("Nothing sent: %s", refused)
        return {"refused": str(refused)}


@task()
def send_due_now(workspace_id: int):
    """Send one workspace's mail that is due now (its outbox page's button)."""
    return sending.send_due(time_budget=current_app.config.get("OUTREACH_SEND_NOW_BUDGET", 300),
                            workspace_id=workspace_id)


@periodic_task(crontab(minute="*/5"))
def poll_inbox_periodic():
    """Every five minutes: read new mail from the senders' IMAP mailboxes."""
    return inbox_polling.poll_inbox()
