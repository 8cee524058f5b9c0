"""Threads: one conversation per contact and opportunity, its state (needs reply / waiting / done), owner and
who has read it. A reply received makes a thread need a reply, an answer sent makes it wait, a person closes it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, case, delete, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from crm import events
from crm.db import utcnow
from crm.extensions import db
from crm.mail.classify import BOUNCE, HUMAN, UNSUBSCRIBE
from crm.outreach.models import THREAD_STATES, OutboundMessage, Reply, Thread, ThreadUnread

STATE_LABELS = {"needs_reply": "Needs reply", "waiting": "Waiting", "done": "Done"}


def thread_key(contact_id: int, opportunity_id: int | None) -> str:
    """The key naming a thread within its workspace: one per contact and opportunity."""
    return f"{contact_id}:{opportunity_id if opportunity_id is not None else '-'}"


def state_after_inbound(state: str | None, kind: str) -> str:
    """The thread's state once an inbound message of this kind arrived: a person's reply needs an answer,
    a bounce or an unsubscribe request ends the conversation, an out-of-office changes nothing."""
    if kind == HUMAN:
        return "needs_reply"
    if kind in (BOUNCE, UNSUBSCRIBE):
        return "done"
    return state or "waiting"


def _opportunity_owner(opportunity_id: int | None) -> int | None:
    if opportunity_id is None:
        return None
    table = db.metadata.tables["opportunity"]
    return db.session.scalar(select(table.c.owner_id).where(table.c.id == opportunity_id))


def _campaign_of(opportunity_id: int | None) -> int | None:
    if opportunity_id is None:
        return None
    table = db.metadata.tables["opportunity"]
    return db.session.scalar(select(table.c.campaign_id).where(table.c.id == opportunity_id))


def find(workspace_id: int, contact_id: int, opportunity_id: int | None) -> Thread | None:
    """The thread with this contact about this opportunity, if there is one."""
    return db.session.scalar(select(Thread).where(Thread.workspace_id == workspace_id,
                                                  Thread.thread_key == thread_key(contact_id, opportunity_id)))


def note_inbound(reply: Reply) -> Thread | None:
    """Put a stored reply in its thread (made on the first reply) and move the thread's state; not committed."""
    if reply.contact_id is None:
        return None
    thread = find(reply.workspace_id, reply.contact_id, reply.opportunity_id)
    if thread is None:
        thread = Thread(workspace_id=reply.workspace_id, thread_key=thread_key(reply.contact_id, reply.opportunity_id),
                        contact_id=reply.contact_id, opportunity_id=reply.opportunity_id,
                        campaign_id=_campaign_of(reply.opportunity_id), site_id=reply.site_id,
                        owner_id=_opportunity_owner(reply.opportunity_id), state=None,
                        last_activity_at=reply.received_at)
        db.session.add(thread)
    if thread.last_inbound_at is None or reply.received_at >= thread.last_inbound_at:
        thread.state = state_after_inbound(thread.state, reply.kind)
        thread.last_inbound_at = reply.received_at
    thread.last_activity_at = max(thread.last_activity_at or reply.received_at, reply.received_at)
    db.session.flush()
    _note_unread(thread, reply.received_at)
    db.session.flush()
    return thread


def on_reply_received(workspace_id, *, reply_id=None, **_) -> None:
    """A reply was stored: its thread now holds it and needs a reply (for a person's reply). Not committed."""
    reply = db.session.get(Reply, reply_id) if reply_id is not None else None
    if reply is None or reply.workspace_id != workspace_id:
        return
    try:
        with db.session.begin_nested():
            note_inbound(reply)
    except IntegrityError:  # another reply made the thread a moment ago: join it
        note_inbound(reply)


_THREADS = Thread.__table__
_DIALECT_INSERT = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


def note_sent(sent) -> None:
    """A message went out: its conversation's thread exists from the first pitch on (waiting for the contact), and
    knows when we last wrote. One upsert, so a reply later joins the same thread. Not committed."""
    if sent.contact_id is None:
        return
    opportunity = db.metadata.tables["opportunity"]
    owner = (select(opportunity.c.owner_id).where(opportunity.c.id == sent.opportunity_id).scalar_subquery()
             if sent.opportunity_id is not None else None)
    values = {"workspace_id": sent.workspace_id, "thread_key": thread_key(sent.contact_id, sent.opportunity_id),
              "contact_id": sent.contact_id, "opportunity_id": sent.opportunity_id, "campaign_id": sent.campaign_id,
              "site_id": sent.site_id, "owner_id": owner, "state": "waiting", "last_outbound_at": sent.sent_at,
              "last_activity_at": sent.sent_at, "created_at": sent.sent_at, "updated_at": sent.sent_at}
    make = _DIALECT_INSERT.get(db.session.get_bind().dialect.name)
    if make is None:  # another database: find, then make
        if find(sent.workspace_id, sent.contact_id, sent.opportunity_id) is None:
            db.session.execute(insert(_THREADS).values(**values))
        return
    statement = make(_THREADS).values(**values)
    later = statement.excluded.last_outbound_at
    statement = statement.on_conflict_do_update(index_elements=[_THREADS.c.workspace_id, _THREADS.c.thread_key], set_={
        "last_outbound_at": case((_THREADS.c.last_outbound_at.is_(None), later),
                                 (_THREADS.c.last_outbound_at < later, later), else_=_THREADS.c.last_outbound_at),
        "last_activity_at": case((_THREADS.c.last_activity_at < later, later), else_=_THREADS.c.last_activity_at),
    })
    db.session.execute(statement)


