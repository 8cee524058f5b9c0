"""What prospects does when outreach reports news: a sent message dates the site's last contact; bounces and
unsubscribes set the contact's status.

Handlers change rows in the sender's session and leave the commit to the sender, so the news and its
effects are saved (or rolled back) together.
"""

from __future__ import annotations

from sqlalchemy import func, or_, select, update

from crm import events
from crm.db import utcnow
from crm.extensions import db
from crm.prospects.models import Contact, Site


def _contact(workspace_id: int, contact_id: int | None, email: str | None) -> Contact | None:
    """The contact an event names, by id or address, in the sender's workspace."""
    if contact_id is not None:
        contact = db.session.get(Contact, contact_id)
        return contact if contact is not None and contact.workspace_id == workspace_id else None
    if email:
        return db.session.scalar(select(Contact).where(Contact.workspace_id == workspace_id,
                                                       func.lower(Contact.email) == email.lower()))
    return None


def on_message_sent(workspace_id, contact_id=None, **_):
    """A pitch went out: the contact's site was contacted now (for the "never contacted" and recency filters)."""
    contact = _contact(workspace_id, contact_id, None)
    if contact is not None:
        now = utcnow()
        recent = or_(Site.last_contacted_at.is_(None), Site.last_contacted_at < now)  # never move it backwards
        db.session.execute(update(Site).where(Site.id == contact.site_id, recent).values(last_contacted_at=now)
                           .execution_options(synchronize_session="fetch"))


def on_bounce(workspace_id, contact_id=None, email=None, permanent=True, **_):
    """A hard bounce marks the contact bounced (a soft one changes nothing)."""
    contact = _contact(workspace_id, contact_id, email)
    if contact is not None and permanent and contact.status == "ok":
        contact.status = "bounced"


def on_unsubscribe(workspace_id, contact_id=None, email=None, **_):
    """An unsubscribe marks the contact unsubscribed (a do-not-contact stays as it is)."""
    contact = _contact(workspace_id, contact_id, email)
    if contact is not None and contact.status != "do_not_contact":
        contact.status = "unsubscribed"


def connect() -> None:
    """Subscribe the handlers (weakly held by blinker, so module-level functions are used)."""
    events.message_sent.connect(on_message_sent)
    events.bounce.connect(on_bounce)
    events.unsubscribe.connect(on_unsubscribe)
