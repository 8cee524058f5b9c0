"""Launching a campaign's sequence: a checklist of every reason a card's first pitch would not go, then enrol and
queue, all or nothing.

Campaigns stands above prospects and outreach (DESIGN §2): it reads its cards and their contacts here, says what
about a card or its contact stops a message, and hands each person down to outreach as plain values. Outreach
adds its own reasons (suppression, a repeat, the render), plans each slot and writes its rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from crm.db import all_or_nothing, utcnow
from crm.extensions import db
from crm.outreach import skips
from crm.outreach.collecting import collector_paused
from crm.outreach.launching import Addressee, LaunchError, enrol_and_queue, merged_context, screen, sequence_of
from crm.outreach.recipients import Recipient
from crm.outreach.sequencing import FirstPitch
from crm.outreach.skips import SkipReason
from crm.prospects.contactinfo import verification_check
from crm.prospects.emails import EmailError, validate_email
from crm.prospects.models import Contact, Site

__all__ = ["Checklist", "LaunchError", "LaunchResult", "RecipientCheck", "checklist", "launch"]


@dataclass(frozen=True)
class RecipientCheck:
    """One recipient on the checklist: who, what stops their first message, and when it would go."""

    recipient: Recipient
    email: str = ""
    name: str = ""
    site_domain: str = ""
    reasons: tuple[SkipReason, ...] = ()
    notes: tuple[str, ...] = ()
    send_at: datetime | None = None
    context: dict = field(default_factory=dict)
    first: FirstPitch | None = None  # the first pitch as it will be queued, for a ready recipient

    @property
    def problems(self) -> tuple[str, ...]:
        """The reasons in words."""
        return tuple(r.words for r in self.reasons)

    @property
    def codes(self) -> tuple[str, ...]:
        """The reasons' codes, each once."""
        return tuple(dict.fromkeys(r.code for r in self.reasons))

    @property
    def ready(self) -> bool:
        """Nothing stops this recipient's first message."""
        return not self.reasons


@dataclass(frozen=True)
class Checklist:
    """Problems with the sequence as a whole, and each recipient's check."""

    sequence_problems: tuple[str, ...]
    recipients: tuple[RecipientCheck, ...]

    @property
    def ready(self) -> list[RecipientCheck]:
        """Recipients whose first message would be queued."""
        return [r for r in self.recipients if r.ready]

    @property
    def blocked(self) -> list[RecipientCheck]:
        """Recipients who would be skipped, each with reasons."""
        return [r for r in self.recipients if not r.ready]

    @property
    def skipped_by_reason(self) -> dict[str, int]:
        """Skipped cards per reason code, counted from the rows themselves."""
        return skips.tally(r.reasons for r in self.recipients)

    @property
    def can_launch(self) -> bool:
        """True when the sequence is sound and at least one recipient is ready."""
        return not self.sequence_problems and bool(self.ready)


@dataclass(frozen=True, slots=True)
class _Place:
    """The site fields the checklist reads, as plain values."""

    domain: str
    status: str
    custom_fields: dict | None


@dataclass(frozen=True, slots=True)
class _Person:
    """The contact fields the checklist reads, as plain values (no ORM object per recipient)."""

    id: int
    site_id: int
    email: str
    first_name: str
    last_name: str
    status: str
    timezone: str
    is_role_address: bool
    email_verification: str
    custom_fields: dict | None
    site: _Place | None

    @property
    def name(self) -> str:
        """First and last name, or empty."""
        return " ".join(part for part in (self.first_name, self.last_name) if part)


def _people(workspace_id: int, ids: set[int]) -> dict[int, _Person]:
    """The workspace's contacts among these ids with their sites, in one query of plain rows."""
    rows = db.session.execute(
        select(Contact.id, Contact.site_id, Contact.email, Contact.first_name, Contact.last_name, Contact.status,
               Contact.timezone, Contact.is_role_address, Contact.email_verification, Contact.custom_fields,
               Site.id, Site.domain, Site.status, Site.custom_fields)
        .outerjoin(Site, Site.id == Contact.site_id)
        .where(Contact.workspace_id == workspace_id, Contact.id.in_(ids or {0}))
    )
    return {row[0]: _Person(*row[:10], _Place(*row[11:]) if row[10] is not None else None) for row in rows}


