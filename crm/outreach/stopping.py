"""Stopping and pausing sequences: for a site after a reply, for a contact after a bounce or unsubscribe."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from crm import events, timeline
from crm.db import utcnow
from crm.extensions import db
from crm.outreach import suppression
from crm.outreach.models import Enrollment, OutboundMessage
from crm.prospects.models import Contact

LIVE = ("active", "paused")
# which contact status each suppression reason leaves behind
CONTACT_STATUS_FOR = {"unsubscribe": "unsubscribed", "bounce": "bounced", "spam_report": "do_not_contact"}


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


def set_contact_status(workspace_id: int, email: str, status: str) -> list[Contact]:
    """Mark the workspace's contacts with this address (not committed); returns them."""
    contacts = db.session.scalars(
        select(Contact).where(Contact.workspace_id == workspace_id,
                              Contact.email == suppression.normalise_address(email))
    ).all()
    for contact in contacts:
        contact.status = status
    return list(contacts)


def block_address(workspace_id: int, email: str, reason: str, source: str) -> list[Contact]:
    """Suppress an address, mark its contacts and stop their sequences (not committed); returns the contacts."""
    suppression.suppress(workspace_id, "address", email, reason, source)
    contacts = set_contact_status(workspace_id, email, CONTACT_STATUS_FOR.get(reason, "do_not_contact"))
    for contact in contacts:
        stop_enrollments(workspace_id, reason, contact_id=contact.id)
    return contacts


def unsubscribe(workspace_id: int, contact_id: int, source: str) -> str | None:
    """Unsubscribe a contact: suppressed, marked, sequences stopped; commits and announces. Repeats change nothing."""
    contact = db.session.get(Contact, contact_id)
    if contact is None or contact.workspace_id != workspace_id:
        return None
    already = suppression.find(workspace_id, contact.email)
    if already is not None and already.reason == "unsubscribe" and contact.status == "unsubscribed":
        return contact.email
    block_address(workspace_id, contact.email, "unsubscribe", source)
    timeline.record(workspace_id, "unsubscribed", f"{contact.email} unsubscribed ({source})",
                    site_id=contact.site_id, contact_id=contact.id)
    email, contact_id = contact.email, contact.id
    events.send_after_commit(events.unsubscribe, workspace_id, contact_id=contact_id, email=email)
    db.session.commit()
    return email
