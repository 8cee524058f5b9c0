"""What prospects does when outreach reports news: a sent message dates the site's last contact; bounces and
unsubscribes set the contact's status.

Handlers change rows in the sender's session and leave the commit to the sender, so the news and its
effects are saved (or rolled back) together.
"""

from __future__ import annotations

from sqlalchemy import bindparam, func, or_, select, update

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


_SITES, _CONTACTS = Site.__table__, Contact.__table__
# one statement built once: the outbox sends this for every message, and loading the contact first doubled its cost
_CONTACTED = (
    update(_SITES).where(
        _SITES.c.id == select(_CONTACTS.c.site_id).where(_CONTACTS.c.id == bindparam("p_contact"),
                                                         _CONTACTS.c.workspace_id == bindparam("p_workspace"))
        .scalar_subquery(),
        or_(_SITES.c.last_contacted_at.is_(None), _SITES.c.last_contacted_at < bindparam("p_now")),  # never backwards
    ).values(last_contacted_at=bindparam("p_now")).returning(_SITES.c.id)
)


def on_message_sent(workspace_id, contact_id=None, **_):
    """A pitch went out: the contact's site was contacted now (for the "never contacted" and recency filters)."""
    if contact_id is None:
        return
    changed = db.session.execute(_CONTACTED, {"p_contact": contact_id, "p_workspace": workspace_id,
                                              "p_now": utcnow()}).scalars().all()
    for site_id in changed:  # a site already loaded in this session reads the new date
        site = db.session.identity_map.get(db.session.identity_key(Site, site_id))
        if site is not None:
            db.session.expire(site, ["last_contacted_at"])


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
