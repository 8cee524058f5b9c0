"""Events that change report figures mark the stored ones for recomputing."""

from __future__ import annotations

from crm import events
from crm.reports import precomputed

# Bounces and unsubscribes change no figure a report counts (a bounced message was still sent).
SIGNALS = (events.message_sent, events.reply_received, events.link_live, events.link_changed, events.link_lost)


def figures_changed(workspace_id, **kwargs) -> None:
    """A message, reply or link of a campaign changed: its headline and the workspace's link counts are stale.

    Runs in the event dispatch's own savepoint (crm/events.py), so a failure here spoils nothing else.
    """
    precomputed.mark_stale(workspace_id, kwargs.get("campaign_id"))


def connect() -> None:
    """Subscribe to the events (once per process; blinker ignores a second connection of the same function)."""
    for signal in SIGNALS:
        signal.connect(figures_changed)
