"""What an import would change: the file's records compared with the workspace's sites, contacts and backlinks.

Reads only. The plan says, per site, whether it is new, updated (and with what) or skipped (and why); the
writer (write.py) carries it out and the preview shows it. Sites are planned in parts of PART_SITES, each
written (and forgotten) before the next is planned, so memory does not grow with what the plan holds per site.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Any

from sqlalchemy import func, select

from crm.extensions import db
from crm.links import importrows
from crm.prospects.importing.custom import CustomPlan, merged
from crm.prospects.importing.map import ContactRecord, ParsedFile, ProspectRecord
from crm.prospects.importing.spool import BacklinkSpool
from crm.prospects.metrics import label as metric_label
from crm.prospects.models import METRIC_COLUMN, SITE_METRIC_COLUMNS, Contact, Site, SiteMetric, SitePage, Tag, site_tag

CHUNK = 500  # ids or keys per IN (...) list
PART_SITES = 5000  # sites planned, then written, at a time
URL_MAX, TAG_MAX, NAME_MAX, TITLE_MAX = 2048, 60, 200, 500


@dataclass(slots=True)
class SitePlan:
    """One site of the file and what importing it changes."""

    record: ProspectRecord
    site_id: int | None = None  # None for a new site
    action: str = "new"  # new, update, skip
    reasons: list[str] = field(default_factory=list)
    name: str | None = None
    homepage: str | None = None
    columns: dict[str, float] = field(default_factory=dict)  # denormalised newest values to set
    metrics_new: list[tuple[str, str, float]] = field(default_factory=list)  # (name, source, value)
    metrics_update: list[tuple[int, float]] = field(default_factory=list)  # (site_metric id, value)
    pages_new: list[str] = field(default_factory=list)
    tags_new: list[str] = field(default_factory=list)
    contacts_new: list[ContactRecord] = field(default_factory=list)
    contacts_update: list[tuple[int, dict]] = field(default_factory=list)
    contacts_skipped: list[str] = field(default_factory=list)
    custom: dict | None = None  # the site's custom values to store (existing ones kept), None when unchanged


@dataclass
class Plan:
    """What an import would do with the file as a whole; its sites come part by part from parts()."""

    parsed: ParsedFile
    measured_at: datetime
    counts: dict[str, int] = field(default_factory=lambda: {"new": 0, "update": 0, "skip": 0})  # sites planned
    spool: BacklinkSpool | None = None  # the file's links, on disk
    backlinks_count: int = 0  # links the import could start tracking
    backlinks_tracked: int = 0  # links of the file the workspace tracks already
    backlinks_skipped: dict[str, int] = field(default_factory=dict)  # reason -> count
    custom: CustomPlan = field(default_factory=CustomPlan)  # the custom fields the file sets

    def count(self, action: str) -> int:
        """How many of the sites planned so far get this action."""
        return self.counts[action]


# Metrics that stand in for a list column when the file lacks the column's own metric: Ahrefs' referring-domains
# export counts only dofollow referring domains, and flags spam sites (yes = 100 on the 0-100 spam column).
STAND_INS = {"ref_domains_dofollow": ("ref_domains", 1.0), "is_spam": ("spam", 100.0)}


ACRONYMS = frozenset({"dr", "ur", "da", "pa", "tf", "cf", "as"})  # how marketers name these metrics anyway


def metric_words(name: str) -> str:
    """A metric as the preview names it: its usual acronym (DR, DA, TF) or its name in words."""
    return name.upper() if name in ACRONYMS else metric_label(name)


def column_values(metrics: dict[str, float]) -> Iterator[tuple[str, str, float]]:
    """(metric, site column, value) for the metrics of a record that the site list shows as columns."""
    for name, value in metrics.items():
        column = METRIC_COLUMN.get(name, name)
        if column in SITE_METRIC_COLUMNS:
            yield name, column, value
        elif name in STAND_INS and STAND_INS[name][0] not in metrics:
            yield name, STAND_INS[name][0], value * STAND_INS[name][1]


def chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    """Slices of a list, for IN lists and batched writes."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def fmt_value(value: float) -> str:
    """A metric value as people write it (no trailing .0)."""
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"


def homepage_for(record: ProspectRecord) -> str:
    """The site's front page: the scheme and host of its first page when that is the bare or www host."""
    fronts = tuple(f"{scheme}://{host}/" for host in (record.domain, "www." + record.domain)
                   for scheme in ("https", "http"))
    for url in record.page_urls:
        if url.startswith(fronts):  # one C call per page; which front only for the page that has one
            return next(front for front in fronts if url.startswith(front))
    return fronts[0]


