"""Contacts at a site: adding (by hand or from discovery), editing and removing, one address per workspace."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select

from crm import timeline
from crm.db import all_or_nothing
from crm.extensions import db
from crm.prospects import contactinfo, statuses
from crm.prospects.emails import EmailError, is_role_address, validate_email
from crm.prospects.models import CONTACT_STATUSES, EDITABLE_VERIFICATIONS, Contact, Site


class ContactError(ValueError):
    """A contact that cannot be saved; the message says why."""


def normalised(email: str) -> str:
    """A valid address in the stored form (lower-case); ContactError when invalid."""
    try:
        return validate_email(email).lower()
    except EmailError as exc:
        raise ContactError(str(exc)) from None


def find(workspace_id: int, email: str) -> Contact | None:
    """The workspace's contact with this address, ignoring case."""
    return db.session.scalar(
        select(Contact).where(Contact.workspace_id == workspace_id, func.lower(Contact.email) == email.lower())
    )


def _check_free(site: Site, email: str, contact_id: int | None = None) -> None:
    """Refuse an address another contact of the workspace already has."""
    other = find(site.workspace_id, email)
    if other is not None and other.id != contact_id:
        where = "this site" if other.site_id == site.id else other.site.domain
        raise ContactError(f"{email} is already a contact of {where}.")


def _check_status(status: str) -> None:
    if status not in CONTACT_STATUSES:
        raise ContactError(f"'{status}' is not a contact status.")


PROFILE_COLUMNS = ("linkedin_url", "twitter", "email_verification")


def profiles(linkedin_url: str = "", twitter: str = "", email_verification: str = "", kept: str = "") -> dict:
    """The profile columns as stored (LinkedIn address, X handle, verification); ContactError when one is wrong.

    A verification status only a file can set (webmail, disposable) may stay as it was (`kept`), never be chosen.
    """
    try:
        found = {"linkedin_url": contactinfo.parse_linkedin(linkedin_url) if linkedin_url.strip() else "",
                 "twitter": contactinfo.parse_twitter(twitter) if twitter.strip() else ""}
    except ValueError as exc:
        raise ContactError(str(exc)) from None
    if email_verification not in ("", *EDITABLE_VERIFICATIONS) and not (kept and email_verification == kept):
        raise ContactError(f"'{email_verification[:40]}' is not an email verification status: choose valid, "
                           "accept_all, unknown or invalid.")
    return {**found, "email_verification": email_verification}


@all_or_nothing
def add(site: Site, email: str, *, first_name: str = "", last_name: str = "", position: str = "",
        status: str = "ok", found_on: str = "", source: str = "manual", actor_id: int | None = None,
        **profile: str) -> Contact:
    """Add a contact to a site and commit; `profile` may give linkedin_url, twitter and email_verification."""
    email = normalised(email)
    _check_status(status)
    _check_free(site, email)
    contact = Contact(workspace_id=site.workspace_id, site_id=site.id, email=email, first_name=first_name.strip()[:100],
                      last_name=last_name.strip()[:100], position=position.strip()[:150],
                      is_role_address=is_role_address(email), status=status, found_on=found_on[:2048], source=source,
                      **profiles(**profile))
    db.session.add(contact)
    db.session.flush()
    if status != "ok":
        statuses.contacts_changed(site.workspace_id, [contact.id], status)
    timeline.record(site.workspace_id, "contact_added", f"Contact {email} added", site_id=site.id,
                    contact_id=contact.id, actor_id=actor_id)
    db.session.commit()
    return contact


@all_or_nothing
def update(contact: Contact, *, email: str, first_name: str, last_name: str, position: str, status: str,
           actor_id: int | None = None, **profile: str) -> Contact:
    """Change a contact's details (and the profile columns `profile` gives) and commit."""
    email = normalised(email)
    _check_status(status)
    _check_free(contact.site, email, contact.id)
    found = {k: v for k, v in profiles(**profile, kept=contact.email_verification).items() if k in profile}
    changed = []
    if contact.status != status:
        changed.append(f"status {contact.status} → {status}")
        statuses.contacts_changed(contact.workspace_id, [contact.id], status)
    if contact.email != email:
        changed.append(f"address {contact.email} → {email}")
    contact.email, contact.is_role_address = email, is_role_address(email)
    contact.first_name, contact.last_name = first_name.strip()[:100], last_name.strip()[:100]
    contact.position, contact.status = position.strip()[:150], status
    if found.get("email_verification", contact.email_verification) != contact.email_verification:
        changed.append(f"verification {contact.email_verification or 'not checked'} → "
                       f"{found['email_verification'] or 'not checked'}")
    for column, value in found.items():
        setattr(contact, column, value)
    if changed:
        timeline.record(contact.workspace_id, "contact_changed", f"Contact {email}: " + ", ".join(changed),
                        site_id=contact.site_id, contact_id=contact.id, actor_id=actor_id)
    db.session.commit()
    return contact


def delete(contact: Contact, actor_id: int | None = None) -> None:
    """Remove a contact and commit (the timeline keeps a note of it)."""
    timeline.record(contact.workspace_id, "contact_removed", f"Contact {contact.email} removed",
                    site_id=contact.site_id, actor_id=actor_id)
    db.session.delete(contact)
    db.session.commit()


def add_found(site: Site, found: Iterable[dict], actor_id: int | None = None) -> tuple[int, list[str]]:
    """Add discovered addresses ({email, page_url, name}) to a site, skipping taken ones; commit; (added, skipped)."""
    added, skipped = 0, []
    for item in found:
        try:
            email = normalised(item["email"])
            _check_free(site, email)
        except ContactError as exc:
            skipped.append(str(exc))
            continue
        first, _, last = (item.get("name") or "").partition(" ")
        contact = Contact(workspace_id=site.workspace_id, site_id=site.id, email=email, first_name=first[:100],
                          last_name=last[:100], is_role_address=is_role_address(email),
                          found_on=(item.get("page_url") or "")[:2048], source="discovery")
        db.session.add(contact)
        db.session.flush()
        timeline.record(site.workspace_id, "contact_added", f"Contact {email} found on {contact.found_on}",
                        site_id=site.id, contact_id=contact.id, actor_id=actor_id)
        added += 1
    db.session.commit()
    return added, skipped
