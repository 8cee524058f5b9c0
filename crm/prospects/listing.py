"""The sites list as queries: filtering, sorting, a capped count and one page, fast at 100,000 sites."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Select, String, and_, cast, exists, func, or_, select
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression

from crm.db import utcnow
from crm.extensions import db
from crm.prospects import search
from crm.prospects.filters import SiteFilter
from crm.prospects.models import Site, Tag, site_tag

COUNT_CAP = 10_000  # beyond this the list says "10,000+": counting every match would cost more than the page
WALK_THRESHOLD = 2_000  # matches from which a page is read along the sort index rather than sorted


def _unindexed(column):
    """The column as `+column`: the same value, but SQLite will not pick the column's index for the condition."""
    return UnaryExpression(column, operator=operators.custom_op("+"), type_=column.type)


def custom_condition(key: str, value: str, empty: bool):
    """Sites whose custom field `key` reads `value` (ignoring case), or is blank; JSON read on SQLite and PostgreSQL."""
    text = cast(Site.custom_fields[key].as_string(), String)
    if empty:
        return or_(Site.custom_fields.is_(None), text.is_(None), text == "")
    return func.lower(text) == value.lower()


def conditions(workspace_id: int, f: SiteFilter, *, counting: bool = False, walk_sort_index: bool = False,
               broad_search: bool = False, found: str | None = None) -> list:
    """The WHERE clauses of a filter (always scoped to the workspace).

    The clauses are written to steer SQLite's planner. A count starts from the tag's rows (IN); a page walks
    the sort column's index and checks the tag per site (EXISTS), stopping once the page is full. With
    walk_sort_index (the filter matches thousands of sites), the other columns' conditions are written so their
    indexes are not used: reading the sort index until a page is full beats sorting thousands of matches.
    Counting leaves out a search the count joins to its index (`count`); broad_search says the search matches
    more sites than a count reads, and `found` holds the ids a search's count read, as a JSON array (see
    crm.prospects.search).
    """
    dialect = db.session.get_bind().dialect.name
    sort_column = "last_contacted_at" if f.sort == "contacted" else f.sort

    def col(name: str):
        """A column to compare, hidden from the planner when walking another column's index."""
        attribute = getattr(Site, name)
        return _unindexed(attribute.expression) if walk_sort_index and name != sort_column else attribute

    where = [Site.workspace_id == workspace_id]
    if f.q and found is not None:
        where.append(search.among(found))
    elif f.q and not (counting and search.uses_index(f.q, dialect)):
        where.append(search.condition(workspace_id, f.q, dialect, broad=broad_search))
    if f.tag_id and counting:
        where.append(Site.id.in_(select(site_tag.c.site_id).where(site_tag.c.tag_id == f.tag_id)))
    elif f.tag_id:
        where.append(exists().where(site_tag.c.site_id == Site.id, site_tag.c.tag_id == f.tag_id))
    if f.status:
        where.append(col("status") == f.status)
    if f.owner == "none":
        where.append(col("owner_id").is_(None))
    elif f.owner:
        where.append(col("owner_id") == int(f.owner))
    for column, low, high in f.ranges:
        if low is not None:
            where.append(col(column) >= low)
        if high is not None:
            where.append(col(column) <= high)
    if f.custom_key:
        where.append(custom_condition(f.custom_key, f.custom_value, f.custom_empty))
    contacted = col("last_contacted_at")
    if f.contacted == "never":
        where.append(contacted.is_(None))
    elif f.contacted == "recent":
        where.append(contacted >= utcnow() - timedelta(days=f.days))
    elif f.contacted == "stale":
        where.append(or_(contacted.is_(None), contacted < utcnow() - timedelta(days=f.days)))
    return where


def _order(f: SiteFilter, dialect: str) -> list:
    """ORDER BY for a filter: sites without the value last, the id breaking ties (so pages never overlap)."""
    if f.sort == "domain":
        return [Site.domain.desc() if f.desc else Site.domain.asc()]
    if f.sort == "added":
        return [Site.id.desc() if f.desc else Site.id.asc()]
    column = Site.last_contacted_at if f.sort == "contacted" else getattr(Site, f.sort)
    if f.desc and dialect == "sqlite":
        # SQLite already puts NULL last when descending, and walks the (workspace, column) index backwards.
        return [column.desc(), Site.id.desc()]
    if f.desc:
        return [column.desc().nulls_last(), Site.id.desc()]
    return [column.is_(None), column.asc(), Site.id.asc()]


def matching(workspace_id: int, f: SiteFilter, *, walk_sort_index: bool = False) -> Select:
    """A select of the sites a filter matches, in its order (no paging)."""
    dialect = db.session.get_bind().dialect.name
    where = conditions(workspace_id, f, walk_sort_index=walk_sort_index and dialect == "sqlite")
    return select(Site).where(*where).order_by(*_order(f, dialect))


def matching_ids(workspace_id: int, f: SiteFilter) -> Select:
    """A select of the ids a filter matches (for bulk actions on everything shown)."""
    return select(Site.id).where(and_(*conditions(workspace_id, f)))


def _counted(workspace_id: int, f: SiteFilter, cap: int) -> Select:
    """The ids a count reads: at most `cap` + 1 matches, a search's straight from its index."""
    statement = select(Site.id)
    if f.q and search.uses_index(f.q, db.session.get_bind().dialect.name):
        statement = search.join_matches(statement, f.q)
    return statement.where(*conditions(workspace_id, f, counting=True)).limit(cap + 1)