def split_name(contact: ContactRecord) -> tuple[str, str]:
    """First and last name of a contact, splitting a full name when the file gave only that."""
    first, last = contact.first_name, contact.last_name
    if not first and not last and contact.name:
        first, _, last = contact.name.partition(" ")
    return first[:100], last[:100]


_SITE_FIELDS = (Site.id, Site.domain, Site.name, Site.homepage, Site.custom_fields,
                *(getattr(Site, c) for c in SITE_METRIC_COLUMNS))


def _site_ids(workspace_id: int, records: Collection[ProspectRecord]) -> dict[str, int] | None:
    """For a large file, the ids of the workspace's sites the file names, read in one pass (None for a small file).

    One pass over the workspace beats an IN list per few hundred domains (PostgreSQL scans each), and reading it
    once per import, not once per part, keeps a re-import of a million rows linear. Domains only: a few MB.
    """
    if len(records) <= 5 * CHUNK:
        return None
    wanted = getattr(records, "domains", None) or {r.domain for r in records}
    query = select(Site.domain, Site.id).where(Site.workspace_id == workspace_id)
    return {domain: site_id for domain, site_id in db.session.execute(query) if domain in wanted}


def _existing_sites(workspace_id: int, domains: list[str], known: dict[str, int] | None) -> dict[str, Any]:
    """The workspace's sites for these domains (plain rows: id, domain, name, homepage and metric columns)."""
    found: dict[str, Any] = {}
    if known is not None:  # the ids are known: read the rows by primary key
        for part in chunks([known[d] for d in domains if d in known]):
            query = select(*_SITE_FIELDS).where(Site.workspace_id == workspace_id, Site.id.in_(part))
            found.update((row.domain, row) for row in db.session.execute(query))
        return found
    for part in chunks(domains):
        query = select(*_SITE_FIELDS).where(Site.workspace_id == workspace_id, Site.domain.in_(part))
        found.update((row.domain, row) for row in db.session.execute(query))
    return found


def _grouped(query_for: Callable[[list[int]], Iterable], ids: list[int]) -> dict[int, list[tuple]]:
    """Rows of several IN-list queries as plain tuples, grouped by their first column (a site id)."""
    grouped: dict[int, list[tuple]] = defaultdict(list)
    connection = db.session.connection()  # Core rows: the ORM layer costs more than the query at 100,000 rows
    for part in chunks(ids):
        for row in connection.execute(query_for(part)):
            grouped[row[0]].append(tuple(row))
    return grouped


def _load_context(workspace_id: int, site_ids: list[int]) -> tuple[dict, dict, dict]:
    """Tags, pages and metrics (site_id, name, source, value, measured_at, id) of existing sites."""
    tags = _grouped(
        lambda ids: select(site_tag.c.site_id, Tag.name).join(Tag, Tag.id == site_tag.c.tag_id)
        .where(site_tag.c.site_id.in_(ids)), site_ids)  # fmt: skip
    pages = _grouped(lambda ids: select(SitePage.site_id, SitePage.url).where(SitePage.site_id.in_(ids)), site_ids)
    metrics = _grouped(
        lambda ids: select(SiteMetric.site_id, SiteMetric.name, SiteMetric.source, SiteMetric.value,
                           SiteMetric.measured_at, SiteMetric.id).where(SiteMetric.site_id.in_(ids)), site_ids)
    return tags, pages, metrics


def _existing_contacts(workspace_id: int, emails: list[str]) -> dict[str, Contact]:
    """The workspace's contacts with these (lower-cased) addresses."""
    found: dict[str, Contact] = {}
    for part in chunks(emails):
        query = select(Contact).where(Contact.workspace_id == workspace_id, func.lower(Contact.email).in_(part))
        found.update((c.email.lower(), c) for c in db.session.scalars(query))
    return found


