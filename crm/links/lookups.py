"""Read-only lookups of other features' rows (sites, campaigns, opportunities) by table, without their code."""

# Links stands beside prospects and below campaigns (DESIGN section 2): it reads their tables by name,
# always scoped to one workspace, and never imports their modules.

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Table, select

from crm.extensions import db

SITE_COLUMNS = ("id", "domain", "dr", "da", "tf", "as_score", "traffic")


def _table(name: str) -> Table:
    return db.metadata.tables[name]


def site_by_id(workspace_id: int, site_id: int | None) -> Any | None:
    """A site row (id, domain and newest metrics) of the workspace, or None."""
    if site_id is None:
        return None
    site = _table("site")
    query = select(*(site.c[c] for c in SITE_COLUMNS)).where(site.c.id == site_id, site.c.workspace_id == workspace_id)
    return db.session.execute(query).first()


def site_by_domain(workspace_id: int, domain: str | None) -> Any | None:
    """The workspace's site for a registrable domain, or None."""
    if not domain:
        return None
    site = _table("site")
    query = select(*(site.c[c] for c in SITE_COLUMNS)).where(
        site.c.workspace_id == workspace_id, site.c.domain == domain.lower()
    )
    return db.session.execute(query).first()


def site_domains(workspace_id: int, ids: Iterable[int]) -> dict[int, str]:
    """Domain of each of the workspace's sites among these ids."""
    ids = {i for i in ids if i}
    if not ids:
        return {}
    site = _table("site")
    rows = db.session.execute(select(site.c.id, site.c.domain).where(site.c.workspace_id == workspace_id,
                                                                      site.c.id.in_(ids)))
    return {row.id: row.domain for row in rows}


def campaign_choices(workspace_id: int) -> list[tuple[int, str]]:
    """(id, name) of the workspace's campaigns, by name."""
    campaign = _table("campaign")
    rows = db.session.execute(
        select(campaign.c.id, campaign.c.name).where(campaign.c.workspace_id == workspace_id).order_by(campaign.c.name)
    )
    return [(row.id, row.name) for row in rows]


def campaign_names(workspace_id: int, ids: Iterable[int]) -> dict[int, str]:
    """Name of each of the workspace's campaigns among these ids."""
    ids = {i for i in ids if i}
    if not ids:
        return {}
    campaign = _table("campaign")
    rows = db.session.execute(select(campaign.c.id, campaign.c.name).where(
        campaign.c.workspace_id == workspace_id, campaign.c.id.in_(ids)))
    return {row.id: row.name for row in rows}


def campaign_exists(workspace_id: int, campaign_id: int) -> bool:
    """True when the campaign belongs to the workspace."""
    return campaign_id in campaign_names(workspace_id, [campaign_id])


def opportunity_campaign(workspace_id: int, opportunity_id: int) -> int | None:
    """The campaign of one of the workspace's opportunities; None when there is no such opportunity."""
    opportunity = _table("opportunity")
    return db.session.scalar(select(opportunity.c.campaign_id).where(
        opportunity.c.id == opportunity_id, opportunity.c.workspace_id == workspace_id))


# A link comes out of a conversation: cards that got an answer, won, live or whose link was lost.
LINKABLE_STAGES = ("replied", "negotiating", "won", "live", "lost")


def opportunity_choices(workspace_id: int, keep: int | None = None) -> list[tuple[int, str, str]]:
    """(id, campaign name, "domain (stage)") of the workspace's cards a link may be tied to, and `keep` whatever
    its stage; by campaign, then domain."""
    opportunity, campaign, site = _table("opportunity"), _table("campaign"), _table("site")
    linkable = opportunity.c.stage.in_(LINKABLE_STAGES)
    if keep is not None:
        linkable = linkable | (opportunity.c.id == keep)
    rows = db.session.execute(
        select(opportunity.c.id, campaign.c.name, site.c.domain, opportunity.c.stage)
        .join(campaign, campaign.c.id == opportunity.c.campaign_id)
        .join(site, site.c.id == opportunity.c.site_id)
        .where(opportunity.c.workspace_id == workspace_id, linkable)
        .order_by(campaign.c.name, site.c.domain, opportunity.c.id))
    return [(row.id, row.name, f"{row.domain} ({row.stage.replace('_', ' ')})") for row in rows]


def campaign_currency(workspace_id: int, campaign_id: int | None) -> str | None:
    """The currency of one of the workspace's campaigns (the default for its links' costs), or None."""
    if campaign_id is None:
        return None
    campaign = _table("campaign")
    return db.session.scalar(select(campaign.c.currency).where(
        campaign.c.id == campaign_id, campaign.c.workspace_id == workspace_id))
