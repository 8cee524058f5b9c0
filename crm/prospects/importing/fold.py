"""The importer's pass over a file: rows spilled to disk by site, then folded into site records a bucket at a time.

A million-row backlinks export names a quarter of a million sites, each seen on a few rows. Holding every site's
record (pages, titles, metrics) until the end would grow memory with the file, so each row's mapped facts go to
one of BUCKETS temporary files chosen by its site; all rows of a site land in the same bucket, in file order.
Each bucket is then folded on its own: its sites' records are built, its links go to the spool (repeats are
found by their full keys, exactly, since a repeat has the same page and so the same site), and the folded records
go back to disk, sorted by first row. The records are then read back in file order, merging the buckets.

What depends on the file as a whole is settled during the one pass, in file order: the per-row report (the first
MAX_LISTED rows in detail, the rest counted) and which site an address seen on several sites belongs to.
"""

from __future__ import annotations

import heapq
import pickle
from collections.abc import Callable, Iterable, Iterator, Sequence
from operator import attrgetter
from typing import Any

from crm.prospects.importing.columns import RowPlan
from crm.prospects.importing.detect import Detection
from crm.prospects.importing.map import (
    PROGRESS_EVERY,
    ParsedFile,
    ProspectRecord,
    RowError,
    _add_row,
    _contact,
    _fill_contact,
    _identify,
)
from crm.prospects.importing.spool import TITLE_MAX, BacklinkSpool
from crm.spill import Run

BUCKETS = 32  # about 30,000 rows a bucket for a million-row file
MAX_LISTED = 200  # rows the report lists in detail; the rest are counted
# The mapped facts a site record is folded from (dates and the link's own details are not needed here).
_KEPT = frozenset({"site_name", "tags", "site_custom", "site_metrics", "email", "contact_name", "first_name",
                   "last_name", "position", "email_type", "confidence", "verification", "linkedin", "twitter",
                   "contact_custom"})


class FoldedSites:
    """The file's site records, on disk by bucket, read back in file order (the order of their first rows)."""

    def __init__(self) -> None:
        self._runs: list[Run] = []
        self.domains: set[str] = set()

    def add_bucket(self, run: Run, records: Iterable[ProspectRecord]) -> None:
        """One folded bucket's records, into a (cleared) run."""
        run.clear(pickle)
        for record in sorted(records, key=attrgetter("row")):
            self.domains.add(record.domain)
            run.add(record)
        run.spill()  # the next buckets are folded with none of this one's records in memory
        self._runs.append(run)

    def __len__(self) -> int:
        return len(self.domains)

    def __iter__(self) -> Iterator[ProspectRecord]:
        return heapq.merge(*self._runs, key=attrgetter("row"))

    def close(self) -> None:
        """Delete the temporary files."""
        for run in self._runs:
            run.close()


class _Report:
    """The per-row report: the first MAX_LISTED rows with problems in detail, the others counted."""

    def __init__(self, parsed: ParsedFile) -> None:
        self.parsed, self.listed = parsed, 0

    def error(self, found: Sequence[RowError]) -> None:
        """One row's problems (it is skipped)."""
        if self.listed < MAX_LISTED:
            self.listed += 1
            self.parsed.errors.extend(found)
        else:
            self.parsed.errors_unlisted += 1

    def note(self, note: RowError) -> None:
        """Something worth knowing about a row that is kept."""
        if len(self.parsed.notes) < MAX_LISTED:
            self.parsed.notes.append(note)


def _spilled(got: dict[str, Any], owners: dict, domain: str, row: int, report: _Report) -> dict[str, Any]:
    """The facts of one row that its site's record is folded from, as plain values; its link as a tuple."""
    kept = {key: value for key, value in got.items() if key in _KEPT}
    page = got.get("source_url") or got.get("site_url")
    if page is not None:
        kept["source_url"] = (page[0],)  # the page alone: its host is known already
    email = kept.get("email")
    if email is not None:
        key = email.lower()
        owner = owners.setdefault(key, (domain, row))
        if owner[0] != domain:
            # One address belongs to one contact; the first site it came with keeps it.
            report.note(RowError(row, f"{email} is already listed for {owner[0]} (row {owner[1]}); kept there."))
            del kept["email"]
    if "source_url" in got:
        target = got.get("target_url")
        lost = bool(got.get("lost")) or got.get("lost_at") is not None
        kept["link"] = (got["source_url"][0], target[0] if target else None, got.get("anchor"),
                        got.get("source_title"), lost)
    return kept


def _fold(bucket: Run, source: str, spool: BacklinkSpool) -> tuple[dict[str, ProspectRecord], int]:
    """The site records of one bucket's rows, its links into the spool; and how many rows repeated another."""
    sites: dict[str, ProspectRecord] = {}
    contacts: dict[str, Any] = {}
    duplicates = 0
    spool.new_group()
    for row, host, domain, got in bucket:
        site = sites.get(domain)
        if site is None:
            site = sites[domain] = ProspectRecord(domain=domain, row=row)
        _add_row(site, host, row, got, source, False)
        email = got.get("email")
        if email is not None:
            contact, key = _contact(email, row, got), email.lower()
            known = contacts.get(key)
            if known is None:
                contacts[key] = contact
                site.contacts.append(contact)
            else:
                _fill_contact(known, contact)
        link = got.get("link")
        if link is not None:
            page, target, anchor, title, lost = link
            if not spool.add(row, domain, page, target, anchor, lost):
                duplicates += 1
            elif title and page not in site.page_titles and page in site.page_urls:
                site.page_titles[page] = title[:TITLE_MAX]
    return sites, duplicates


def fold_rows(rows: Iterable[tuple[int, Sequence[str]]], detection: Detection, raw_headers: Sequence[str],
              spool: BacklinkSpool, progress: Callable[[int], None] | None = None) -> ParsedFile:
    """Map (row number, cells) pairs into site records kept on disk (parsed.prospects) and links in the spool."""
    plan = RowPlan(detection, raw_headers)
    parsed = ParsedFile(detection, "", "", 0, tuple(raw_headers))
    report, width = _Report(parsed), len(raw_headers)
    buckets = [Run() for _ in range(BUCKETS)]
    owners: dict[str, tuple[str, int]] = {}  # lower-cased email -> (domain, row) of its first row
    for row, cells in rows:
        parsed.rows_read += 1
        if progress is not None and not parsed.rows_read % PROGRESS_EVERY:
            progress(parsed.rows_read)
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            report.error([RowError(row, f"The row has {len(cells)} cells but the header has {width} columns.")])
            continue
        got, problems = plan.read(cells)
        if problems:
            report.error([RowError(row, message, column) for column, message in problems])
            continue
        found: list[RowError] = []
        identity = _identify(row, got, found)
        if identity is None:
            report.error(found)
            continue
        host, domain = identity
        buckets[hash(domain) % BUCKETS].add((row, host, domain, _spilled(got, owners, domain, row, report)))
    owners.clear()
    sites = FoldedSites()
    spool.keep(sites)
    for bucket in buckets:
        folded, duplicates = _fold(bucket, plan.source, spool)
        parsed.duplicates += duplicates
        sites.add_bucket(bucket, folded.values())
    parsed.prospects = sites  # type: ignore[assignment] - a sized iterable in file order, not a list
    return parsed
