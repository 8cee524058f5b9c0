"""What prospects does when outreach reports news: a sent message dates the site's last contact; a blocked
address (bounce, unsubscribe, spam report, suppressed by hand) sets its contacts' status.

Prospects owns sites and contacts, so these are the only writes of those facts. Handlers run in the event
dispatch's transaction (crm/events.py) and never commit.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, func, or_, select, update

from crm import events
from crm.extensions import db
from crm.prospects import statuses
from crm.prospects.models import Contact, Site

# which contact status each suppression reason leaves behind (a do-not-contact stays as it is)
CONTACT_STATUS_FOR = {"unsubscribe": "unsubscribed", "bounce": "bounced", "spam_report": "do_not_contact"}

_SITES = Site.__table__
# one statement built once: the outbox sends an event for every message
_CONTACTED = (
    update(_SITES).where(
        _SITES.c.id == bindparam("p_site"), _SITES.c.workspace_id == bindparam("p_workspace"),
        or_(_SITES.c.last_contacted_at.is_(None), _SITES.c.last_contacted_at < bindparam("p_when")),  # never backwards
    ).values(last_contacted_at=bindparam("p_when"))
)


def on_message_sent(workspace_id, site_id=None, sent_at: datetime | None = None, **_):
    """A pitch went out: its site was contacted then (for the "never contacted" and recency filters)."""
    if site_id is None or sent_at is None:
        return
    db.session.execute(_CONTACTED, {"p_site": site_id, "p_workspace": workspace_id, "p_when": sent_at})
    site = db.session.identity_map.get(db.session.identity_key(Site, site_id))
    if site is not None:  # a site already loaded in this session reads the new date
        db.session.expire(site, ["last_contacted_at"])


def on_address_blocked(workspace_id, email=None, reason="", **_):
    """An address was suppressed: the workspace's contacts at it are marked (a do-not-contact stays as it is)."""
    if not email:
        return
    status = CONTACT_STATUS_FOR.get(reason, "do_not_contact")
    for contact in db.session.scalars(select(Contact).where(Contact.workspace_id == workspace_id,
                                                            func.lower(Contact.email) == email.lower())):
        if contact.status not in ("do_not_contact", status):
            contact.status = status
            statuses.contacts_changed(workspace_id, [contact.id], status)


def connect() -> None:
    """Subscribe the handlers (weakly held by blinker, so module-level functions are used)."""
    events.message_sent.connect(on_message_sent)
    events.address_blocked.connect(on_address_blocked)
