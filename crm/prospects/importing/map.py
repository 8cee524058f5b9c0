"""Rows of a recognised export as canonical records: sites with dated metrics, contacts and backlinks."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, BinaryIO

from crm.prospects.emails import is_freemail, is_role_address
from crm.prospects.importing.cells import site_of
from crm.prospects.importing.columns import RowPlan
from crm.prospects.importing.detect import Detection, apply_mapping, detect, is_header_row
from crm.prospects.importing.formats import METRICS
from crm.prospects.importing.limits import ImportFileError, Limits
from crm.prospects.importing.read import open_table

if TYPE_CHECKING:
    from crm.prospects.importing.spool import BacklinkSpool

MAX_PAGES_PER_SITE = 50  # enough to show where a site links from; the backlinks keep every page
PROGRESS_EVERY = 5000  # rows between two progress reports


@dataclass(slots=True)
class ContactRecord:
    """A person (or shared inbox) at a prospect site."""

    email: str  # normalised; compare case-insensitively
    name: str = ""
    first_name: str = ""
    last_name: str = ""
    position: str = ""
    is_role: bool = False
    confidence: float | None = None  # an email finder's 0-100 score, when the file has one
    verification: str = ""  # the email finder's verdict: valid, accept_all, unknown, invalid, ...
    linkedin: str = ""  # profile address
    twitter: str = ""  # handle, without @
    custom: dict[str, str] = field(default_factory=dict)  # custom field key -> text from the file
    found_on: str | None = None  # the page it was found on, for discovered addresses
    row: int = 0


@dataclass(slots=True)
class ProspectRecord:
    """One site (its registrable domain is its identity) with everything the file said about it."""

    domain: str
    row: int  # first row it appeared on
    hosts: list[str] = field(default_factory=list)  # host names seen, e.g. blog.example.com
    page_urls: list[str] = field(default_factory=list)  # pages seen, at most MAX_PAGES_PER_SITE
    name: str = ""
    tags: list[str] = field(default_factory=list)
    metrics: dict[str, float] = field(default_factory=dict)  # product vocabulary: dr, da, tf, cf, as, traffic, ...
    metric_sources: dict[str, str] = field(default_factory=dict)  # same keys: ahrefs, moz, semrush, majestic, ...
    contacts: list[ContactRecord] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)  # every row merged into this site
    page_titles: dict[str, str] = field(default_factory=dict)  # page URL -> title, from the importer's link rows
    extra: dict[str, str] = field(default_factory=dict)  # the first row's cells of the columns not imported
    custom: dict[str, str] = field(default_factory=dict)  # custom field key -> text, first non-empty cell wins


@dataclass(slots=True)
class BacklinkRecord:
    """A link from a page on a prospect site to one of the user's pages, as the export saw it."""

    row: int
    domain: str  # registrable domain of the linking page
    source_url: str
    target_url: str | None = None
    anchor: str | None = None
    source_title: str | None = None
    link_type: str | None = None  # text, image, redirect, frame, form, ...
    nofollow: bool | None = None  # None when the export does not say
    ugc: bool | None = None
    sponsored: bool | None = None
    in_content: bool | None = None
    lost: bool = False
    first_seen: date | None = None
    last_seen: date | None = None
    lost_at: date | None = None
    metrics: dict[str, float] = field(default_factory=dict)  # of the linking page: ur, pa, as, tf, cf, traffic, ...
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def rel(self) -> tuple[str, ...]:
        """The rel tokens the export reported, lower-case ("nofollow", "ugc", "sponsored")."""
        flags = (("nofollow", self.nofollow), ("ugc", self.ugc), ("sponsored", self.sponsored))
        return tuple(token for token, on in flags if on)


@dataclass(frozen=True, slots=True)
class RowError:
    """A problem with one row (the row is skipped), or a note about it (the row is kept)."""

    row: int
    message: str
    column: str | None = None  # the column as the file names it, when one cell is at fault


@dataclass
class ParsedFile:
    """Everything read from one upload: the detection and the deduplicated records, or what stopped them."""

    detection: Detection
    encoding: str
    delimiter: str
    header_line: int
    headers: tuple[str, ...]  # as written in the file
    prospects: list[ProspectRecord] = field(default_factory=list)
    backlinks: list[BacklinkRecord] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)  # rows skipped
    errors_unlisted: int = 0  # rows skipped beyond those the importer lists in errors
    notes: list[RowError] = field(default_factory=list)  # rows kept, with something worth knowing
    rows_read: int = 0
    duplicates: int = 0  # backlink rows repeating an earlier one exactly


