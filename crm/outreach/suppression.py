"""The suppression list: addresses and whole domains never to be mailed, per workspace or everywhere."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import func, or_, select

from crm.extensions import db
from crm.net.domains import normalise_host, registrable_domain
from crm.outreach.models import Suppression

REASONS = {
    "unsubscribe": "Unsubscribed",
    "bounce": "Bounced",
    "spam_report": "Reported as spam",
    "manual": "Added by hand",
    "do_not_contact": "Do not contact",
}
_ADDRESS = re.compile(r"^[^@\s<>\"(),;:]+@[^@\s<>\"(),;:]+\.[^@\s<>\"(),;:]+$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")


class SuppressionError(ValueError):
    """The value is neither an email address nor a domain."""


def normalise_address(email: str) -> str:
    """An address as stored and compared: trimmed and lower-case."""
    return (email or "").strip().lower()


def domains_of(email: str) -> list[str]:
    """The domains an address falls under: its host and the host's registrable domain."""
    host = normalise_host(normalise_address(email).rpartition("@")[2])
    if not host:
        return []
    return list(dict.fromkeys(d for d in (host, registrable_domain(host)) if d))


def _scope(workspace_id: int):
    return or_(Suppression.workspace_id == workspace_id, Suppression.workspace_id.is_(None))


def _suffixes(host: str) -> list[str]:
    """The host and every parent of it ("a.b.com", "b.com", "com"): its registrable domain is always one of them."""
    parts = host.split(".")
    return [".".join(parts[i:]) for i in range(len(parts))]


_READ_WHOLE_LIST_FROM = 100  # addresses asked about at once from which reading a short list beats matching values


def _rows_for(workspace_id: int, addresses: set[str]) -> list[Suppression]:
    """The entries that may cover these addresses: the whole list in scope when it is the shorter, by value otherwise.

    A launch asks about thousands of addresses while a workspace's list is usually far shorter, and matching
    thousands of values costs more than reading the list.
    """
    query = select(Suppression).where(_scope(workspace_id)).order_by(Suppression.id)
    if len(addresses) >= _READ_WHOLE_LIST_FROM:
        listed = db.session.scalar(select(func.count()).select_from(Suppression).where(_scope(workspace_id)))
        if listed <= len(addresses):
            return list(db.session.scalars(query))
    domains = {d for found in _above(addresses).values() for d in found}
    return list(db.session.scalars(query.where(or_(
        (Suppression.kind == "address") & Suppression.value.in_(addresses),
        (Suppression.kind == "domain") & Suppression.value.in_(domains or {""}),
    ))))


def find_many(workspace_id: int, emails: Iterable[str]) -> dict[str, Suppression]:
    """The suppression entry (address first, then domain) covering each of these addresses, where one does.

    The same answer as domains_of() per address, but the registrable domain (a public-suffix lookup, the costly
    part) is only worked out for an address when a domain entry sits above its host: a launch asks for thousands.
    """
    addresses = {normalise_address(e) for e in emails if e}
    if not addresses:
        return {}
    rows = _rows_for(workspace_id, addresses)
    by_address = {r.value: r for r in rows if r.kind == "address"}
    by_domain = {r.value: r for r in rows if r.kind == "domain"}
    above = _above(addresses) if by_domain else {}
    found: dict[str, Suppression] = {}
    for address in addresses:
        hit = by_address.get(address)
        if hit is None and by_domain and any(d in by_domain for d in above.get(address, ())):
            hit = next((by_domain[d] for d in domains_of(address) if d in by_domain), None)
        if hit is not None:
            found[address] = hit
    return found


def _above(addresses: set[str]) -> dict[str, list[str]]:
    """Each address's host and every parent of it, for addresses that have a host."""
    hosts = {a: normalise_host(a.rpartition("@")[2]) for a in addresses}
    return {a: _suffixes(h) for a, h in hosts.items() if h}


def find(workspace_id: int, email: str) -> Suppression | None:
    """The entry that suppresses this address in this workspace (or globally), if any."""
    return find_many(workspace_id, [email]).get(normalise_address(email))


def describe(row: Suppression) -> str:
    """Why an address is suppressed, in words."""
    what = "the domain " + row.value if row.kind == "domain" else row.value
    where = "everywhere" if row.workspace_id is None else "in this workspace"
    return f"{what} is suppressed {where} ({REASONS.get(row.reason, row.reason).lower()})"


def parse_value(value: str) -> tuple[str, str]:
    """("address" or "domain", the normalised value) for what someone typed; SuppressionError otherwise."""
    text = (value or "").strip().lower().removeprefix("mailto:")
    if text.startswith("@"):
        text = text[1:]
    if "@" in text:
        if not _ADDRESS.match(text):
            raise SuppressionError(f"{value!r} is not an email address")
        return "address", text
    host = normalise_host(text)
    if not _DOMAIN.match(host):
        raise SuppressionError(f"{value!r} is neither an email address nor a domain")
    return "domain", host


def suppress(workspace_id: int | None, kind: str, value: str, reason: str, source: str = "") -> Suppression:
    """Add an entry unless the same one exists (not committed); returns the entry."""
    value = normalise_address(value) if kind == "address" else normalise_host(value)
    existing = db.session.scalar(
        select(Suppression).where(
            Suppression.workspace_id.is_(None) if workspace_id is None else Suppression.workspace_id == workspace_id,
            Suppression.kind == kind,
            Suppression.value == value,
        )
    )
    if existing is not None:
        return existing
    row = Suppression(workspace_id=workspace_id, kind=kind, value=value, reason=reason, source=source[:120])
    db.session.add(row)
    db.session.flush()
    return row


def listing(workspace_id: int, kind: str | None = None, search: str = ""):
    """A select of the workspace's entries and the global ones, newest first, for the suppression page."""
    query = select(Suppression).where(_scope(workspace_id))
    if kind in ("address", "domain"):
        query = query.where(Suppression.kind == kind)
    if search.strip():
        query = query.where(Suppression.value.contains(search.strip().lower(), autoescape=True))
    return query.order_by(Suppression.created_at.desc(), Suppression.id.desc())