def address_reasons(email: str) -> list[SkipReason]:
    """No email, or one that cannot be mailed; empty when the address looks deliverable."""
    if not (email or "").strip():
        return [SkipReason("no_email", "The contact has no email address.")]
    try:
        validate_email(email)
    except EmailError as exc:
        return [SkipReason("invalid_email", str(exc))]
    return []


def _contact_reasons(contact: _Person, verdict_blockers: list[str]) -> tuple[SkipReason, ...]:
    """What about the contact itself stops a message: its address, its status, its site's, the finder's verdict."""
    reasons = address_reasons(contact.email)
    if contact.status != "ok":
        reasons.append(SkipReason("contact_status", f"The contact is marked {contact.status.replace('_', ' ')}."))
    if contact.site is not None and contact.site.status != "active":
        reasons.append(SkipReason("site_status", f"The site is marked {contact.site.status.replace('_', ' ')}."))
    reasons += [SkipReason("invalid_email", words) for words in verdict_blockers]
    return tuple(reasons)


def _no_contact(recipient: Recipient) -> RecipientCheck:
    words = ("The card has no contact: choose one on the card." if recipient.contact_id is None
             else "The contact no longer exists in this workspace.")
    return RecipientCheck(recipient=recipient, site_domain=recipient.context.get("site_domain", ""),
                          reasons=(SkipReason("no_contact", words),))


@collector_paused()
def checklist(workspace_id: int, sequence_id: int, recipients: list[Recipient], now: datetime | None = None) -> \
        Checklist:
    """Every reason each recipient's messages would not go, and when the first one would, before anything is queued."""
    now = now or utcnow()
    sequence = sequence_of(workspace_id, sequence_id)
    contacts = _people(workspace_id, {r.contact_id for r in recipients if r.contact_id is not None})
    people, found, warnings = [], [], []
    for recipient in recipients:
        contact = contacts.get(recipient.contact_id)
        if contact is None:
            continue
        blockers, warned = verification_check(contact)  # the email finder's verdict
        people.append(Addressee(recipient.opportunity_id, contact.id, contact.site_id, contact.email, contact.name,
                                contact.timezone, merged_context(contact, recipient),
                                _contact_reasons(contact, blockers)))
        found.append(contact)
        warnings.append(warned)
    general, verdicts = screen(workspace_id, sequence, people, now)
    answers = iter(zip(people, found, warnings, verdicts, strict=True))
    checks = []
    for recipient in recipients:
        if recipient.contact_id not in contacts:
            checks.append(_no_contact(recipient))
            continue
        person, contact, warned, verdict = next(answers)
        notes = list(warned)
        if verdict.waits:
            notes.append("Waits for the sending window or the daily cap.")
        if contact.is_role_address:
            notes.append("A role address (info@, editor@...), not a person.")
        checks.append(RecipientCheck(
            recipient=recipient, email=contact.email, name=person.name,
            site_domain=contact.site.domain if contact.site else recipient.context.get("site_domain", ""),
            reasons=verdict.reasons, notes=tuple(notes), send_at=verdict.send_at, context=person.context,
            first=verdict.first,
        ))
    return Checklist(tuple(general), tuple(checks))


@dataclass(frozen=True)
class LaunchResult:
    """How many recipients were enrolled and queued, and who was skipped."""

    enrolled: int
    skipped: tuple[RecipientCheck, ...]


@collector_paused()
@all_or_nothing
def launch(workspace_id: int, sequence_id: int, recipients: list[Recipient], actor_id: int | None,
           now: datetime | None = None) -> LaunchResult:
    """Enrol every ready recipient and queue their first pitch in one transaction; commits, or writes nothing."""
    now = now or utcnow()
    result = checklist(workspace_id, sequence_id, recipients, now)
    if result.sequence_problems:
        raise LaunchError(" ".join(result.sequence_problems))
    if not result.ready:
        raise LaunchError("Nobody is ready to receive this sequence; the checklist says why for each recipient.")
    enrol_and_queue(workspace_id, sequence_of(workspace_id, sequence_id), [c.first for c in result.ready],
                    actor_id, now)
    db.session.commit()
    return LaunchResult(enrolled=len(result.ready), skipped=tuple(result.blocked))