def metric_source(name: str, file_source: str) -> str:
    """Which vendor a metric comes from: the file's vendor, or for hand-made lists the metric's own (DR → ahrefs)."""
    if file_source != "manual":
        return file_source
    return METRICS.get(name, ("", "manual"))[1]


# Counts of links to the user's site add up across a site's sub-domains; every other metric describes the
# site's strength (or spamminess), which is not additive.
ADDITIVE_METRICS = frozenset({"links_to_target"})


def _add_row(site: ProspectRecord, host: str, row: int, got: dict[str, Any], source: str, keep_row: bool) -> None:
    """Fold one row's facts about a site into its record (the first row of a domain starts it).

    Several rows about one site describe the same domain seen through different pages or sub-domains, so
    each metric keeps its largest value: authority and traffic belong to the strongest part of the site, and
    for spam metrics the largest is the cautious reading. Links to the user's site are the exception: rows
    from two sub-domains count different links, so they are added. The name keeps the first non-empty value;
    hosts, pages and tags are united in order.
    """
    if keep_row:
        site.rows.append(row)
    if host not in site.hosts and len(site.hosts) < MAX_PAGES_PER_SITE:
        site.hosts.append(host)
    page = got.get("source_url") or got.get("site_url")
    if page is not None and len(site.page_urls) < MAX_PAGES_PER_SITE and page[0] not in site.page_urls:
        site.page_urls.append(page[0])
    if not site.name:
        site.name = got.get("site_name", "")
    for tag in got.get("tags", ()):
        if tag not in site.tags:
            site.tags.append(tag)
    for key, text in got.get("site_custom", {}).items():
        site.custom.setdefault(key, text)
    metrics = site.metrics
    for name, value in got["site_metrics"].items():
        if name not in metrics:
            metrics[name] = value
            site.metric_sources[name] = metric_source(name, source)
        elif name in ADDITIVE_METRICS:
            metrics[name] += value
        elif value > metrics[name]:
            metrics[name] = value


def _contact(email: str, row: int, got: dict[str, Any]) -> ContactRecord:
    """The contact a row names."""
    first, last = got.get("first_name", ""), got.get("last_name", "")
    return ContactRecord(
        email=email,
        name=got.get("contact_name") or " ".join(p for p in (first, last) if p),
        first_name=first,
        last_name=last,
        position=got.get("position", ""),
        is_role=is_role_address(email) or got.get("email_type") == "generic",
        confidence=got.get("confidence"),
        verification=got.get("verification", ""),
        linkedin=got.get("linkedin", ""),
        twitter=got.get("twitter", ""),
        custom=got.get("contact_custom", {}),
        row=row,
    )


def _fill_contact(known: ContactRecord, contact: ContactRecord) -> None:
    """Complete a contact seen earlier with details a later row adds."""
    for attr in ("name", "first_name", "last_name", "position", "verification", "linkedin", "twitter"):
        if not getattr(known, attr):
            setattr(known, attr, getattr(contact, attr))
    for key, text in contact.custom.items():
        known.custom.setdefault(key, text)
    if known.confidence is None:
        known.confidence = contact.confidence


def _backlink(row: int, domain: str, got: dict[str, Any], extra: dict[str, str]) -> BacklinkRecord:
    """The link a backlink row describes."""
    target = got.get("target_url")
    return BacklinkRecord(
        row=row,
        domain=domain,
        source_url=got["source_url"][0],
        target_url=target[0] if target else None,
        anchor=got.get("anchor"),
        source_title=got.get("source_title"),
        link_type=got.get("link_type"),
        nofollow=got.get("nofollow"),
        ugc=got.get("ugc"),
        sponsored=got.get("sponsored"),
        in_content=got.get("in_content"),
        lost=bool(got.get("lost")) or got.get("lost_at") is not None,
        first_seen=got.get("first_seen"),
        last_seen=got.get("last_seen"),
        lost_at=got.get("lost_at"),
        metrics=got["page_metrics"],
        extra=extra,
    )


def _identify(row: int, got: dict[str, Any], errors: list[RowError]) -> tuple[str, str] | None:
    """The (host, registrable domain) a row is about, or None after recording why it has none."""
    email = got.get("email")
    page = got.get("source_url") or got.get("site_url")
    host = page[1] if page is not None else got.get("domain")
    if host is None and email is not None:
        email_domain = email.rpartition("@")[2]
        if is_freemail(email_domain):
            errors.append(RowError(row, f"{email} is a webmail address, so the row needs a site URL or domain."))
            return None
        host = email_domain
    if host is None:
        errors.append(RowError(row, "The row has no site URL, domain or email address."))
        return None
    try:
        return host, site_of(host)
    except ValueError as exc:
        errors.append(RowError(row, str(exc)))
        return None


