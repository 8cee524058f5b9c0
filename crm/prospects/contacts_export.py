"""The contacts of the sites a list shows, as a spreadsheet-safe CSV (crm.csvexport neutralises formulas)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy import Select, select

from crm.csvexport import iter_csv
from crm.extensions import db
from crm.prospects import contactinfo, fielddefs, listing
from crm.prospects.custom_fields import format_value
from crm.prospects.filters import SiteFilter
from crm.prospects.models import Contact, Site

# Every column a contact has (ids as the site's domain), with the profiles and the email finder's verdict.
COLUMNS = (
    ("site", "Site"), ("email", "Email"), ("first_name", "First name"), ("last_name", "Last name"),
    ("position", "Position"), ("status", "Status"), ("is_role_address", "Role address"),
    ("email_verification", "Email verification"), ("linkedin_url", "LinkedIn"), ("twitter", "X/Twitter"),
    ("twitter_url", "X/Twitter profile"), ("timezone", "Time zone"), ("found_on", "Found on"), ("source", "Source"),
    ("created_at", "Added"), ("updated_at", "Changed"),
)  # fmt: skip
_OWN = tuple(column for column, _ in COLUMNS if column not in ("site", "twitter_url"))
CHUNK = 1000


def columns(workspace_id: int) -> tuple[tuple[str, str], ...]:
    """The fixed columns, then one per contact custom field (headed by its label)."""
    return COLUMNS + tuple((f"custom.{row.key}", row.label) for row in fielddefs.definitions(workspace_id, "contact"))


def row_of(contact: Contact, domain: str) -> dict:
    """One contact's cells by column key (custom values as the record page shows them)."""
    row = {column: getattr(contact, column) for column in _OWN}
    row.update(site=domain, twitter_url=contactinfo.twitter_url(contact.twitter))
    row.update({f"custom.{key}": format_value(value) for key, value in (contact.custom_fields or {}).items()})
    return row


def _rows(workspace_id: int, ordered_site_ids: Select) -> Iterator[dict]:
    """Contacts site by site in the sites' order (by address within a site), a chunk of sites at a time."""
    site_ids = list(db.session.scalars(ordered_site_ids))
    for start in range(0, len(site_ids), CHUNK):
        part = site_ids[start : start + CHUNK]
        domains = dict(db.session.execute(select(Site.id, Site.domain).where(Site.id.in_(part))).all())
        found: dict[int, list[Contact]] = {}
        query = select(Contact).where(Contact.workspace_id == workspace_id, Contact.site_id.in_(part))
        for contact in db.session.scalars(query.order_by(Contact.email)):
            found.setdefault(contact.site_id, []).append(contact)
        for site_id in part:
            for contact in found.get(site_id, []):
                yield row_of(contact, domains[site_id])
                db.session.expunge(contact)  # memory stays flat over 100,000 contacts


def csv_for_filter(workspace_id: int, f: SiteFilter) -> Iterator[bytes]:
    """The contacts of every site a filter matches, in the list's order, as CSV chunks."""
    ordered = listing.matching(workspace_id, f).with_only_columns(Site.id)
    return iter_csv(_rows(workspace_id, ordered), columns(workspace_id))


def csv_for_ids(workspace_id: int, site_ids: Sequence[int]) -> Iterator[bytes]:
    """The contacts of chosen sites of the workspace (others ignored), sites by domain, as CSV chunks."""
    ordered = select(Site.id).where(Site.workspace_id == workspace_id, Site.id.in_(list(site_ids)))
    return iter_csv(_rows(workspace_id, ordered.order_by(Site.domain)), columns(workspace_id))
