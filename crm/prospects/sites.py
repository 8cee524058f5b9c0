"""Editing one site: status, owner, name, homepage, notes and tags, each change on its timeline."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import func, select

from crm import timeline
from crm.accounts.models import Membership, User
from crm.db import all_or_nothing
from crm.extensions import db
from crm.prospects import statuses
from crm.prospects.importing import cells
from crm.prospects.importing.plan import TAG_MAX
from crm.prospects.models import SITE_STATUSES, Site, Tag

STATUS_LABELS = {"active": "Active", "blocked": "Blocked", "do_not_contact": "Do not contact"}


class SiteError(ValueError):
    """A change to a site that cannot be made; the message says why."""


def members(workspace_id: int) -> list[User]:
    """The workspace's people, who can own sites, by name."""
    query = select(User).join(Membership).where(Membership.workspace_id == workspace_id)
    return sorted(db.session.scalars(query), key=lambda u: u.display_name.lower())


def check_owner(workspace_id: int, owner_id: int | None) -> int | None:
    """An owner id that belongs to the workspace (None for nobody); SiteError otherwise."""
    if owner_id is None:
        return None
    member = db.session.scalar(select(Membership.id).where(Membership.workspace_id == workspace_id,
                                                           Membership.user_id == owner_id))
    if member is None:
        raise SiteError("The owner must be a member of this workspace.")
    return owner_id


def parse_tags(text: str) -> list[str]:
    """Tag names from "a, b; c" (trimmed, no repeats ignoring case)."""
    seen, names = set(), []
    for part in re.split(r"[,;]", text or ""):
        name = " ".join(part.split())[:TAG_MAX]
        if name and name.lower() not in seen:
            seen.add(name.lower())
            names.append(name)
    return names


def get_or_create_tags(workspace_id: int, names: Iterable[str]) -> list[Tag]:
    """The workspace's tags with these names (case-insensitively), created when missing."""
    tags = []
    for name in names:
        tag = db.session.scalar(select(Tag).where(Tag.workspace_id == workspace_id,
                                                  func.lower(Tag.name) == name.lower()))
        if tag is None:
            tag = Tag(workspace_id=workspace_id, name=name)
            db.session.add(tag)
            db.session.flush()
        tags.append(tag)
    return tags


def find_by_domain(workspace_id: int, text: str) -> Site | None:
    """The workspace's site for a domain or URL as someone typed it."""
    try:
        host = cells.parse_host(text)
        domain = cells.site_of(host) if host else None
    except ValueError:
        return None
    return db.session.scalar(select(Site).where(Site.workspace_id == workspace_id, Site.domain == domain))


def create(workspace_id: int, text: str, actor_id: int | None) -> Site:
    """Add a site by hand from a domain or URL (subdomains fold into the registrable domain); commit."""
    try:
        parsed = cells.parse_url(text) if "/" in text or ":" in text else None
        host = parsed[1] if parsed else cells.parse_host(text)
        if not host:
            raise ValueError("Type the site's domain or address.")
        domain = cells.site_of(host)
    except ValueError as exc:
        raise SiteError(str(exc)) from None
    if find_by_domain(workspace_id, domain) is not None:
        raise SiteError(f"{domain} is already in your list.")
    homepage = f"https://{host}/" if host in (domain, "www." + domain) else f"https://{domain}/"
    site = Site(workspace_id=workspace_id, domain=domain, homepage=homepage)
    db.session.add(site)
    db.session.flush()
    timeline.record(workspace_id, "created", "Added by hand", site_id=site.id, actor_id=actor_id)
    db.session.commit()
    return site


@all_or_nothing
def update(site: Site, *, status: str, owner_id: int | None, name: str, homepage: str, notes: str, tags_text: str,
           actor_id: int | None) -> list[str]:
    """Save a site's editable fields and commit; returns the changes made (for the timeline and a message)."""
    if status not in SITE_STATUSES:
        raise SiteError(f"'{status}' is not a site status.")
    owner_id = check_owner(site.workspace_id, owner_id)
    homepage = homepage.strip()
    if homepage:
        try:
            parsed = cells.parse_url(homepage)
        except ValueError as exc:
            raise SiteError(str(exc)) from None
        if parsed is None or cells.registrable_domain(parsed[1]) != site.domain:
            raise SiteError(f"The homepage must be an address on {site.domain}.")
        homepage = parsed[0]
    changes = []
    if status != site.status:
        changes.append(f"status {STATUS_LABELS[site.status]} → {STATUS_LABELS[status]}")
        statuses.sites_changed(site.workspace_id, [site.id], status)
    if owner_id != site.owner_id:
        owner = db.session.get(User, owner_id) if owner_id else None
        changes.append(f"owner {owner.display_name if owner else 'nobody'}")
    wanted = parse_tags(tags_text)
    before = sorted(t.name for t in site.tags)
    site.tags = get_or_create_tags(site.workspace_id, wanted)
    if sorted(t.name for t in site.tags) != before:
        changes.append("tags " + (", ".join(wanted) or "removed"))
    if notes.strip() != site.notes.strip():
        changes.append("notes")
    if name.strip()[:200] != site.name or homepage != site.homepage:
        changes.append("details")
    site.status, site.owner_id, site.name = status, owner_id, name.strip()[:200]
    site.homepage, site.notes = homepage, notes.strip()
    if changes:
        timeline.record(site.workspace_id, "edited", "Changed " + "; ".join(changes), site_id=site.id,
                        actor_id=actor_id)
    db.session.commit()
    return changes