def _plan_metrics(plan: SitePlan, history: list[tuple], measured_at: datetime) -> None:
    """New dated values, and the site columns to move, for one existing site."""
    series: dict[tuple[str, str], list[tuple]] = defaultdict(list)  # (name, source) -> [(when, value, id)]
    newest: dict[str, datetime] = {}
    for _, name, source, value, when, metric_id in history:
        series[(name, source)].append((when, value, metric_id))
        if name not in newest or when > newest[name]:
            newest[name] = when
    record = plan.record
    for name, value in record.metrics.items():
        source = record.metric_sources.get(name, "manual")
        same = series.get((name, source), ())
        at_date = next((h for h in same if h[0] == measured_at), None)
        earlier = [h for h in same if h[0] < measured_at]
        latest = max(earlier) if earlier else None
        if at_date is not None:
            if at_date[1] != value:
                plan.metrics_update.append((at_date[2], value))
                plan.reasons.append(f"{metric_words(name)} {fmt_value(at_date[1])} → {fmt_value(value)}")
        elif latest is None or latest[1] != value:
            plan.metrics_new.append((name, source, value))
            before = f"{fmt_value(latest[1])} → " if latest is not None else ""
            plan.reasons.append(f"{metric_words(name)} {before}{fmt_value(value)}")
    for name, column, value in column_values(record.metrics):
        if not (name in newest and newest[name] > measured_at):
            plan.columns[column] = value


def _plan_existing(plan: SitePlan, site: Any, tags: set[str], pages: set[str], history: list,
                   measured_at: datetime, extra_tags: tuple[str, ...]) -> None:
    """Compare one record with its existing site."""
    record = plan.record
    plan.site_id = site.id
    _plan_metrics(plan, history, measured_at)
    plan.columns = {k: v for k, v in plan.columns.items() if getattr(site, k) != v}
    if record.name and not site.name:
        plan.name = record.name[:NAME_MAX]
        plan.reasons.append("name added")
    if not site.homepage:
        plan.homepage = homepage_for(record)
    plan.pages_new = [u for u in record.page_urls if u not in pages and len(u) <= URL_MAX]
    if plan.pages_new:
        plan.reasons.append(f"{len(plan.pages_new)} new page(s)")
    lowered = {t.lower() for t in tags}
    plan.tags_new = _new_tags([*record.tags, *extra_tags], lowered)
    if plan.tags_new:
        plan.reasons.append("tagged " + ", ".join(plan.tags_new))


def _new_tags(names: Iterable[str], have: set[str]) -> list[str]:
    """Tag names not yet on a site, trimmed to the column size, without repeats (ignoring case)."""
    out: list[str] = []
    for name in names:
        name = name.strip()[:TAG_MAX]
        if name and name.lower() not in have:
            have.add(name.lower())
            out.append(name)
    return out


def _contact_changes(contact: ContactRecord, existing: Contact) -> dict:
    """The columns a known contact gets from the file: blanks filled, newer profiles, verdict and custom values."""
    first, last = split_name(contact)
    changes = {k: v for k, v in (("first_name", first), ("last_name", last), ("position", contact.position[:150]))
               if v and not getattr(existing, k)}
    for column, value in (("linkedin_url", contact.linkedin), ("twitter", contact.twitter),
                          ("email_verification", contact.verification)):
        if value and getattr(existing, column) != value:  # the file is the newer word; an empty cell changes nothing
            changes[column] = value
    custom = merged(existing.custom_fields, contact.custom)
    if custom is not None:
        changes["custom_fields"] = custom
    return changes


def _plan_contacts(plan: SitePlan, known: dict[str, Contact], domains_by_site: dict[int, str],
                   custom: CustomPlan) -> None:
    """New contacts, details for known ones, and addresses that belong to another site."""
    for contact in plan.record.contacts:
        contact.custom = custom.coerce("contact", contact.custom, contact.row) if contact.custom else {}
        existing = known.get(contact.email.lower())
        if existing is None:
            plan.contacts_new.append(contact)
            continue
        if plan.site_id is None or existing.site_id != plan.site_id:
            owner = domains_by_site.get(existing.site_id, "another site")
            plan.contacts_skipped.append(f"{contact.email.lower()} already belongs to {owner}")
            continue
        changes = _contact_changes(contact, existing)
        if changes:
            plan.contacts_update.append((existing.id, changes))
    if plan.contacts_new:
        plan.reasons.append(f"{len(plan.contacts_new)} new contact(s)")
    if plan.contacts_update:
        plan.reasons.append(f"{len(plan.contacts_update)} contact(s) completed")


def _plan_backlinks(plan: Plan, workspace_id: int) -> None:
    """How many of the file's links the import could track: the spooled ones the workspace does not track yet."""
    spool = plan.spool
    if spool is None:
        return
    skipped = dict(spool.skipped)
    def pairs():
        """The spooled links as (source, target) pairs, a batch at a time."""
        return ([(link[2], link[3]) for link in batch] for batch in spool.batches())

    tracked = importrows.count_tracked(workspace_id, pairs, spool.count)
    if tracked:
        skipped["already tracked"] = tracked
    plan.backlinks_count = spool.count - tracked
    plan.backlinks_tracked = tracked
    plan.backlinks_skipped = skipped


