"""Replies from SendGrid Inbound Parse: matched to the message they answer, stored once, classified, acted on.

A message is only ever matched inside the workspace whose inbound address it came to: a reply token,
a thread header or a sender's address that belongs to another workspace is not a match.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from crm import events, timeline
from crm.db import utcnow
from crm.extensions import db
from crm.mail.classify import BOUNCE, HUMAN, OUT_OF_OFFICE, UNSUBSCRIBE, classify_reply
from crm.mail.incoming import InboundMail, sanitise_html, text_of_html
from crm.outreach import identities, stopping
from crm.outreach.composing import UNSUBSCRIBE_PREFIX
from crm.outreach.models import OutboundMessage, Reply, SenderIdentity
from crm.outreach.scheduling import add_business_days
from crm.outreach.tokens import REPLY_PREFIX, TokenError, read_reply_token, read_unsubscribe_token

DEFAULT_AWAY = timedelta(days=7)  # an out-of-office that names no return date pauses a week
KIND_LABELS = {HUMAN: "Reply", OUT_OF_OFFICE: "Out-of-office", UNSUBSCRIBE: "Unsubscribe request", BOUNCE: "Bounce"}


def _by_token(mail: InboundMail, prefix: str):
    for address in mail.recipients:
        local = address.rpartition("@")[0]
        if local.startswith(prefix):
            yield local[len(prefix):]


def match(workspace_id: int, mail: InboundMail) -> tuple[OutboundMessage | None, str]:
    """The workspace's outbound message a reply answers and how it was found: in_reply_to, references, token, sender.

    Thread headers come first: they name the exact message answered, where a reply token (one per message) may
    be quoted from an older one; the sender's address is the last resort.
    """
    mine = OutboundMessage.workspace_id == workspace_id
    for ids, how in ((mail.in_reply_to, "in_reply_to"), (mail.references, "references")):
        if ids:
            row = db.session.scalar(select(OutboundMessage).where(mine, OutboundMessage.message_id_header.in_(ids))
                                    .order_by(OutboundMessage.step_position.desc(), OutboundMessage.id.desc()))
            if row is not None:
                return row, how
    secret = current_app.config["SECRET_KEY"]
    for token in _by_token(mail, REPLY_PREFIX):
        try:
            row = db.session.get(OutboundMessage, read_reply_token(secret, token))
        except TokenError:
            continue
        if row is not None and row.workspace_id == workspace_id:
            return row, "token"
    if mail.from_email:
        row = db.session.scalar(select(OutboundMessage).where(
            mine, OutboundMessage.to_email == mail.from_email, OutboundMessage.sent_at.is_not(None),
        ).order_by(OutboundMessage.sent_at.desc(), OutboundMessage.id.desc()))
        if row is not None:
            return row, "sender"
    return None, ""


def _chunks(values: list[str], size: int = 500):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def might_be_ours(workspace_id: int, mails: list[InboundMail], reports: set[int] = frozenset()) -> set[int]:
    """Which of these messages (by index; headers are enough) match() could tie to the workspace's mail.

    A message passes when it threads onto one of the workspace's messages, carries a reply or unsubscribe
    token, comes from an address the workspace mailed, or is a delivery report (index in `reports`), whose
    body names the bounced address. The rest need not be read further: match() would find nothing.
    """
    ids = sorted({i for mail in mails for i in (*mail.in_reply_to, *mail.references)})
    senders = sorted({mail.from_email for mail in mails if mail.from_email})
    mine = OutboundMessage.workspace_id == workspace_id
    known_ids = {found for chunk in _chunks(ids) for found in db.session.scalars(
        select(OutboundMessage.message_id_header).where(mine, OutboundMessage.message_id_header.in_(chunk)))}
    known_senders = {found for chunk in _chunks(senders) for found in db.session.scalars(
        select(OutboundMessage.to_email).where(mine, OutboundMessage.to_email.in_(chunk),
                                               OutboundMessage.sent_at.is_not(None)).distinct())}
    picked = set(reports)
    for index, mail in enumerate(mails):
        locals_ = [address.rpartition("@")[0] for address in mail.recipients]
        if (known_ids.intersection(mail.in_reply_to + mail.references) or mail.from_email in known_senders
                or any(local.startswith((REPLY_PREFIX, UNSUBSCRIBE_PREFIX)) for local in locals_)):
            picked.add(index)
    return picked


def _resume_at(row: OutboundMessage, return_on, now: datetime) -> datetime:
    sender = db.session.get(SenderIdentity, row.sender_id) if row.sender_id else None
    zone = identities.zone_named(sender.timezone if sender else "") or ZoneInfo("UTC")
    if return_on is None:
        return now + DEFAULT_AWAY
    back = datetime.combine(return_on, time(0), tzinfo=zone)
    return max(now, add_business_days(back, 1, zone))


def _act(row: OutboundMessage, reply: Reply, now: datetime, permanent: bool = True) -> None:
    """Stop, pause or suppress as the reply's kind demands, and announce it (not committed)."""
    workspace_id = row.workspace_id
    if reply.kind == HUMAN and row.site_id is not None:
        stopping.stop_enrollments(workspace_id, "replied", site_id=row.site_id)
    elif reply.kind == OUT_OF_OFFICE and row.contact_id is not None:
        until = _resume_at(row, reply.return_on, now)
        stopping.pause_contact(workspace_id, row.contact_id, until, f"out of office until {until.date()}")
    elif reply.kind == UNSUBSCRIBE:
        named = {reply.from_email.lower(): None, row.to_email.lower(): row.contact_id}  # the pitched one wins
        for address, contact_id in named.items():
            for contact in stopping.block_address(workspace_id, address, "unsubscribe", "reply asked to stop",
                                                  [contact_id]):
                events.announce(events.unsubscribe, workspace_id, contact_id=contact, email=address)
    elif reply.kind == BOUNCE and not permanent:  # a soft bounce (mailbox full, greylisted): recorded only
        events.announce(events.bounce, workspace_id, message_id=row.id, contact_id=row.contact_id,
                        email=row.to_email, permanent=False)
    elif reply.kind == BOUNCE:
        stopping.block_address(workspace_id, row.to_email, "bounce", "bounce report by email", [row.contact_id])
        db.session.execute(update(OutboundMessage).where(OutboundMessage.id == row.id)
                           .values(status="bounced", last_error=f"bounce report: {reply.subject}"[:500]),
                           execution_options={"synchronize_session": False})
        events.announce(events.bounce, workspace_id, message_id=row.id, contact_id=row.contact_id,
                        email=row.to_email, permanent=True)