def count(workspace_id: int, f: SiteFilter, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """How many sites match, counting at most `cap` + 1: (count, capped)."""
    n = db.session.scalar(select(func.count()).select_from(_counted(workspace_id, f, cap).subquery())) or 0
    return min(n, cap), n > cap


@dataclass
class Page:
    """One page of sites, shaped like Flask-SQLAlchemy's Pagination for the shared pager macro."""

    items: list[Site]
    page: int
    per_page: int
    counted: int
    capped: bool
    has_next: bool

    @property
    def total(self) -> str:
        """The number of matches as shown ("10,000+" when the count was capped)."""
        return f"{self.counted:,}+" if self.capped else f"{self.counted:,}"

    @property
    def pages(self) -> int:
        """Pages known to exist."""
        known = max(1, math.ceil(self.counted / self.per_page))
        return max(known, self.page + (1 if self.has_next else 0))

    @property
    def has_prev(self) -> bool:
        """True after the first page."""
        return self.page > 1

    @property
    def prev_num(self) -> int | None:
        """The previous page's number."""
        return self.page - 1 if self.page > 1 else None

    @property
    def next_num(self) -> int | None:
        """The next page's number, when there is one."""
        return self.page + 1 if self.has_next else None

    def iter_pages(self, left_edge=1, left_current=2, right_current=2, right_edge=1) -> Iterator[int | None]:
        """Page numbers around the current one with gaps (None), as Pagination.iter_pages gives them."""
        last = 0
        for number in range(1, self.pages + 1):
            if (number <= left_edge or self.page - left_current <= number <= self.page + right_current
                    or number > self.pages - right_edge):
                if last + 1 != number:
                    yield None
                yield number
                last = number


def _rows(workspace_id: int, f: SiteFilter, walk: bool, broad: bool, found: str | None, offset: int,
          limit: int) -> list[Site]:
    """One page in the filter's order, sites without the sort value last.

    Sorting on a metric, the sites that have it and those that do not are read by two queries, each along an
    index, instead of one "ORDER BY value IS NULL, value" that no index can serve.
    """
    dialect = db.session.get_bind().dialect.name
    if f.sort in ("domain", "added"):
        where = conditions(workspace_id, f, broad_search=broad, found=found)
        return list(db.session.scalars(select(Site).where(*where).order_by(*_order(f, dialect)).offset(
            offset).limit(limit)))
    column = Site.last_contacted_at if f.sort == "contacted" else getattr(Site, f.sort)
    base = select(Site).where(*conditions(workspace_id, f, walk_sort_index=walk and dialect == "sqlite",
                                          broad_search=broad, found=found))
    order = (lambda c: c.desc()) if f.desc else (lambda c: c.asc())
    known = base.where(column.is_not(None)).order_by(order(column), order(Site.id))
    rows = list(db.session.scalars(known.offset(offset).limit(limit)))
    if len(rows) == limit:
        return rows
    if rows:
        skip = 0  # the sites with a value end on this page
    else:
        with_value = select(func.count()).select_from(known.with_only_columns(Site.id).order_by(None).subquery())
        skip = offset - (db.session.scalar(with_value) or 0)
    unknown = base.where(column.is_(None)).order_by(order(Site.id)).offset(max(skip, 0)).limit(limit - len(rows))
    return rows + list(db.session.scalars(unknown))


def page_of(workspace_id: int, f: SiteFilter, cap: int = COUNT_CAP) -> Page:
    """The page of sites a filter asks for, with a count capped at `cap`."""
    offset = (f.page - 1) * f.per_page
    found = None
    if f.q and search.uses_index(f.q, db.session.get_bind().dialect.name):
        inner = _counted(workspace_id, f, cap).subquery()
        n, ids = db.session.execute(select(func.count(), func.json_group_array(inner.c.id)).select_from(inner)).one()
        counted, capped = min(n, cap), n > cap
        found = None if capped else ids  # every match, as a JSON array: the page sorts them rather than search again
    else:
        counted, capped = count(workspace_id, f, cap)
    # Many matches: walk the sort column's index; few: let the ranges' indexes find them and sort those.
    walk = f.sort not in ("domain", "added") and counted >= WALK_THRESHOLD
    # A search matching more sites than the count reads fills a page within the first few hundred sites.
    rows = _rows(workspace_id, f, walk, capped, found, offset, f.per_page + 1)
    has_next = len(rows) > f.per_page
    if not capped and counted < offset + min(len(rows), f.per_page):  # a site arrived between the two queries
        counted = offset + min(len(rows), f.per_page)
    return Page(rows[: f.per_page], f.page, f.per_page, counted, capped, has_next)


def tags_for(site_ids: Iterable[int]) -> dict[int, list[Tag]]:
    """The tags of several sites in one query: {site_id: [Tag, ...]} sorted by name."""
    ids = list(site_ids)
    found: dict[int, list[Tag]] = defaultdict(list)
    if not ids:
        return found
    query = select(site_tag.c.site_id, Tag).join(Tag, Tag.id == site_tag.c.tag_id).where(
        site_tag.c.site_id.in_(ids)).order_by(Tag.name)
    for site_id, tag in db.session.execute(query):
        found[site_id].append(tag)
    return found


def workspace_tags(workspace_id: int) -> list[Tag]:
    """The workspace's tags by name."""
    return list(db.session.scalars(select(Tag).where(Tag.workspace_id == workspace_id).order_by(Tag.name)))
