"""Stopping and pausing sequences: for a site after a reply, for a contact after a bounce or unsubscribe."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select, update

from crm import events, timeline
from crm.db import utcnow
from crm.extensions import db
from crm.outreach import suppression
from crm.outreach.models import Enrollment, OutboundMessage

LIVE = ("active", "paused")


def _cancel_queued(workspace_id: int, reason: str, **where) -> int:
    query = update(OutboundMessage).where(
        OutboundMessage.workspace_id == workspace_id, OutboundMessage.status == "queued"
    )
    for column, value in where.items():
        query = query.where(getattr(OutboundMessage, column) == value)
    result = db.session.execute(
        query.values(status="cancelled", last_error=reason, updated_at=utcnow()), execution_options={
            "synchronize_session": False}
    )
    return result.rowcount or 0


def stop_enrollments(workspace_id: int, reason: str, *, site_id: int | None = None,
                     contact_id: int | None = None) -> int:
    """Stop every live enrollment of the site or contact and cancel their queued mail (not committed)."""
    column, value = ("site_id", site_id) if site_id is not None else ("contact_id", contact_id)
    if value is None:
        raise ValueError("name a site or a contact")
    stopped = db.session.execute(
        update(Enrollment)
        .where(Enrollment.workspace_id == workspace_id, getattr(Enrollment, column) == value,
               Enrollment.status.in_(LIVE))
        .values(status="stopped", stop_reason=reason[:40], next_due_at=None, paused_until=None, updated_at=utcnow()),
        execution_options={"synchronize_session": False},
    ).rowcount or 0
    _cancel_queued(workspace_id, f"sequence stopped: {reason}", **{column: value})
    return stopped


def pause_contact(workspace_id: int, contact_id: int, until: datetime, reason: str) -> int:
    """Pause the contact's active enrollments until a time and hold their queued mail until then (not committed)."""
    paused = db.session.execute(
        update(Enrollment)
        .where(Enrollment.workspace_id == workspace_id, Enrollment.contact_id == contact_id,
               Enrollment.status.in_(LIVE))
        .values(status="paused", paused_until=until, stop_reason=reason[:40], updated_at=utcnow()),
        execution_options={"synchronize_session": False},
    ).rowcount or 0
    db.session.execute(
        update(OutboundMessage)
        .where(OutboundMessage.workspace_id == workspace_id, OutboundMessage.contact_id == contact_id,
               OutboundMessage.status == "queued", OutboundMessage.next_attempt_at < until)
        .values(next_attempt_at=until, updated_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    return paused


def _contacts_written_at(workspace_id: int, email: str) -> set[int]:
    """The contacts outreach has mail for at this address (its own rows: prospects' tables are not read here)."""
    return {contact_id for contact_id in db.session.scalars(
        select(OutboundMessage.contact_id).where(OutboundMessage.workspace_id == workspace_id,
                                                 func.lower(OutboundMessage.to_email) == email).distinct())
            if contact_id is not None}


def block_address(workspace_id: int, email: str, reason: str, source: str,
                  contact_ids: Iterable[int | None] = ()) -> list[int]:
    """Suppress an address, stop its contacts' sequences and announce it (not committed); returns those contacts.

    The contacts are the ones the caller names plus those outreach has written to at the address; prospects
    marks the contacts' status from the `address_blocked` event.
    """
    address = suppression.normalise_address(email)
    suppression.suppress(workspace_id, "address", address, reason, source)
    contacts = sorted({c for c in contact_ids if c is not None} | _contacts_written_at(workspace_id, address))
    for contact_id in contacts:
        stop_enrollments(workspace_id, reason, contact_id=contact_id)
    events.announce(events.address_blocked, workspace_id, email=address, reason=reason)
    return contacts


def _last_written(workspace_id: int, contact_id: int) -> tuple[str, int | None] | None:
    row = db.session.execute(select(OutboundMessage.to_email, OutboundMessage.site_id).where(
        OutboundMessage.workspace_id == workspace_id, OutboundMessage.contact_id == contact_id)
        .order_by(OutboundMessage.id.desc()).limit(1)).first()
    return (row.to_email, row.site_id) if row is not None else None


def unsubscribe(workspace_id: int, contact_id: int, source: str, *, email: str | None = None,
                site_id: int | None = None) -> str | None:
    """Unsubscribe a contact: suppressed, sequences stopped, announced; commits. Repeats change nothing.

    The caller passes the contact's address and site when it has them; else they are those of the last mail
    outreach wrote to the contact (None when there is none).
    """
    if email is None:
        written = _last_written(workspace_id, contact_id)
        if written is None:
            return None
        email, site_id = written
    already = suppression.find(workspace_id, email)
    if already is not None and already.reason == "unsubscribe":
        return email
    block_address(workspace_id, email, "unsubscribe", source, [contact_id])
    timeline.record(workspace_id, "unsubscribed", f"{email} unsubscribed ({source})",
                    site_id=site_id, contact_id=contact_id)
    events.announce(events.unsubscribe, workspace_id, contact_id=contact_id, email=email)
    db.session.commit()
    return email
