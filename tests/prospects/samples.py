"""The project's own SEO-tool sample exports (tests/fixtures/seo-exports), and ways to rewrite them for tests."""

from __future__ import annotations

import csv
import io
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "seo-exports"

# Each sample file and the format it must be recognised as.
EXPECTED_FORMATS = {
    "ahrefs-backlinks-v3.csv": "ahrefs_backlinks",
    "ahrefs-refdomains-v3.csv": "ahrefs_refdomains",
    "ahrefs-batch-analysis.csv": "ahrefs_batch_analysis",
    "semrush-backlinks.csv": "semrush_backlinks",
    "semrush-refdomains.csv": "semrush_refdomains",
    "moz-inbound-links-ose-2016.csv": "moz_inbound_links",
    "moz-linking-domains-unverified.csv": "moz_linking_domains",
    "majestic-backlinks-download.csv": "majestic_backlinks",
    "gsc-latest-links.csv": "gsc_latest_links",
    "gsc-top-linking-sites.csv": "gsc_top_linking_sites",
    "pitchbox-partner-import.csv": "pitchbox_partners",
    "buzzstream-link-partners-import-legacy.csv": "buzzstream_link_partners",
    "hunter-domain-search-unverified.csv": "hunter_domain_search",
}


def sample_bytes(name: str) -> bytes:
    """A sample file exactly as stored."""
    return (SAMPLES / name).read_bytes()


def sample_text(name: str) -> str:
    """A sample's text, whatever its encoding (UTF-16 with BOM for Ahrefs, UTF-8 with or without BOM else)."""
    data = sample_bytes(name)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    return data.decode("utf-8-sig")


def sample_table(name: str) -> tuple[list[str], list[list[str]], str]:
    """A sample as (header, rows, delimiter)."""
    text = sample_text(name)
    delimiter = "\t" if "\t" in text.splitlines()[0] else ","
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    return rows[0], [r for r in rows[1:] if r], delimiter


def build_csv(header: list[str], rows: list[list[str]], delimiter: str = ",", preamble: list[str] = ()) -> str:
    """Write a table back as CSV text, optionally with title lines above the header."""
    out = io.StringIO(newline="")
    for line in preamble:
        out.write(line + "\r\n")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()
