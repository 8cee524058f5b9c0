"""Telling other features that contacts' or sites' status changed (outreach keeps its own copy to refuse mail)."""

from __future__ import annotations

from collections.abc import Iterable

from crm import events
from crm.db import utcnow

CHUNK = 5000  # ids per event: a bulk action on every site stays a handful of events


def _announce(signal, key: str, workspace_id: int, ids: Iterable[int], status: str) -> None:
    ids, at = sorted(set(ids)), utcnow()
    events.announce_many(signal, [(workspace_id, {key: ids[start:start + CHUNK], "status": status, "at": at})
                                  for start in range(0, len(ids), CHUNK)])


def contacts_changed(workspace_id: int, contact_ids: Iterable[int], status: str) -> None:
    """Announce these contacts' new status, in the caller's transaction (delivered once it commits)."""
    _announce(events.contact_status_changed, "contact_ids", workspace_id, contact_ids, status)


def sites_changed(workspace_id: int, site_ids: Iterable[int], status: str) -> None:
    """Announce these sites' new status, in the caller's transaction (delivered once it commits)."""
    _announce(events.site_status_changed, "site_ids", workspace_id, site_ids, status)