def map_rows(
    rows: Iterable[tuple[int, Sequence[str]]],
    detection: Detection,
    raw_headers: Sequence[str],
    progress: Callable[[int], None] | None = None,
) -> ParsedFile:
    """Map (row number, cells) pairs with a detection into deduplicated records, collecting per-row errors.

    Everything stays in memory, with each row's unimported cells: for previews and tests of small files. The
    importer streams its files through fold.fold_rows instead.
    """
    plan = RowPlan(detection, raw_headers)
    parsed = ParsedFile(detection, "", "", 0, tuple(raw_headers))
    errors, width = parsed.errors, len(raw_headers)
    sites: dict[str, ProspectRecord] = {}
    contacts: dict[str, tuple[str, ContactRecord]] = {}  # lower-cased email -> (domain, contact)
    seen_links: set[tuple] = set()
    for row, cells in rows:
        parsed.rows_read += 1
        if progress is not None and not parsed.rows_read % PROGRESS_EVERY:
            progress(parsed.rows_read)
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            errors.append(RowError(row, f"The row has {len(cells)} cells but the header has {width} columns."))
            continue
        got, problems = plan.read(cells)
        if problems:
            errors.extend(RowError(row, message, column) for column, message in problems)
            continue
        identity = _identify(row, got, errors)
        if identity is None:
            continue
        host, domain = identity
        site = sites.get(domain)
        if site is None:
            site = sites[domain] = ProspectRecord(domain=domain, row=row, extra=plan.unimported(cells))
        _add_row(site, host, row, got, plan.source, True)
        email = got.get("email")
        if email is not None:
            contact, key = _contact(email, row, got), email.lower()
            owner = contacts.get(key)
            if owner is None:
                contacts[key] = (domain, contact)
                site.contacts.append(contact)
            elif owner[0] == domain:
                _fill_contact(owner[1], contact)
            else:
                # One address belongs to one contact; the first site it came with keeps it.
                parsed.notes.append(
                    RowError(row, f"{email} is already listed for {owner[0]} (row {owner[1].row}); kept there.")
                )
        if "source_url" in got:
            link = _backlink(row, domain, got, plan.unimported(cells))
            key = (link.source_url, link.target_url, link.anchor)
            if key in seen_links:
                parsed.duplicates += 1
            else:
                seen_links.add(key)
                parsed.backlinks.append(link)
    parsed.prospects = list(sites.values())
    return parsed


def _peek(rows: Iterator, count: int) -> tuple[list, Iterator]:
    """Read the first rows for content-based detection without losing them."""
    head = []
    for item in rows:
        head.append(item)
        if len(head) >= count:
            break

    def chained():
        """The peeked rows, then the rest."""
        yield from head
        yield from rows

    return head, chained()


def read_export(
    data: bytes | BinaryIO,
    *,
    user_mapping: Mapping[str, str | None] | None = None,
    limits: Limits | None = None,
    progress: Callable[[int], None] | None = None,
    spool: BacklinkSpool | None = None,
) -> ParsedFile:
    """Read an uploaded export end to end; ImportFileError for whole-file problems, row errors in the result.

    With a spool (the importer), the file is streamed: site records on disk, links in the spool (fold.py).
    """
    table = open_table(data, limits=limits, header_matcher=is_header_row)
    rows = table.rows()
    head, rows = _peek(rows, 10)
    detection = detect(table.raw_headers, [cells for _, cells in head])
    if user_mapping is not None:
        detection = apply_mapping(table.raw_headers, user_mapping, detection)
    if detection.format != "unknown" and detection.message and not detection.needs_mapping:
        raise ImportFileError(detection.message)
    if not detection.importable:
        # The caller shows the mapping step with these headers; no row is read.
        return ParsedFile(detection, table.encoding, table.delimiter, table.header_line, table.raw_headers)
    if spool is None:
        parsed = map_rows(rows, detection, table.raw_headers, progress)
    else:
        from crm.prospects.importing.fold import fold_rows  # fold builds on this module's record helpers

        parsed = fold_rows(rows, detection, table.raw_headers, spool, progress)
    parsed.encoding, parsed.delimiter, parsed.header_line = table.encoding, table.delimiter, table.header_line
    return parsed
