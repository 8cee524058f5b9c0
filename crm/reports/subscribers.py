"""Events that change report figures mark the stored ones for recomputing."""

from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError

from crm import events
from crm.extensions import db
from crm.reports import precomputed

log = logging.getLogger(__name__)

# Bounces and unsubscribes change no figure a report counts (a bounced message was still sent).
SIGNALS = (events.message_sent, events.reply_received, events.link_live, events.link_changed, events.link_lost)


def figures_changed(workspace_id, **kwargs) -> None:
    """A message, reply or link of a campaign changed: its headline and the workspace's link counts are stale.

    Runs in the sender's transaction (it commits); a savepoint keeps a failure here from spoiling the sender's
    work, and stored figures grow old within minutes anyway.
    """
    try:
        with db.session.begin_nested():
            precomputed.mark_stale(workspace_id, kwargs.get("campaign_id"))
    except SQLAlchemyError:
        log.exception("could not mark report figures stale for workspace %s", workspace_id)


def connect() -> None:
    """Subscribe to the events (once per process; blinker ignores a second connection of the same function)."""
    for signal in SIGNALS:
        signal.connect(figures_changed)
