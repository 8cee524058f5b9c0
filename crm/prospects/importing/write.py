"""Carrying out an import plan with bulk statements, in the caller's one transaction (all or nothing).

Rows go in as plain dicts through bulkwrite (COPY on PostgreSQL, executemany on SQLite); sites come a part of
the plan at a time, and the file's links from the plan's on-disk spool a batch at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import bindparam, func, insert, select, update

from crm import bulkwrite
from crm.db import utcnow
from crm.extensions import db
from crm.links import importrows
from crm.prospects.importing.plan import CHUNK, Plan, SitePlan, chunks, split_name
from crm.prospects.importing.searchsync import SearchSync
from crm.prospects.models import SITE_METRIC_COLUMNS, Contact, Site, SiteMetric, SitePage, Tag, site_tag
from crm.timeline import Activity

WRITE_CHUNK = bulkwrite.WRITE_CHUNK
SQLITE_CACHE_KB = 64 * 1024  # enough for the indexes of a million rows' worth of links, within the memory goal
Progress = Callable[[str, int, int | None], None]


class _Counter:
    """Counts written rows against the plan's total for the progress display."""

    def __init__(self, total: int, progress: Progress | None) -> None:
        self.total, self.done, self.progress = max(total, 1), 0, progress

    def add(self, rows: int) -> None:
        """Count rows as written and report."""
        self.done += rows
        if self.progress is not None:
            self.progress("Writing", self.done, self.total)


def _uncounted(rows: int) -> None:
    """Rows a site brings along (metrics, pages, ...): progress counts the site itself."""


def _insert_rows(target, rows: list[dict], counter: _Counter | None, constants: dict | None = None) -> None:
    """Insert rows into a model's table (or a Table), counting them for the progress display when a counter is given."""
    bulkwrite.insert_rows(getattr(target, "__table__", target), rows, counter.add if counter else _uncounted,
                          constants)


def _backlinks(workspace_id: int, plan: Plan, site_ids: dict[str, int | None], now: datetime,
               counter: _Counter) -> int:
    """Track the spooled links the workspace does not track yet (through links' own service); how many were added."""
    if plan.spool is None or not plan.backlinks_count:  # a re-import: every link of the file is tracked already
        return 0
    batches = ([{"source_url": source, "source_domain": domain, "target_url": target,
                 "expected_anchor": (anchor or "")[:500], "site_id": site_ids.get(domain)}
                for _, domain, source, target, anchor in batch] for batch in plan.spool.batches())
    return importrows.track(workspace_id, batches, now, counter.add, none_tracked=not plan.backlinks_tracked)


def _new_sites(workspace_id: int, plans: list[SitePlan], now: datetime) -> None:
    """Insert the new sites and give their plans the new ids."""
    empty = dict.fromkeys(SITE_METRIC_COLUMNS)
    rows = [{"domain": p.record.domain, "name": p.name or "", "homepage": p.homepage or "", **empty, **p.columns,
             "custom_fields": p.custom} for p in plans]
    _insert_rows(Site, rows, None, {"workspace_id": workspace_id, "status": "active", "notes": "", "created_at": now,
                                  "updated_at": now})
    ids: dict[str, int] = {}
    if db.session.connection().dialect.name == "postgresql" and len(plans) > 5 * CHUNK:
        # Rows copied in this transaction are not in the planner's statistics, so PostgreSQL would scan the table
        # for each IN list: one pass over the workspace is cheaper. SQLite answers IN lists from the index.
        query = select(Site.domain, Site.id).where(Site.workspace_id == workspace_id)
        ids.update(db.session.execute(query).all())
    else:
        for part in chunks([p.record.domain for p in plans]):
            query = select(Site.domain, Site.id).where(Site.workspace_id == workspace_id, Site.domain.in_(part))
            ids.update(db.session.execute(query).all())
    for p in plans:
        p.site_id = ids[p.record.domain]


def _site_updates(plans: list[SitePlan], now: datetime) -> None:
    """Update changed columns of existing sites, one executemany per set of changed columns."""
    groups: dict[tuple[str, ...], list[dict]] = {}
    for p in plans:
        values = dict(p.columns)
        if p.name:
            values["name"] = p.name
        if p.homepage:
            values["homepage"] = p.homepage
        if p.custom is not None:
            values["custom_fields"] = p.custom
        values["updated_at"] = now
        row = {"_id": p.site_id, **{f"_{k}": v for k, v in values.items()}}
        groups.setdefault(tuple(sorted(values)), []).append(row)
    table = Site.__table__
    for keys, rows in groups.items():
        statement = update(table).where(table.c.id == bindparam("_id")).values({k: bindparam(f"_{k}") for k in keys})
        for part in chunks(rows, WRITE_CHUNK):
            db.session.connection().execute(statement, part)


def _contact_updates(updates: list[tuple[int, dict]], now: datetime) -> None:
    """Complete known contacts: one executemany per set of columns filled in, not one statement per contact."""
    groups: dict[tuple[str, ...], list[dict]] = {}
    for contact_id, changes in updates:
        groups.setdefault(tuple(sorted(changes)), []).append(
            {"_id": contact_id, "_updated_at": now, **{f"_{k}": v for k, v in changes.items()}})
    table = Contact.__table__
    for keys, rows in groups.items():
        statement = update(table).where(table.c.id == bindparam("_id")).values(
            {k: bindparam(f"_{k}") for k in (*keys, "updated_at")})
        for part in chunks(rows, WRITE_CHUNK):
            db.session.connection().execute(statement, part)


def _contact_custom(contact) -> dict | None:
    """A new contact's custom values: the email finder's confidence and the file's custom fields."""
    values = dict(contact.custom)
    if contact.confidence is not None:
        values.setdefault("confidence", contact.confidence)
    return values or None


