"""Read-only queries over outreach's own rows (outbox, events, replies, enrollments), limited to one workspace.

They read no prospect or campaign table: where a page shows a contact's address beside these rows, the page is
campaigns' and so is the query (the launch page's enrollments: crm.campaigns.enrolled).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from crm.extensions import db
from crm.outreach.models import MESSAGE_STATUSES, EmailEvent, Enrollment, OutboundMessage, Reply

PER_PAGE = 50


def outbox_query(workspace_id: int, status: str | None, campaign_id: int | None = None):
    """The outbox, newest first, optionally one status or campaign."""
    query = select(OutboundMessage).where(OutboundMessage.workspace_id == workspace_id)
    if status in MESSAGE_STATUSES:
        query = query.where(OutboundMessage.status == status)
    if campaign_id:
        query = query.where(OutboundMessage.campaign_id == campaign_id)
    return query.order_by(OutboundMessage.next_attempt_at.desc(), OutboundMessage.id.desc())


def outbox_page(workspace_id: int, status: str | None, page: int, campaign_id: int | None = None):
    """One page of the outbox, newest first, optionally one status or campaign."""
    query = outbox_query(workspace_id, status, campaign_id)
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


def status_counts(workspace_id: int) -> dict[str, int]:
    """How many of the workspace's messages are in each status."""
    rows = db.session.execute(
        select(OutboundMessage.status, func.count()).where(OutboundMessage.workspace_id == workspace_id)
        .group_by(OutboundMessage.status)
    )
    counts = dict.fromkeys(MESSAGE_STATUSES, 0)
    counts.update(dict(rows.all()))
    return counts


def events_of(message_id: int) -> list[EmailEvent]:
    """The provider's events for one message, oldest first."""
    return list(db.session.scalars(select(EmailEvent).where(EmailEvent.message_id == message_id)
                                   .order_by(EmailEvent.occurred_at, EmailEvent.id)))


def replies_query(workspace_id: int, kind: str | None = None):
    """The workspace's replies matched to a site, optionally of one kind (the inbox's filter)."""
    base = select(Reply).where(Reply.workspace_id == workspace_id, Reply.site_id.is_not(None))
    return base.where(Reply.kind == kind) if kind else base


def conversation(workspace_id: int, site_id: int, contact_id: int | None = None) -> list[tuple[datetime, str, object]]:
    """Everything sent to and received from a site (or one contact there), oldest first, as
    (when, "sent" or "reply", row)."""
    sent_query = select(OutboundMessage).where(
        OutboundMessage.workspace_id == workspace_id, OutboundMessage.site_id == site_id,
        OutboundMessage.sent_at.is_not(None))
    reply_query = select(Reply).where(Reply.workspace_id == workspace_id, Reply.site_id == site_id)
    if contact_id is not None:
        sent_query = sent_query.where(OutboundMessage.contact_id == contact_id)
        reply_query = reply_query.where(Reply.contact_id == contact_id)
    sent, replies = db.session.scalars(sent_query), db.session.scalars(reply_query)
    items = [(m.sent_at, "sent", m) for m in sent] + [(r.received_at, "reply", r) for r in replies]
    return sorted(items, key=lambda item: (item[0], item[1]))


def enrollment_counts(workspace_id: int, sequence_id: int) -> dict[str, int]:
    """How many of a sequence's enrollments are active, paused, stopped or finished."""
    rows = db.session.execute(select(Enrollment.status, func.count()).where(
        Enrollment.workspace_id == workspace_id, Enrollment.sequence_id == sequence_id).group_by(Enrollment.status))
    return dict(rows.all())
