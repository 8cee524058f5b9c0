"""Contacts and sites whose status forbids mail, as prospects announced them: outreach's own copy, read in the claim.

Prospects owns the statuses (a contact ok, bounced, unsubscribed or do-not-contact; a site active, blocked or
do-not-contact) and announces each change; these handlers keep one row per contact or site that ever changed,
with the newest status. Each change carries when it happened, so an event delivered late (its dispatch failed
and the overdue sweep retried it) never overwrites a newer status.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from crm import events
from crm.extensions import db
from crm.outreach.models import RecipientBlock

OPEN = ("ok", "active")  # the contact and site statuses that let mail go
CHUNK = 500  # ids per statement, well inside every database's bound-parameter limit
_T = RecipientBlock.__table__


def _insert():
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(_T).on_conflict_do_nothing()


def record(workspace_id: int, column: str, ids: Iterable[int], status: str, at: datetime) -> None:
    """Keep `status` as the newest for these contacts (`column` "contact_id") or sites ("site_id") (not committed)."""
    ids = sorted({int(i) for i in ids})
    key = _T.c[column]
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        # a row per id first (one a concurrent dispatch made stands), then the status unless a newer one is there
        db.session.execute(_insert(), [{"workspace_id": workspace_id, column: i, "status": status, "changed_at": at}
                                       for i in chunk])
        db.session.execute(update(_T).where(key.in_(chunk), _T.c.workspace_id == workspace_id, _T.c.changed_at <= at)
                           .values(status=status, changed_at=at))


def on_contact_status_changed(workspace_id, contact_ids=(), status="", at: datetime | None = None, **_):
    """Prospects changed contacts' status: keep it, so mail to them is refused (or allowed again)."""
    if contact_ids and status and at is not None:
        record(workspace_id, "contact_id", contact_ids, status, at)


def on_site_status_changed(workspace_id, site_ids=(), status="", at: datetime | None = None, **_):
    """Prospects changed sites' status: keep it, so mail to anyone at them is refused (or allowed again)."""
    if site_ids and status and at is not None:
        record(workspace_id, "site_id", site_ids, status, at)


def find(contact_ids: Iterable[int], site_ids: Iterable[int]) -> tuple[dict[int, str], dict[int, str]]:
    """({contact id: status}, {site id: status}) of those among these whose status forbids mail: one query."""
    contact_ids, site_ids = set(contact_ids), set(site_ids)
    contacts: dict[int, str] = {}
    sites: dict[int, str] = {}
    if not contact_ids and not site_ids:
        return contacts, sites
    for contact_id, site_id, status in db.session.execute(
            select(_T.c.contact_id, _T.c.site_id, _T.c.status).where(
                _T.c.status.not_in(OPEN), or_(_T.c.contact_id.in_(contact_ids or {0}),
                                              _T.c.site_id.in_(site_ids or {0})))):
        if contact_id is not None:
            contacts[contact_id] = status
        else:
            sites[site_id] = status
    return contacts, sites


def connect() -> None:
    """Subscribe the handlers (module-level functions: blinker holds them weakly)."""
    events.contact_status_changed.connect(on_contact_status_changed)
    events.site_status_changed.connect(on_site_status_changed)