def build(workspace_id: int, parsed: ParsedFile, measured_at: datetime,
          spool: BacklinkSpool | None = None, custom: CustomPlan | None = None) -> Plan:
    """The file-wide part of the plan: which of the file's links (in the spool) the workspace does not track yet."""
    plan = Plan(parsed=parsed, measured_at=measured_at, spool=spool, custom=custom or CustomPlan())
    _plan_backlinks(plan, workspace_id)
    return plan


def parts(workspace_id: int, plan: Plan, extra_tags: tuple[str, ...] = (),
          size: int = PART_SITES) -> Iterator[list[SitePlan]]:
    """The file's sites compared with the workspace, PART_SITES at a time, in file order.

    Consumes the parsed records (a list, or the importer's records on disk): a caller that writes a part before
    asking for the next holds one part's plans at a time. Counts go into plan.counts.
    """
    records = plan.parsed.prospects
    known = _site_ids(workspace_id, records)
    for start, chunk in _consumed(records, size):
        part = _plan_part(workspace_id, chunk, plan.measured_at, extra_tags, plan.custom, known)
        for site_plan in part:
            plan.counts[site_plan.action] += 1
        yield part
        if isinstance(records, list):  # the records live on only in the plans given out
            records[start : start + len(part)] = [None] * len(part)


def _consumed(records: Iterable[ProspectRecord], size: int) -> Iterator[tuple[int, list[ProspectRecord]]]:
    """(position, slice) of the records, size at a time."""
    iterator, start = iter(records), 0
    while chunk := list(islice(iterator, size)):
        yield start, chunk
        start += len(chunk)


def _plan_custom(site_plan: SitePlan, site: Any, custom: CustomPlan) -> None:
    """The site's custom values from the file, over the ones it has (an empty cell blanks nothing)."""
    record = site_plan.record
    values = custom.coerce("site", record.custom, record.row) if record.custom else {}
    if not values:
        return
    if site is None:
        site_plan.custom = values
        return
    site_plan.custom = merged(site.custom_fields, values)
    if site_plan.custom is not None:
        changed = [k for k, v in values.items() if (site.custom_fields or {}).get(k) != v]
        site_plan.reasons.append("custom fields " + ", ".join(changed))


def _plan_part(workspace_id: int, records: list[ProspectRecord], measured_at: datetime,
               extra_tags: tuple[str, ...], custom: CustomPlan, known: dict[str, int] | None) -> list[SitePlan]:
    """Compare some of the file's records (each a different site) with the workspace."""
    existing = _existing_sites(workspace_id, [r.domain for r in records], known)
    ids = [s.id for s in existing.values()]
    tags, pages, metrics = _load_context(workspace_id, ids)
    emails = sorted({c.email.lower() for r in records for c in r.contacts})
    known = _existing_contacts(workspace_id, emails)
    owner_ids = list({c.site_id for c in known.values()})
    domains_by_site = {s.id: s.domain for s in existing.values()}
    for part in chunks([i for i in owner_ids if i not in domains_by_site]):
        domains_by_site.update(db.session.execute(select(Site.id, Site.domain).where(Site.id.in_(part))).all())
    planned = []
    for record in records:
        site_plan = SitePlan(record=record)
        site = existing.get(record.domain)
        if site is None:
            site_plan.name = record.name[:NAME_MAX]
            site_plan.homepage = homepage_for(record)
            site_plan.pages_new = [u for u in record.page_urls if len(u) <= URL_MAX]
            site_plan.tags_new = _new_tags([*record.tags, *extra_tags], set())
            for name, value in record.metrics.items():
                site_plan.metrics_new.append((name, record.metric_sources.get(name, "manual"), value))
            site_plan.columns.update((column, value) for _, column, value in column_values(record.metrics))
        else:
            history = metrics.get(site.id, [])
            site_tags, site_pages = {r[1] for r in tags.get(site.id, ())}, {r[1] for r in pages.get(site.id, ())}
            _plan_existing(site_plan, site, site_tags, site_pages, history, measured_at, extra_tags)
        _plan_custom(site_plan, site, custom)
        _plan_contacts(site_plan, known, domains_by_site, custom)
        if site is not None:
            site_plan.action = "update" if site_plan.reasons else "skip"
            if not site_plan.reasons:
                site_plan.reasons.append("already in your list, nothing new")
            site_plan.reasons.extend(site_plan.contacts_skipped)
        planned.append(site_plan)
    return planned