def _tags(workspace_id: int, plans: list[SitePlan]) -> int:
    """Create missing tags and attach them; returns how many tags were attached."""
    names = {n.lower(): n for p in plans for n in p.tags_new}
    if not names:
        return 0
    ids: dict[str, int] = {}
    for part in chunks(list(names)):
        query = select(func.lower(Tag.name), Tag.id).where(Tag.workspace_id == workspace_id,
                                                          func.lower(Tag.name).in_(part))
        ids.update(db.session.execute(query).all())
    missing = [{"workspace_id": workspace_id, "name": names[key]} for key in names if key not in ids]
    if missing:
        db.session.connection().execute(insert(Tag.__table__), missing)
        query = select(func.lower(Tag.name), Tag.id).where(Tag.workspace_id == workspace_id)
        ids.update(db.session.execute(query).all())
    pairs = [{"site_id": p.site_id, "tag_id": ids[n.lower()]} for p in plans for n in p.tags_new]
    _insert_rows(site_tag, pairs, None)
    return len(pairs)


class Writer:
    """Writes an import plan part by part, then the file's links; counts units (sites, links) for the progress bar."""

    def __init__(self, workspace_id: int, plan: Plan, *, create_backlinks: bool, label: str, source_key: str,
                 actor_id: int | None = None, progress: Progress | None = None) -> None:
        self.workspace_id, self.plan, self.create_backlinks = workspace_id, plan, create_backlinks
        self.label, self.source_key, self.actor_id = label, source_key, actor_id
        self.now = utcnow()
        total = len(plan.parsed.prospects) + (plan.backlinks_count if create_backlinks else 0)
        self.counter = _Counter(total, progress)
        self.site_ids: dict[str, int | None] = {}  # domain -> site id, for the links written last
        self.written = dict.fromkeys(("sites_new", "sites_updated", "tags", "contacts", "metrics", "pages"), 0)
        self.connection = db.session.connection()
        if self.connection.dialect.name == "sqlite":
            # The backlink and site indexes outgrow SQLite's default 2 MB page cache within a few thousand rows,
            # after which every insert rereads index pages; a larger cache for this connection keeps writes linear.
            self.connection.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_CACHE_KB}")
        self.search = SearchSync(self.connection)

    def sites(self, part: list[SitePlan]) -> None:
        """Write one part of the plan: its new and changed sites with their metrics, pages, tags and contacts."""
        workspace_id, now, measured_at = self.workspace_id, self.now, self.plan.measured_at
        new = [p for p in part if p.action == "new"]
        changed = [p for p in part if p.action == "update"]
        touched = new + changed
        _new_sites(workspace_id, new, now)
        _site_updates(changed, now)
        self.written["tags"] += _tags(workspace_id, touched)
        _insert_rows(SiteMetric, ({"site_id": p.site_id, "name": name, "source": source, "value": value}
                                  for p in touched for name, source, value in p.metrics_new),
                     None, {"workspace_id": workspace_id, "measured_at": measured_at})
        metric_updates = [{"_id": i, "_value": v} for p in changed for i, v in p.metrics_update]
        if metric_updates:
            table = SiteMetric.__table__
            statement = update(table).where(table.c.id == bindparam("_id")).values(value=bindparam("_value"))
            db.session.connection().execute(statement, metric_updates)
        _insert_rows(SitePage, ({"site_id": p.site_id, "url": url, "title": p.record.page_titles.get(url, "")}
                                for p in touched for url in p.pages_new),
                     None, {"workspace_id": workspace_id, "source": self.source_key[:40], "first_seen_at": now})
        contacts = []
        for p in touched:
            for c in p.contacts_new:
                first, last = split_name(c)
                contacts.append({
                    "site_id": p.site_id, "email": c.email.lower(), "first_name": first, "last_name": last,
                    "position": c.position[:150], "is_role_address": c.is_role, "linkedin_url": c.linkedin,
                    "twitter": c.twitter, "email_verification": c.verification,
                    "custom_fields": _contact_custom(c)})
        _insert_rows(Contact, contacts, None, {"workspace_id": workspace_id, "found_on": "", "status": "ok",
                                               "source": f"import:{self.source_key}"[:40], "timezone": "",
                                               "created_at": now, "updated_at": now})
        _contact_updates([u for p in changed for u in p.contacts_update], now)
        label = self.label
        _insert_rows(Activity, [
            {"site_id": p.site_id, "summary": (f"Added from {label}" if p.action == "new"
                                               else f"Updated from {label}: " + "; ".join(p.reasons))[:2000]}
            for p in touched], None, {"workspace_id": workspace_id, "kind": "imported", "actor_id": self.actor_id,
                                      "happened_at": now})
        self.search.refresh([p.site_id for p in touched])
        self.site_ids.update((p.record.domain, p.site_id) for p in part)
        written = self.written
        written["sites_new"] += len(new)
        written["sites_updated"] += len(changed)
        written["contacts"] += len(contacts)
        written["metrics"] += sum(len(p.metrics_new) for p in touched) + len(metric_updates)
        written["pages"] += sum(len(p.pages_new) for p in touched)
        self.counter.add(len(part))

    def finish(self) -> dict[str, int]:
        """Write the file's links (when asked to track them); counts of the rows written. Not committed."""
        self.search.finish()
        backlinks = (_backlinks(self.workspace_id, self.plan, self.site_ids, self.now, self.counter)
                     if self.create_backlinks else 0)
        if self.connection.dialect.name == "sqlite":
            self.connection.exec_driver_sql("PRAGMA cache_size = -2000")  # SQLite's default, for the pooled connection
        return {**self.written, "backlinks": backlinks}
