"""Helpers for the prospects tests: row counts, a workspace, CSV text."""

from __future__ import annotations

from sqlalchemy import func, select

from crm.extensions import db
from crm.links.models import Backlink
from crm.prospects.models import Contact, Site, SiteMetric, SitePage, Tag, site_tag
from crm.timeline import Activity

TABLES = {"sites": Site, "contacts": Contact, "metrics": SiteMetric, "pages": SitePage, "backlinks": Backlink,
          "tags": Tag, "activities": Activity}


def counts(workspace_id: int | None = None) -> dict[str, int]:
    """Rows per prospects table (and backlinks, timeline), optionally for one workspace."""
    found = {}
    for name, model in TABLES.items():
        query = select(func.count()).select_from(model)
        if workspace_id is not None:
            query = query.where(model.workspace_id == workspace_id)
        found[name] = db.session.scalar(query)
    found["site_tags"] = db.session.scalar(select(func.count()).select_from(site_tag))
    return found


def site(workspace_id: int, domain: str) -> Site:
    """A site of the workspace by domain (fails the test when missing)."""
    row = db.session.scalar(select(Site).where(Site.workspace_id == workspace_id, Site.domain == domain))
    assert row is not None, f"{domain} was not imported"
    return row


def csv_bytes(*lines: str, encoding: str = "utf-8") -> bytes:
    """Lines joined as a CSV file."""
    return ("\r\n".join(lines) + "\r\n").encode(encoding)
