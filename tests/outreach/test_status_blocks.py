"""Statuses set in prospects reach the outbox by event: mail queued to a contact or site marked do-not-contact or
blocked is refused inside the claim, and goes again once the status is back to ok or active."""

from datetime import timedelta

from sqlalchemy import select

from crm import events
from crm.campaigns import launching
from crm.db import utcnow
from crm.extensions import db
from crm.outreach import blocks, sending
from crm.outreach.models import OutboundMessage, RecipientBlock
from crm.prospects import bulk, contacts, sites
from crm.prospects.models import Contact, Site
from tests.outreach.world import build
from tests.support.announcing import announce_now


def _launched(app, team, people=2, **sender):
    with app.app_context():
        world = build(team.workspace_id, people=people, **sender)
        launching.launch(world.workspace_id, world.sequence_id, world.recipients(), None)
        return world


def _statuses(app) -> dict[int, tuple[str, str]]:
    with app.app_context():
        return {r.contact_id: (r.status, r.last_error) for r in db.session.scalars(
            select(OutboundMessage).order_by(OutboundMessage.id))}


def _set_contact(app, contact_id: int, status: str) -> None:
    with app.app_context():
        contact = db.session.get(Contact, contact_id)
        contacts.update(contact, email=contact.email, first_name=contact.first_name, last_name=contact.last_name,
                        position=contact.position, status=status)


def _set_site(app, site_id: int, status: str) -> None:
    with app.app_context():
        site = db.session.get(Site, site_id)
        sites.update(site, status=status, owner_id=None, name=site.name, homepage="", notes=site.notes,
                     tags_text="", actor_id=None)


def _send(app, **kwargs):
    with app.app_context():
        return sending.send_due(**kwargs)


def test_a_contact_marked_do_not_contact_after_queueing_is_not_mailed_until_ok_again(app, team):
    world = _launched(app, team)
    barred, other = world.contact_ids
    _set_contact(app, barred, "do_not_contact")
    counts = _send(app)
    assert counts["sent"] == 1 and counts["skipped_suppressed"] == 1
    status, why = _statuses(app)[barred]
    assert status == "cancelled" and "the contact is marked do_not_contact" in why
    assert _statuses(app)[other][0] == "sent"
    _set_contact(app, barred, "ok")
    with app.app_context():
        assert blocks.find([barred], []) == ({}, {})  # ok again: nothing forbids the next mail


def test_a_site_blocked_by_hand_or_in_bulk_stops_its_mail(app, team):
    world = _launched(app, team, people=3)
    by_hand, in_bulk, untouched = world.site_ids
    _set_site(app, by_hand, "blocked")
    with app.app_context():
        bulk.apply(world.workspace_id, "status", site_ids=[in_bulk], value="do_not_contact")
    counts = _send(app)
    assert counts["sent"] == 1 and counts["skipped_suppressed"] == 2
    found = _statuses(app)
    assert "the site is marked blocked" in found[world.contact_ids[0]][1]
    assert "the site is marked do_not_contact" in found[world.contact_ids[1]][1]
    assert found[world.contact_ids[2]][0] == "sent"
    _set_site(app, by_hand, "active")
    with app.app_context():
        assert blocks.find([], [by_hand, in_bulk, untouched]) == ({}, {in_bulk: "do_not_contact"})


def test_a_status_set_when_the_contact_is_added_counts_too(app, team):
    with app.app_context():
        world = build(team.workspace_id, people=1)
        site = db.session.get(Site, world.site_ids[0])
        added = contacts.add(site, "later@example.org", status="unsubscribed")
        assert blocks.find([added.id], []) == ({added.id: "unsubscribed"}, {})


def test_a_late_delivered_change_never_overwrites_a_newer_one(app, team):
    world = _launched(app, team, people=1)
    contact_id = world.contact_ids[0]
    with app.app_context():
        now = utcnow()
        announce_now(events.contact_status_changed, world.workspace_id, contact_ids=[contact_id], status="ok",
                     at=now)
        announce_now(events.contact_status_changed, world.workspace_id, contact_ids=[contact_id],
                     status="do_not_contact", at=now - timedelta(minutes=1))  # announced first, delivered last
        row = db.session.scalar(select(RecipientBlock).where(RecipientBlock.contact_id == contact_id))
        assert row.status == "ok"
    assert _send(app)["sent"] == 1


def test_the_window_follows_the_zone_the_contact_had_when_queued(app, team):
    with app.app_context():
        world = build(team.workspace_id, people=1, use_recipient_timezone=True, window_start="09:00",
                      window_end="17:00", timezone="UTC", daily_cap=0, window_days="1234567")
        db.session.get(Contact, world.contact_ids[0]).timezone = "Asia/Tokyo"
        db.session.commit()
        launching.launch(world.workspace_id, world.sequence_id, world.recipients(), None)
        row = db.session.scalar(select(OutboundMessage))
        due = row.next_attempt_at
        assert row.recipient_timezone == "Asia/Tokyo" and due.hour < 9  # the window opens at 09:00 in Tokyo
    assert _send(app, now=due + timedelta(minutes=1))["sent"] == 1  # outside the window in the sender's own zone
