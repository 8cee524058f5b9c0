"""Answering a conversation from the inbox: one contact's thread, and a reply sent through the outbox's own path.

Who the answer goes to comes in as plain values (a `Correspondent`, read by campaigns from the contact), so
outreach reads none of prospects' or campaigns' tables here; it adds its own refusals (suppression, sending off).

An answer is an outbox row like any pitch (step 0, no enrollment, no campaign, so campaign figures and reply
counts never see it), built by `composing.build` and sent by `sending.send_rows` through the sender's SMTP
account or the workspace default backend. It carries In-Reply-To and References from the message answered.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from crm.db import utcnow
from crm.extensions import db
from crm.mail import delivery
from crm.outreach import composing, outbox, sending, suppression, threads
from crm.outreach.models import OutboundMessage, Reply, SenderIdentity, Thread

ANSWER_STEP = 0  # the step position of an answer written in the inbox: not a sequence step
MAX_BODY = 50_000
_MESSAGE_ID = re.compile(r"<[^<>@\s]+@[^<>@\s]+>")


class AnswerError(ValueError):
    """The answer cannot be sent; the message says why."""


@dataclass(frozen=True)
class Correspondent:
    """The contact a thread's answer goes to, as plain values: their id, address, status and site."""

    contact_id: int
    email: str
    status: str  # ok, bounced, unsubscribed or do_not_contact: anything but ok refuses the answer
    site_id: int | None


def _header_ids(reply: Reply, name: str) -> list[str]:
    return list(dict.fromkeys(_MESSAGE_ID.findall(str((reply.headers or {}).get(name, "")))))


def _answered_message(reply: Reply) -> tuple[OutboundMessage | None, str]:
    ours = db.session.get(OutboundMessage, reply.message_id) if reply.message_id is not None else None
    ids = _header_ids(reply, "message-id")
    return ours, ids[0] if ids else (ours.message_id_header if ours is not None else "")


def references_for(row: OutboundMessage) -> list[str]:
    """The References chain of an answer: the answered message's own References (its In-Reply-To when none)."""
    reply = db.session.scalar(select(Reply).where(Reply.workspace_id == row.workspace_id,
                                                  Reply.dedupe_key == row.in_reply_to))
    if reply is None:
        return []
    return _header_ids(reply, "references") or _header_ids(reply, "in-reply-to")


def refusal(workspace_id: int, contact: Correspondent) -> str | None:
    """Why this contact must not be written to, or None."""
    hit = suppression.find(workspace_id, contact.email)
    if hit is not None:
        return f"{contact.email} cannot be answered: {suppression.describe(hit)}."
    if contact.status != "ok":
        return f"{contact.email} cannot be answered: the contact is marked {contact.status}."
    return None


def reply_subject(subject: str) -> str:
    """The answered subject with one "Re: " in front."""
    subject = " ".join((subject or "").split())
    return subject if subject.lower().startswith("re:") else f"Re: {subject}".strip()


def _already(workspace_id: int, key: str) -> OutboundMessage | None:
    return db.session.scalar(select(OutboundMessage).where(
        OutboundMessage.workspace_id == workspace_id, OutboundMessage.idempotency_key == key))


def send_answer(thread: Thread, contact: Correspondent, body: str, draft: str = "") -> OutboundMessage:
    """Answer the thread's last inbound message now through the sender's path; returns the row (sent, or
    failed/retry). The thread then waits for the contact.

    `contact` is the thread's contact. `draft` names one composer: the same draft posted again returns the answer
    it already made, unsent twice.
    """
    workspace_id = thread.workspace_id
    if contact.contact_id != thread.contact_id:
        raise ValueError("the correspondent is not the thread's contact")
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        raise AnswerError("Write something before sending.")
    if len(body) > MAX_BODY:
        raise AnswerError(f"The answer is too long (at most {MAX_BODY:,} characters).")
    why = refusal(workspace_id, contact)
    if why:
        raise AnswerError(why)
    reply = threads.last_reply(thread)
    if reply is None:
        raise AnswerError("There is no message from this contact to answer.")
    ours, parent_id = _answered_message(reply)
    sender = db.session.get(SenderIdentity, ours.sender_id) if ours is not None and ours.sender_id else None
    if sender is None or sender.workspace_id != workspace_id or not sender.active:
        raise AnswerError("The sender identity that wrote to this contact is missing or switched off.")
    refused = sending.refusal(workspace_id)
    if refused:
        raise AnswerError(refused)
    app = current_app._get_current_object()
    backend = delivery.backend_for(app)
    worker = f"inbox:{uuid.uuid4().hex[:12]}"
    key = f"answer:{reply.id}:{draft or uuid.uuid4().hex}"
    existing = _already(workspace_id, key)
    if existing is not None:
        return existing
    now = utcnow()
    row = OutboundMessage(
        workspace_id=workspace_id, idempotency_key=key, step_position=ANSWER_STEP,
        opportunity_id=ours.opportunity_id, contact_id=contact.contact_id, site_id=contact.site_id, sender_id=sender.id,
        to_email=contact.email, to_name=ours.to_name if ours.to_email == contact.email else "",
        from_email=sender.from_email, from_name=sender.from_name, subject=reply_subject(reply.subject or ours.subject),
        body_text=body, message_id_header=composing.message_id_for(key, sender.from_email),
        in_reply_to=parent_id if parent_id else "", status="sending", lease_owner=worker,
        lease_expires_at=now + timedelta(seconds=outbox.LEASE_SECONDS), due_at=now, next_attempt_at=now,
    )
    db.session.add(row)
    db.session.flush()
    settings = composing.Settings.from_config(app.config, sender.reply_domain)
    row.reply_to = composing.reply_to_for(settings, row.id)
    try:
        db.session.commit()
    except IntegrityError:  # the same draft, posted twice at once: the other request sends it
        db.session.rollback()
        existing = _already(workspace_id, key)
        if existing is None:
            raise
        return existing
    sending.send_rows([row], worker, backend)
    db.session.expire_all()
    row = db.session.get(OutboundMessage, row.id)
    if row.status not in ("failed", "cancelled"):
        threads.note_answer(row)
    return row
