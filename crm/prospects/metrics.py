"""Dated site metrics: a value as it was on a date, a site's history, hand-entered values, the newest-value columns."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select

from crm import timeline
from crm.db import all_or_nothing
from crm.extensions import db
from crm.prospects.importing.formats import METRICS
from crm.prospects.models import METRIC_COLUMN, SITE_METRIC_COLUMNS, Site, SiteMetric

# The metrics people enter by hand or filter on, in the order the site page shows them.
SHOWN_FIRST = ("dr", "da", "tf", "cf", "as", "traffic", "ref_domains", "spam")
SOURCES = ("ahrefs", "moz", "semrush", "majestic", "gsc", "manual")


class MetricError(ValueError):
    """A metric value that cannot be recorded; the message says why."""


@dataclass(frozen=True)
class Reading:
    """One metric's value, where it came from and when it was measured."""

    name: str
    value: float
    source: str
    measured_at: datetime


def label(name: str) -> str:
    """A metric's human name ("dr" -> "Domain Rating")."""
    return METRICS.get(name, (name.replace("_", " ").capitalize(), ""))[0]


def column_for(name: str) -> str | None:
    """The site column holding a metric's newest value, if it has one."""
    column = METRIC_COLUMN.get(name, name)
    return column if column in SITE_METRIC_COLUMNS else None


def _as_aware(when: datetime | date) -> datetime:
    """Dates mean the end of that day (UTC): a value measured that day counts as known on it."""
    if isinstance(when, datetime):
        return when if when.tzinfo else when.replace(tzinfo=UTC)
    return datetime(when.year, when.month, when.day, 23, 59, 59, tzinfo=UTC)


def metric_at(site_id: int, name: str, when: datetime | date, source: str | None = None) -> Reading | None:
    """The value a site's metric had at a moment (the newest measurement not after it), or None if unknown then."""
    query = (
        select(SiteMetric)
        .where(SiteMetric.site_id == site_id, SiteMetric.name == name, SiteMetric.measured_at <= _as_aware(when))
        .order_by(SiteMetric.measured_at.desc(), SiteMetric.id.desc())
        .limit(1)
    )
    if source is not None:
        query = query.where(SiteMetric.source == source)
    row = db.session.scalar(query)
    return Reading(row.name, row.value, row.source, row.measured_at) if row else None


def metrics_at(site_ids: Iterable[int], names: Iterable[str], when: datetime | date) -> dict[tuple[int, str], Reading]:
    """metric_at for many sites and metrics in one query: {(site_id, name): Reading}."""
    ids, wanted, moment = list(site_ids), list(names), _as_aware(when)
    found: dict[tuple[int, str], Reading] = {}
    if not ids or not wanted:
        return found
    query = (
        select(SiteMetric)
        .where(SiteMetric.site_id.in_(ids), SiteMetric.name.in_(wanted), SiteMetric.measured_at <= moment)
        .order_by(SiteMetric.measured_at, SiteMetric.id)
    )
    for row in db.session.scalars(query):  # oldest first: the newest overwrites
        found[(row.site_id, row.name)] = Reading(row.name, row.value, row.source, row.measured_at)
    return found


def history(site_id: int) -> dict[str, list[SiteMetric]]:
    """A site's measurements by metric, newest first; the usual metrics first, then the rest by name."""
    query = select(SiteMetric).where(SiteMetric.site_id == site_id)
    rows = db.session.scalars(query.order_by(SiteMetric.measured_at.desc(), SiteMetric.id.desc()))
    grouped: dict[str, list[SiteMetric]] = defaultdict(list)
    for row in rows:
        grouped[row.name].append(row)
    order = {name: i for i, name in enumerate(SHOWN_FIRST)}
    return dict(sorted(grouped.items(), key=lambda item: (order.get(item[0], len(order)), item[0])))


def refresh_columns(site: Site) -> None:
    """Set a site's newest-value columns from its measurements (after a merge or a hand-entered value).

    Columns of metrics the site has no measurement of are left as they are.
    """
    newest: dict[str, SiteMetric] = {}
    query = select(SiteMetric).where(SiteMetric.site_id == site.id).order_by(SiteMetric.measured_at, SiteMetric.id)
    for row in db.session.scalars(query):  # oldest first: the newest overwrites
        newest[row.name] = row
    for name, row in newest.items():
        column = column_for(name)
        if column is not None:
            setattr(site, column, row.value)


@all_or_nothing
def record(site: Site, name: str, value: float, source: str, measured_on: date, actor_id: int | None) -> SiteMetric:
    """Record a measurement by hand (replacing one of the same metric, source and day) and commit."""
    name = name.strip().lower()
    if name not in METRICS:
        raise MetricError(f"'{name}' is not a metric we know.")
    if source not in SOURCES:
        raise MetricError(f"'{source}' is not a metric source we know.")
    if value != value or value in (float("inf"), float("-inf")) or value < 0:
        raise MetricError("A metric value must be a number of zero or more.")
    measured_at = datetime(measured_on.year, measured_on.month, measured_on.day, tzinfo=UTC)
    row = db.session.scalar(select(SiteMetric).where(
        SiteMetric.site_id == site.id, SiteMetric.name == name, SiteMetric.source == source,
        SiteMetric.measured_at == measured_at))
    if row is None:
        row = SiteMetric(workspace_id=site.workspace_id, site_id=site.id, name=name, source=source,
                         measured_at=measured_at, value=value)
        db.session.add(row)
    else:
        row.value = value
    db.session.flush()
    refresh_columns(site)
    timeline.record(site.workspace_id, "metric", f"{label(name)} {value:g} ({source}, {measured_on.isoformat()})",
                    site_id=site.id, actor_id=actor_id)
    db.session.commit()
    return row
