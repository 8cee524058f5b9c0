"""Merging two sites by hand: everything about the merged site moves to the kept one, then the merged one goes.

Other features' rows that point at a site (opportunities, backlinks, enrollments, messages, replies, tasks,
timeline) are moved by table, through the shared metadata, so this module never imports their code.

Opportunities are unique per (campaign, site). When both sites are in the same campaign, the two
opportunities become one: the kept site's opportunity stays, takes the further stage of the two (an open
stage beats a closed one), fills its empty contact, owner, price and next action from the other, and adopts
every row that pointed at the other opportunity (messages, replies, backlinks, tasks, costs, enrollments,
timeline). Then the other opportunity is deleted, so no history is lost and the board shows one card.
"""

from __future__ import annotations

from sqlalchemy import delete, exists, insert, select, update
from sqlalchemy.orm import aliased

from crm import timeline
from crm.db import all_or_nothing
from crm.extensions import db
from crm.prospects import metrics, statuses
from crm.prospects.models import SITE_METRIC_COLUMNS, Contact, Site, SiteMetric, SitePage, site_tag

# Tables of other features with a site_id column, moved by name (absent tables are skipped).
SITE_TABLES = ("backlink", "enrollment", "outbound_message", "reply", "task", "activity")
# The pipeline's open stages, earliest first (campaigns owns the vocabulary; merging only compares them).
OPEN_STAGES = ("prospect", "pitched", "replied", "negotiating", "won", "live")
_STATUS_WEIGHT = {"active": 0, "blocked": 1, "do_not_contact": 2}


class MergeError(ValueError):
    """Two sites that cannot be merged; the message says why."""


def _stage_rank(stage: str) -> int:
    """Open stages rank by progress; closed ones (declined, lost, ...) rank below any open stage."""
    return OPEN_STAGES.index(stage) if stage in OPEN_STAGES else -1


def _tables():
    return db.metadata.tables


def _merge_opportunities(keep: Site, drop: Site) -> int:
    """Move the merged site's opportunities; fold the ones in a campaign both sites share. Returns how many folded."""
    opportunity = _tables().get("opportunity")
    if opportunity is None:
        return 0
    c = opportunity.c
    pairs = db.session.execute(
        select(c.id.label("drop_id"), c.campaign_id).where(c.site_id == drop.id, c.campaign_id.in_(
            select(c.campaign_id).where(c.site_id == keep.id)))
    ).all()
    for drop_id, campaign_id in pairs:
        kept = db.session.execute(select(opportunity).where(c.site_id == keep.id, c.campaign_id == campaign_id)).one()
        other = db.session.execute(select(opportunity).where(c.id == drop_id)).one()
        changes = {}
        if _stage_rank(other.stage) > _stage_rank(kept.stage):
            changes.update(stage=other.stage, stage_changed_at=other.stage_changed_at)
        for column in ("contact_id", "owner_id", "target_page_id", "price_cents", "payment_status", "next_action_on",
                       "won_at", "term_until"):
            if getattr(kept, column) is None and getattr(other, column) is not None:
                changes[column] = getattr(other, column)
        if other.notes:
            changes["notes"] = "\n\n".join(n for n in (kept.notes, f"From {drop.domain}: {other.notes}") if n)
        if changes:
            db.session.execute(update(opportunity).where(c.id == kept.id).values(**changes))
        for table in _tables().values():
            for fk in table.foreign_keys:
                if fk.column is c.id:
                    db.session.execute(update(table).where(fk.parent == drop_id).values({fk.parent.name: kept.id}))
        db.session.execute(delete(opportunity).where(c.id == drop_id))
    db.session.execute(update(opportunity).where(c.site_id == drop.id).values(site_id=keep.id))
    return len(pairs)


