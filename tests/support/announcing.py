"""Announcing a domain event from a test as a sender would: written, committed, then delivered."""

from crm import events
from crm.extensions import db


def announce_now(signal, workspace_id: int, **values) -> int:
    """Announce one event and commit, so it is dispatched to every subscriber; returns its id."""
    event_id = events.announce(signal, workspace_id, **values)
    db.session.commit()
    return event_id
