"""Sites as a spreadsheet-safe CSV (crm.csvexport neutralises formulas), streamed in chunks."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy import Select, func, select

from crm.csvexport import iter_csv
from crm.extensions import db
from crm.prospects import fielddefs, listing
from crm.prospects.custom_fields import format_value
from crm.prospects.filters import SiteFilter
from crm.prospects.models import Contact, Site
from crm.prospects.sites import members

COLUMNS = (
    ("domain", "Domain"), ("name", "Name"), ("homepage", "Homepage"), ("status", "Status"), ("owner", "Owner"),
    ("tags", "Tags"), ("dr", "DR"), ("da", "DA"), ("tf", "TF"), ("cf", "CF"), ("as_score", "AS"),
    ("traffic", "Traffic"), ("ref_domains", "Referring domains"), ("spam", "Spam"), ("contacts", "Contacts"),
    ("emails", "Emails"), ("last_contacted_at", "Last contacted"), ("notes", "Notes"), ("created_at", "Added"),
)  # fmt: skip
CHUNK = 1000


def _plain(value):
    """Whole-number metrics as integers (61, not 61.0) so the spreadsheet shows what the tools showed."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _columns(workspace_id: int) -> tuple[tuple[str, str], ...]:
    """The fixed columns, then one per site custom field (headed by its label)."""
    return COLUMNS + tuple((f"custom.{row.key}", row.label) for row in fielddefs.definitions(workspace_id, "site"))


def _rows(workspace_id: int, ordered_ids: Select) -> Iterator[dict]:
    """Rows for the CSV, in the ids' order; owners, tags and contacts are read once per chunk, never per site.

    The ids come first (cheap even for 100,000 sites), then the sites a chunk at a time, so no cursor stays
    open while the other lookups run.
    """
    owners = {user.id: user.email for user in members(workspace_id)}
    ids = list(db.session.scalars(ordered_ids))
    for start in range(0, len(ids), CHUNK):
        part = ids[start : start + CHUNK]
        sites = {s.id: s for s in db.session.scalars(select(Site).where(Site.id.in_(part)))}
        tags = listing.tags_for(part)
        emails: dict[int, list[str]] = {}
        query = select(Contact.site_id, Contact.email).where(Contact.site_id.in_(part)).order_by(Contact.id)
        for site_id, email in db.session.execute(query):
            emails.setdefault(site_id, []).append(email)
        for site_id in part:
            site = sites[site_id]
            row = {column: _plain(getattr(site, column, None)) for column, _ in COLUMNS}
            row["owner"] = owners.get(site.owner_id, "")
            row["tags"] = ", ".join(t.name for t in tags.get(site_id, []))
            row["emails"] = ", ".join(emails.get(site_id, [])[:5])
            row["contacts"] = len(emails.get(site_id, []))
            for key, value in (site.custom_fields or {}).items():
                row[f"custom.{key}"] = format_value(value)
            yield row
        for site in sites.values():  # keep memory flat over 100,000 sites
            db.session.expunge(site)


def csv_for_filter(workspace_id: int, f: SiteFilter) -> Iterator[bytes]:
    """Every site a filter matches, in its order, as CSV chunks."""
    ordered = listing.matching(workspace_id, f).with_only_columns(Site.id)
    return iter_csv(_rows(workspace_id, ordered), _columns(workspace_id))


def csv_for_ids(workspace_id: int, site_ids: Sequence[int]) -> Iterator[bytes]:
    """Chosen sites of the workspace (others ignored), by domain, as CSV chunks."""
    ordered = select(Site.id).where(Site.workspace_id == workspace_id, Site.id.in_(list(site_ids)))
    ordered = ordered.order_by(Site.domain)
    return iter_csv(_rows(workspace_id, ordered), _columns(workspace_id))


def count_for_ids(workspace_id: int, site_ids: Sequence[int]) -> int:
    """How many of the chosen ids are sites of the workspace."""
    return db.session.scalar(select(func.count()).where(Site.workspace_id == workspace_id,
                                                        Site.id.in_(list(site_ids)))) or 0
