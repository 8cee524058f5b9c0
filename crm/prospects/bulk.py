"""Bulk actions on the sites list: tag, untag, set owner, set status; on chosen sites or everything a filter shows.

Each action is one transaction: it is checked first (every chosen site in the workspace, a valid value) and
then done with set-based statements, so it is all or nothing even over 100,000 sites.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import and_, delete, exists, func, insert, literal, select, update

from crm.db import all_or_nothing, utcnow
from crm.extensions import db
from crm.prospects import listing, statuses
from crm.prospects.filters import SiteFilter
from crm.prospects.models import SITE_STATUSES, Site, Tag, site_tag
from crm.prospects.sites import STATUS_LABELS, SiteError, check_owner, get_or_create_tags, parse_tags
from crm.timeline import Activity

ACTIONS = {"tag": "Add a tag", "untag": "Remove a tag", "owner": "Set owner", "status": "Set status"}
MAX_IDS = 10_000  # chosen by ticking boxes; "everything matching" has no limit


class BulkError(ValueError):
    """A bulk action that cannot run; nothing was changed."""


def _selection(workspace_id: int, site_ids: Sequence[int] | None, f: SiteFilter | None):
    """A select of the ids to act on, after checking explicitly chosen ids all belong to the workspace."""
    if site_ids is None:
        if f is None:
            raise BulkError("Choose some sites first.")
        return listing.matching_ids(workspace_id, f)
    ids = sorted(set(site_ids))
    if not ids:
        raise BulkError("Choose some sites first.")
    if len(ids) > MAX_IDS:
        raise BulkError(f"Choose at most {MAX_IDS:,} sites at once, or apply the action to everything matching.")
    found = db.session.scalar(select(func.count()).where(Site.workspace_id == workspace_id, Site.id.in_(ids)))
    if found != len(ids):
        raise BulkError("Some of the chosen sites no longer exist; reload the list and try again.")
    return select(Site.id).where(Site.workspace_id == workspace_id, Site.id.in_(ids))


def _record(workspace_id: int, chosen, summary: str, actor_id: int | None) -> None:
    """One timeline entry per affected site, written by the database in one statement."""
    now = utcnow()
    rows = select(literal(workspace_id), literal("edited"), literal(summary), literal(now, Activity.happened_at.type),
                  literal(actor_id, Activity.actor_id.type), Site.id).where(Site.id.in_(chosen))
    db.session.execute(insert(Activity).from_select(
        ["workspace_id", "kind", "summary", "happened_at", "actor_id", "site_id"], rows))


def _tag(workspace_id: int, id_list, name: str, add: bool) -> None:
    """Put a tag on the chosen sites (creating it), or take it off them."""
    if add:
        (tag,) = get_or_create_tags(workspace_id, [name])
        ids = id_list.subquery()
        missing = select(ids.c.id, literal(tag.id)).where(
            ~exists().where(and_(site_tag.c.site_id == ids.c.id, site_tag.c.tag_id == tag.id)))
        db.session.execute(insert(site_tag).from_select(["site_id", "tag_id"], missing))
        return
    tag = db.session.scalar(select(Tag).where(Tag.workspace_id == workspace_id, func.lower(Tag.name) == name.lower()))
    if tag is None:
        raise BulkError(f"There is no tag called {name}.")
    db.session.execute(delete(site_tag).where(site_tag.c.tag_id == tag.id, site_tag.c.site_id.in_(id_list)))


@all_or_nothing
def apply(workspace_id: int, action: str, *, site_ids: Sequence[int] | None = None, f: SiteFilter | None = None,
          value: str = "", actor_id: int | None = None) -> int:
    """Run a bulk action and commit; returns how many sites it touched. BulkError when it cannot run."""
    if action not in ACTIONS:
        raise BulkError("Choose an action.")
    id_list = _selection(workspace_id, site_ids, f)
    affected = db.session.scalar(select(func.count()).select_from(id_list.subquery())) or 0
    if action in ("tag", "untag"):
        names = parse_tags(value)
        if len(names) != 1:
            raise BulkError("Type one tag name.")
        _tag(workspace_id, id_list, names[0], action == "tag")
    elif action == "owner":
        try:
            owner_id = check_owner(workspace_id, int(value) if value and value != "none" else None)
        except (SiteError, ValueError):
            raise BulkError("Choose an owner from this workspace.") from None
        db.session.execute(update(Site).where(Site.id.in_(id_list)).values(owner_id=owner_id, updated_at=utcnow())
                           .execution_options(synchronize_session=False))
        _record(workspace_id, id_list, "Owner changed (bulk action)", actor_id)
    else:
        if value not in SITE_STATUSES:
            raise BulkError("Choose a status.")
        changed = db.session.scalars(select(Site.id).where(Site.id.in_(id_list), Site.status != value)).all()
        db.session.execute(update(Site).where(Site.id.in_(id_list)).values(status=value, updated_at=utcnow())
                           .execution_options(synchronize_session=False))
        statuses.sites_changed(workspace_id, changed, value)
        _record(workspace_id, id_list, f"Status set to {STATUS_LABELS[value]} (bulk action)", actor_id)
    db.session.commit()
    return affected