def note_answer(row: OutboundMessage, now: datetime | None = None) -> None:
    """An answer went out from the inbox: its thread waits for the contact. Commits."""
    if row.contact_id is None:
        return
    thread = find(row.workspace_id, row.contact_id, row.opportunity_id)
    if thread is None:
        return
    now = now or utcnow()
    thread.state, thread.last_outbound_at, thread.last_activity_at = "waiting", now, now
    db.session.commit()


def set_state(thread: Thread, state: str) -> None:
    """Move a thread by hand (done, back to needs reply, waiting). Commits."""
    if state not in THREAD_STATES:
        raise ValueError(f"Unknown thread state: {state!r}.")
    thread.state = state
    db.session.commit()


def assign(thread: Thread, owner_id: int | None) -> None:
    """Give the thread an owner (a member of its workspace, checked by the caller) or none. Commits."""
    thread.owner_id = owner_id
    db.session.commit()


def _note_unread(thread: Thread, when: datetime) -> None:
    """Every member of the thread's workspace has new mail to read in it (not committed)."""
    membership = db.metadata.tables["membership"]
    members = set(db.session.scalars(select(membership.c.user_id).where(
        membership.c.workspace_id == thread.workspace_id)))
    already = set(db.session.scalars(select(ThreadUnread.user_id).where(ThreadUnread.thread_id == thread.id)))
    for user_id in sorted(members - already):
        db.session.add(ThreadUnread(user_id=user_id, thread_id=thread.id, workspace_id=thread.workspace_id,
                                    since=when))


def mark_read(thread: Thread, user_id: int) -> None:
    """The user has seen everything in the thread. Commits (only when it was unread for them)."""
    done = db.session.execute(delete(ThreadUnread).where(ThreadUnread.thread_id == thread.id,
                                                         ThreadUnread.user_id == user_id),
                              execution_options={"synchronize_session": False}).rowcount
    if done:
        db.session.commit()


def unread_join(query, user_id: int):
    """Join each thread's unread marker of this user (none when they have read it)."""
    return query.outerjoin(ThreadUnread, and_(ThreadUnread.thread_id == Thread.id, ThreadUnread.user_id == user_id))


def unread_count(workspace_id: int, user_id: int) -> int:
    """How many of the workspace's threads have inbound mail the user has not opened since: one count over the
    user's unread markers in that workspace, read from the (user, workspace) index alone."""
    return db.session.scalar(select(func.count()).select_from(ThreadUnread).where(
        ThreadUnread.user_id == user_id, ThreadUnread.workspace_id == workspace_id)) or 0


def items(thread: Thread) -> list[tuple[datetime, str, object]]:
    """The thread's messages, ours and theirs, oldest first, as (when, "sent" or "reply", row)."""
    def same_opportunity(column):
        return column.is_(None) if thread.opportunity_id is None else column == thread.opportunity_id

    sent = db.session.scalars(select(OutboundMessage).where(
        OutboundMessage.workspace_id == thread.workspace_id, OutboundMessage.contact_id == thread.contact_id,
        same_opportunity(OutboundMessage.opportunity_id), OutboundMessage.sent_at.is_not(None)))
    replies = db.session.scalars(select(Reply).where(
        Reply.workspace_id == thread.workspace_id, Reply.contact_id == thread.contact_id,
        same_opportunity(Reply.opportunity_id)))
    rows = [(m.sent_at, "sent", m) for m in sent] + [(r.received_at, "reply", r) for r in replies]
    return sorted(rows, key=lambda item: (item[0], item[1], item[2].id))


def last_reply(thread: Thread) -> Reply | None:
    """The thread's most recent inbound message: what an answer answers."""
    replies = [row for _when, kind, row in items(thread) if kind == "reply"]
    return replies[-1] if replies else None


def latest_for_contact(workspace_id: int, contact_id: int) -> Thread | None:
    """The contact's most recently active thread."""
    return db.session.scalar(select(Thread).where(Thread.workspace_id == workspace_id, Thread.contact_id == contact_id)
                             .order_by(Thread.last_activity_at.desc(), Thread.id.desc()))


def on_member_joined(workspace_id, *, user_id=None, **_) -> None:
    """Someone joined the workspace: the threads waiting for an answer are unread for them too. Not committed."""
    if user_id is None:
        return
    waiting = select(Thread.id, Thread.last_inbound_at, Thread.last_activity_at).where(
        Thread.workspace_id == workspace_id, Thread.state == "needs_reply")
    already = set(db.session.scalars(select(ThreadUnread.thread_id).where(ThreadUnread.user_id == user_id,
                                                                          ThreadUnread.workspace_id == workspace_id)))
    for thread_id, inbound_at, active_at in db.session.execute(waiting):
        if thread_id not in already:
            db.session.add(ThreadUnread(user_id=user_id, thread_id=thread_id, workspace_id=workspace_id,
                                        since=inbound_at or active_at))
    db.session.flush()


def connect() -> None:
    """Keep threads as replies arrive and members join (blinker ignores repeated connections)."""
    events.reply_received.connect(on_reply_received)
    events.member_joined.connect(on_member_joined)
