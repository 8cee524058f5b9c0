"""Read-only queries behind the outbox, inbox and launch pages, always limited to one workspace."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select

from crm.extensions import db
from crm.outreach.models import MESSAGE_STATUSES, EmailEvent, Enrollment, OutboundMessage, Reply
from crm.prospects.models import Contact, Site

PER_PAGE = 50


def campaign(workspace_id: int, campaign_id: int):
    """The campaign row (id, name) in this workspace, read from its table so outreach needs no campaigns code."""
    table = db.metadata.tables["campaign"]
    return db.session.execute(
        select(table.c.id, table.c.name).where(table.c.id == campaign_id, table.c.workspace_id == workspace_id)
    ).first()


def campaigns(workspace_id: int, limit: int = 50) -> list:
    """The workspace's newest campaigns (id, name)."""
    table = db.metadata.tables["campaign"]
    return list(db.session.execute(
        select(table.c.id, table.c.name).where(table.c.workspace_id == workspace_id)
        .order_by(table.c.id.desc()).limit(limit)
    ))


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


@dataclass(frozen=True)
class Thread:
    """One site's conversation in the inbox."""

    site_id: int
    domain: str
    replies: int
    unread: int
    latest_at: datetime
    latest_kind: str
    latest_subject: str
    latest_from: str


def replies_query(workspace_id: int, kind: str | None = None):
    """The workspace's replies matched to a site, optionally of one kind (the inbox's filter)."""
    base = select(Reply).where(Reply.workspace_id == workspace_id, Reply.site_id.is_not(None))
    return base.where(Reply.kind == kind) if kind else base


def inbox_threads(workspace_id: int, kind: str | None = None, limit: int = 200) -> list[Thread]:
    """Sites that replied, the most recent first, with counts and the latest reply's summary."""
    base = replies_query(workspace_id, kind)
    summary = base.with_only_columns(
        Reply.site_id, func.count(Reply.id), func.sum(case((Reply.read_at.is_(None), 1), else_=0)),
        func.max(Reply.id),
    ).group_by(Reply.site_id).order_by(func.max(Reply.received_at).desc()).limit(limit)
    rows = db.session.execute(summary).all()
    latest = {r.id: r for r in db.session.scalars(select(Reply).where(Reply.id.in_({r[3] for r in rows} or {0})))}
    domains = dict(db.session.execute(select(Site.id, Site.domain).where(Site.id.in_({r[0] for r in rows} or {0})))
                   .all())
    threads = []
    for site_id, count, unread, latest_id in rows:
        reply = latest[latest_id]
        threads.append(Thread(site_id, domains.get(site_id, "?"), count, unread or 0, reply.received_at, reply.kind,
                              reply.subject, reply.from_email))
    return threads


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


def enrollments(workspace_id: int, sequence_id: int) -> list[tuple[Enrollment, str]]:
    """A sequence's enrollments with each contact's address, newest first."""
    return list(db.session.execute(
        select(Enrollment, Contact.email).join(Contact, Contact.id == Enrollment.contact_id)
        .where(Enrollment.workspace_id == workspace_id, Enrollment.sequence_id == sequence_id)
        .order_by(Enrollment.id.desc())
    ))


def enrollment_counts(workspace_id: int, sequence_id: int) -> dict[str, int]:
    """How many of a sequence's enrollments are active, paused, stopped or finished."""
    rows = db.session.execute(select(Enrollment.status, func.count()).where(
        Enrollment.workspace_id == workspace_id, Enrollment.sequence_id == sequence_id).group_by(Enrollment.status))
    return dict(rows.all())