def _contact_written_at(workspace_id: int, email: str) -> int | None:
    """The contact outreach last wrote to at this address, if any (outreach's own rows, not prospects')."""
    return db.session.scalar(select(OutboundMessage.contact_id).where(
        OutboundMessage.workspace_id == workspace_id, func.lower(OutboundMessage.to_email) == email.lower(),
        OutboundMessage.contact_id.is_not(None)).order_by(OutboundMessage.id.desc()).limit(1))


def _unsubscribe_by_mail(workspace_id: int, mail: InboundMail) -> bool:
    secret = current_app.config["SECRET_KEY"]
    for token in _by_token(mail, UNSUBSCRIBE_PREFIX):
        try:
            ref = read_unsubscribe_token(secret, token)
        except TokenError:
            continue
        if ref.workspace_id != workspace_id:
            continue  # another workspace's link, sent to this workspace's address: not ours to act on
        return stopping.unsubscribe(ref.workspace_id, ref.contact_id, "List-Unsubscribe mailto") is not None
    return False


def store(workspace_id: int, mail: InboundMail, now: datetime | None = None, permanent: bool = True) -> dict:
    """Store and act on one email in the caller's transaction; repeats change nothing. Does not commit.

    Its announcements wait for the caller's commit. `permanent=False` marks a bounce as soft: recorded and
    announced, the address not suppressed. A reply stored at the same moment by another delivery comes back as
    a duplicate, with only this message's work undone (a savepoint).
    """
    now = now or utcnow()
    if _unsubscribe_by_mail(workspace_id, mail):
        return {"result": "unsubscribed"}
    row, how = match(workspace_id, mail)
    if row is None:
        return {"result": "unmatched"}
    key = mail.dedupe_key()
    existing = db.session.scalar(select(Reply.id).where(Reply.workspace_id == row.workspace_id,
                                                        Reply.dedupe_key == key))
    if existing is not None:
        return {"result": "duplicate", "reply_id": existing}
    text = mail.text or text_of_html(mail.html)
    verdict = classify_reply(mail.subject, text, mail.headers, now)
    sender_contact = _contact_written_at(row.workspace_id, mail.from_email)
    reply = Reply(
        workspace_id=row.workspace_id, dedupe_key=key, message_id=row.id, enrollment_id=row.enrollment_id,
        opportunity_id=row.opportunity_id, contact_id=sender_contact or row.contact_id, site_id=row.site_id,
        from_email=mail.from_email[:254] or "unknown", from_name=mail.from_name, subject=mail.subject, text=text,
        html_sanitized=sanitise_html(mail.html), kind=verdict.kind, return_on=verdict.return_date, matched_by=how,
        headers={**mail.headers, "x-crm-classified-by": verdict.evidence}, received_at=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(reply)
            db.session.flush()
            _act(row, reply, now, permanent)
            timeline.record(row.workspace_id, "reply", f"{KIND_LABELS[reply.kind]} from {reply.from_email}: "
                            f"{reply.subject or '(no subject)'}", site_id=row.site_id, contact_id=reply.contact_id,
                            opportunity_id=row.opportunity_id, data={"reply_id": reply.id, "kind": reply.kind},
                            when=now)
            db.session.flush()
            # delivered once the caller's transaction saves the reply
            events.announce(events.reply_received, row.workspace_id, reply_id=reply.id, kind=reply.kind,
                            campaign_id=row.campaign_id, opportunity_id=row.opportunity_id,
                            contact_id=reply.contact_id)
    except IntegrityError:  # the same reply delivered twice at once: the other delivery stored it
        return {"result": "duplicate"}
    return {"result": "stored", "reply_id": reply.id, "kind": reply.kind}


def receive(workspace_id: int, mail: InboundMail, now: datetime | None = None, permanent: bool = True) -> dict:
    """Store and act on one email that came to the workspace's address (see `store`). Commits."""
    try:
        result = store(workspace_id, mail, now, permanent)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # the other delivery's reply was committed first
        return {"result": "duplicate"}
    except Exception:
        db.session.rollback()
        raise
    return result


def mark_read(workspace_id: int, site_id: int) -> int:
    """Mark a site's unread replies as read; commits. Returns how many."""
    done = db.session.execute(
        update(Reply).where(Reply.workspace_id == workspace_id, Reply.site_id == site_id, Reply.read_at.is_(None))
        .values(read_at=utcnow()), execution_options={"synchronize_session": False},
    ).rowcount
    db.session.commit()
    return done or 0