def _merge_own_rows(keep: Site, drop: Site) -> None:
    """Contacts, pages, tags and dated metrics of the merged site, without breaking their unique keys."""
    db.session.execute(update(Contact).where(Contact.site_id == drop.id).values(site_id=keep.id)
                       .execution_options(synchronize_session=False))
    kept_urls = select(SitePage.url).where(SitePage.site_id == keep.id).scalar_subquery()
    db.session.execute(delete(SitePage).where(SitePage.site_id == drop.id, SitePage.url.in_(kept_urls))
                       .execution_options(synchronize_session=False))
    db.session.execute(update(SitePage).where(SitePage.site_id == drop.id).values(site_id=keep.id)
                       .execution_options(synchronize_session=False))
    if drop.homepage:
        has = db.session.scalar(select(SitePage.id).where(SitePage.site_id == keep.id, SitePage.url == drop.homepage))
        if has is None:
            db.session.add(SitePage(workspace_id=keep.workspace_id, site_id=keep.id, url=drop.homepage,
                                    title=drop.name, source="merge"))
    mine = set(db.session.scalars(select(site_tag.c.tag_id).where(site_tag.c.site_id == keep.id)))
    theirs = db.session.scalars(select(site_tag.c.tag_id).where(site_tag.c.site_id == drop.id))
    new = [{"site_id": keep.id, "tag_id": t} for t in theirs if t not in mine]
    if new:
        db.session.execute(insert(site_tag), new)
    kept = aliased(SiteMetric)
    same = exists().where(kept.site_id == keep.id, kept.name == SiteMetric.name, kept.source == SiteMetric.source,
                          kept.measured_at == SiteMetric.measured_at)
    # The same measurement on both sites: the kept site's value stands.
    db.session.execute(delete(SiteMetric).where(SiteMetric.site_id == drop.id, same)
                       .execution_options(synchronize_session=False))
    db.session.execute(update(SiteMetric).where(SiteMetric.site_id == drop.id).values(site_id=keep.id)
                       .execution_options(synchronize_session=False))


@all_or_nothing
def merge(keep: Site, drop: Site, actor_id: int | None = None) -> dict[str, int]:
    """Merge `drop` into `keep` (same workspace) and commit; returns what moved."""
    if keep.id == drop.id:
        raise MergeError("A site cannot be merged into itself.")
    if keep.workspace_id != drop.workspace_id:
        raise MergeError("Both sites must belong to this workspace.")
    moved = {"contacts": len(drop.contacts), "pages": len(drop.pages), "metrics": len(drop.metrics)}
    _merge_own_rows(keep, drop)
    moved["opportunities_folded"] = _merge_opportunities(keep, drop)
    for name in SITE_TABLES:
        table = _tables().get(name)
        if table is not None and "site_id" in table.c:
            db.session.execute(update(table).where(table.c.site_id == drop.id).values(site_id=keep.id))
    for column in SITE_METRIC_COLUMNS:
        if getattr(keep, column) is None:
            setattr(keep, column, getattr(drop, column))
    if _STATUS_WEIGHT.get(drop.status, 0) > _STATUS_WEIGHT.get(keep.status, 0):
        keep.status = drop.status  # the more cautious status wins: never contact a site someone blocked
        statuses.sites_changed(keep.workspace_id, [keep.id], keep.status)
    keep.owner_id = keep.owner_id or drop.owner_id
    keep.name = keep.name or drop.name
    if drop.last_contacted_at and (keep.last_contacted_at is None or drop.last_contacted_at > keep.last_contacted_at):
        keep.last_contacted_at = drop.last_contacted_at
    if drop.notes:
        keep.notes = "\n\n".join(n for n in (keep.notes, f"From {drop.domain}:\n{drop.notes}") if n)
    domain, drop_id = drop.domain, drop.id
    db.session.flush()
    # The merged site's collections were moved by statements above; reload it so deleting it cascades to nothing.
    db.session.expire_all()
    db.session.delete(db.session.get(Site, drop_id))
    db.session.flush()
    metrics.refresh_columns(keep)
    timeline.record(keep.workspace_id, "merged", f"Merged {domain} into this site", site_id=keep.id,
                    actor_id=actor_id, data=moved)
    db.session.commit()
    return moved
