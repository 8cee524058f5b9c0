"""Rows become sites, metrics, contacts and backlinks; bad rows are reported by number; a site appears once."""

from __future__ import annotations

from datetime import date

import pytest

from crm.prospects.records import read_export
from crm.prospects.values import parse_date, parse_number
from tests.prospects.samples import build_csv, sample_bytes, sample_table


def _sites(name: str) -> dict:
    parsed = read_export(sample_bytes(name))
    return {p.domain: p for p in parsed.prospects}


def test_ahrefs_backlinks_become_links_and_sites_with_domain_rating():
    parsed = read_export(sample_bytes("ahrefs-backlinks-v3.csv"))
    assert parsed.encoding == "utf-16-le" and parsed.delimiter == "\t"
    sites = {p.domain: p for p in parsed.prospects}
    assert set(sites) == {"example.com", "example.org", "example.net", "example.edu"}
    # blog.example.com (DR 61) and directory.example.com (DR 12) are one site; its strongest figure wins.
    assert sites["example.com"].metrics == {"dr": 61.0, "traffic": 12400.0}
    assert sites["example.com"].hosts == ["blog.example.com", "directory.example.com"]
    assert sites["example.com"].rows == [2, 6]
    assert sites["example.edu"].metric_sources == {"dr": "ahrefs", "traffic": "ahrefs"}
    assert sites["example.edu"].page_urls == ["https://www.example.edu/resources/links.html"]

    links = {b.source_url: b for b in parsed.backlinks}
    assert len(links) == 6
    forum = links["https://forum.example.org/t/broken-widgets/8812"]
    assert (forum.target_url, forum.anchor, forum.rel) == ("https://yoursite.example/", "yoursite.example", ("ugc",))
    assert (forum.first_seen, forum.last_seen, forum.lost) == (date(2023, 11, 2), date(2025, 5, 29), False)
    assert forum.metrics["ur"] == 9.0 and forum.metrics["traffic"] == 15.0
    assert forum.source_title == "Community thread: broken widgets"
    assert forum.in_content is True
    news = links["https://news.example.net/best-widget-shops-2025"]
    assert news.rel == ("sponsored",) and news.nofollow is False
    directory = links["https://directory.example.com/widgets?page=4"]
    assert directory.lost and directory.lost_at == date(2025, 2, 17)
    assert directory.metrics["is_spam"] == 1.0
    assert directory.extra["Drop reason"] == "page 404"
    image = links["https://photos.example.org/gallery/widgets"]
    assert (image.link_type, image.anchor, image.rel) == ("image", None, ("nofollow",))


def test_ahrefs_referring_domains_add_up_links_across_subdomains():
    sites = _sites("ahrefs-refdomains-v3.csv")
    example = sites["example.com"]
    assert example.metrics["dr"] == 61.0
    assert example.metrics["is_spam"] == 1.0  # directory.example.com is flagged: the cautious reading wins
    assert example.metrics["links_to_target"] == 4 + 12
    assert sites["example.edu"].metrics["ref_domains_dofollow"] == 8800.0
    assert sites["example.net"].metrics["traffic"] == 98000.0  # the header is "Traffic " with a trailing space


def test_ahrefs_batch_analysis_gives_site_metrics():
    sites = _sites("ahrefs-batch-analysis.csv")
    assert sites["example.edu"].metrics == {
        "ur": 58.0, "dr": 77.0, "ahrefs_rank": 88012.0, "ref_domains": 8800.0, "ref_domains_dofollow": 7900.0,
        "linked_domains": 450.0, "backlinks": 250000.0, "keywords": 12000.0, "traffic": 56000.0,
    }  # fmt: skip
    assert sites["example.com"].hosts == ["example.com", "shop.example.com"]


def test_semrush_exports():
    parsed = read_export(sample_bytes("semrush-backlinks.csv"))
    links = {b.source_url: b for b in parsed.backlinks}
    forum = links["https://forum.example.org/t/broken-widgets/8812"]
    assert forum.rel == ("nofollow", "ugc") and forum.metrics["as"] == 18.0
    assert links["https://photos.example.org/gallery/widgets"].link_type == "image"
    assert links["https://blog.example.com/widget-tools/"].link_type == "text"
    assert links["https://directory.example.com/widgets?page=4"].lost is True
    assert all(p.metrics == {} for p in parsed.prospects)  # page scores belong to pages, not to sites
    sites = _sites("semrush-refdomains.csv")
    assert sites["example.net"].metrics == {"as": 62.0, "links_to_target": 1.0}
    assert sites["example.net"].metric_sources == {"as": "semrush", "links_to_target": "semrush"}


def test_moz_exports():
    parsed = read_export(sample_bytes("moz-inbound-links-ose-2016.csv"))
    sites = {p.domain: p for p in parsed.prospects}
    assert sites["example.net"].metrics == {"da": 70.0, "ref_domains": 5300.0, "spam_flags": 1.0}
    links = {b.source_url: b for b in parsed.backlinks}
    assert links["https://forum.example.org/t/broken-widgets/8812"].nofollow is True
    assert links["https://blog.example.com/widget-tools/"].nofollow is False
    assert links["https://www.example.edu/resources/links.html"].link_type == "redirect"
    assert links["https://blog.example.com/widget-tools/"].metrics == {"pa": 38.0, "ref_domains": 12.0}
    domains = _sites("moz-linking-domains-unverified.csv")
    assert domains["example.com"].metrics["spam"] == 9.0  # "9%" of directory.example.com, the worse of two
    assert domains["example.edu"].metrics == {"da": 74.0, "ref_domains": 8700.0, "links_to_target": 2.0, "spam": 0.0}


def test_majestic_flags_are_empty_unless_set():
    parsed = read_export(sample_bytes("majestic-backlinks-download.csv"))
    links = {b.source_url: b for b in parsed.backlinks}
    assert links["https://forum.example.org/t/broken-widgets/8812"].nofollow is True
    assert links["https://blog.example.com/widget-tools/"].nofollow is False
    assert links["https://blog.example.com/widget-tools/"].metrics == {"cf": 24.0, "tf": 19.0}
    assert links["https://photos.example.org/gallery/widgets"].link_type == "image"
    assert links["https://www.example.edu/resources/links.html"].link_type == "redirect"
    old = links["https://directory.example.com/widgets?page=4"]
    assert old.lost is True and old.first_seen == date(2023, 3, 17) and old.last_seen == date(2025, 2, 10)


def test_search_console_exports():
    parsed = read_export(sample_bytes("gsc-latest-links.csv"))
    assert parsed.encoding == "utf-8-sig"
    assert [(b.domain, b.last_seen) for b in parsed.backlinks][:2] == [
        ("example.net", date(2025, 6, 1)),
        ("example.com", date(2025, 5, 30)),
    ]
    sites = _sites("gsc-top-linking-sites.csv")
    assert sites["example.com"].metrics == {"links_to_target": 4 + 1240, "target_pages": 12.0}
    assert sites["example.com"].metric_sources["links_to_target"] == "gsc"


def test_outreach_tool_imports_carry_contacts_and_names():
    sites = _sites("pitchbox-partner-import.csv")
    blog = sites["example.com"]
    # Two rows for the same partner and contact: one site, one contact.
    assert blog.rows == [2, 3] and blog.tags == ["Home & Garden"] and blog.name == "Example Media"
    assert [(c.email, c.name, c.first_name, c.is_role) for c in blog.contacts] == [
        ("jane.roe@example.com", "Jane Roe", "Jane", False)
    ]
    assert [(c.email, c.is_role) for c in sites["example.net"].contacts] == [("editor@example.net", True)]
    buzz = read_export(sample_bytes("buzzstream-link-partners-import-legacy.csv"))
    assert {p.domain: p.name for p in buzz.prospects}["example.edu"] == "Example University"
    assert len(buzz.backlinks) == 5 and buzz.backlinks[0].anchor == "the widget repair guide"


def test_hunter_contacts_keep_confidence_and_role_flags():
    (site,) = read_export(sample_bytes("hunter-domain-search-unverified.csv")).prospects
    assert site.domain == "example.com" and site.name == "Example Media"
    contacts = {c.email: c for c in site.contacts}
    assert contacts["jane.roe@example.com"].position == "Editor"
    assert contacts["jane.roe@example.com"].confidence == 97.0
    assert contacts["partnerships@example.com"].is_role and contacts["info@example.com"].is_role
    assert not contacts["s.kim@example.com"].is_role


def test_bad_rows_are_reported_by_number_and_the_rest_imported():
    header, rows, _ = sample_table("pitchbox-partner-import.csv")
    rows = [list(r) for r in rows]
    rows[1][0] = "ht!tp://bad url"  # file row 3
    rows[2][2] = "editor@@example.net"  # file row 4
    rows[3][0] = "https://192.168.0.10/"  # file row 5: an IP has no registrable domain
    rows.append(["", "News", "", "Ann", "", "", "", "", ""])  # file row 7: nothing names a site
    rows.append(["https://a.example.io", "", "", "", "", "", "", "1", "follow", "extra cell"])  # row 8
    parsed = read_export(build_csv(header, rows).encode("utf-8"))
    errors = {e.row: e for e in parsed.errors}
    assert sorted(errors) == [3, 4, 5, 7, 8]
    assert errors[3].column == "Partner URL" and "'ht!tp://bad url' is not a valid URL" in errors[3].message
    assert errors[4].column == "Contact Email" and "'editor@@example.net' is not a valid email" in errors[4].message
    assert "'192.168.0.10' has no registrable domain" in errors[5].message
    assert errors[7].message == "The row has no site URL, domain or email address."
    assert "10 cells but the header has 9 columns" in errors[8].message
    assert [p.domain for p in parsed.prospects] == ["example.com", "example.edu"]


def test_bad_numbers_and_dates_name_their_column():
    header, rows, _ = sample_table("semrush-backlinks.csv")
    rows[0][0] = "sixty-two"
    rows[1][header.index("First seen")] = "31/31/2024"
    rows[2][0] = "n/a"  # missing, not an error
    parsed = read_export(build_csv(header, rows).encode("utf-8"))
    assert [(e.row, e.column) for e in parsed.errors] == [(2, "Page ascore"), (3, "First seen")]
    assert "'sixty-two' is not a number" in parsed.errors[0].message
    assert "'31/31/2024' is not a valid date" in parsed.errors[1].message
    assert [b.row for b in parsed.backlinks] == [4, 5, 6, 7]
    assert "as" not in parsed.backlinks[0].metrics


def test_an_email_listed_for_two_sites_stays_with_the_first():
    data = (
        b"Website,Email,Name\r\nhttps://a.example.com/,Jane@Example.com,\r\n"
        b"https://b.example.com/,jane@example.com,Jane Roe\r\nhttps://other.example.org/,JANE@example.com,\r\n"
    )
    parsed = read_export(data)
    (first, second) = parsed.prospects
    assert [c.email for c in first.contacts] == ["Jane@example.com"]
    assert first.contacts[0].name == "Jane Roe"  # a later row of the same site fills what was missing
    assert second.contacts == []
    assert parsed.notes[0].row == 4 and "already listed for example.com (row 2)" in parsed.notes[0].message


def test_a_contact_without_a_site_needs_a_work_address():
    data = b"Email,Name\r\njane@gmail.com,Jane\r\nbo@example.org,Bo\r\n"
    parsed = read_export(data)
    assert [p.domain for p in parsed.prospects] == ["example.org"]
    assert parsed.errors[0].row == 2 and "webmail address" in parsed.errors[0].message


def test_repeated_backlink_rows_are_counted_once():
    header, rows, delimiter = sample_table("majestic-backlinks-download.csv")
    parsed = read_export(build_csv(header, rows + rows[:2], delimiter).encode("utf-8"))
    assert len(parsed.backlinks) == 6 and parsed.duplicates == 2 and parsed.errors == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1,240", 1240.0), ("1.2K", 1200.0), ("3M", 3_000_000.0), ("2.5k", 2500.0), ("45%", 45.0), ("34.0", 34.0),
        ("1 240", 1240.0), ("0,5", 0.5), ("1.234,5", 1234.5), ("1,234.5", 1234.5), ("1.234.567", 1234567.0),
        ("-3", -3.0), ("", None), ("-", None), ("n/a", None), ("N/A", None), ("\u2014", None),
    ],
)  # fmt: skip
def test_numbers_as_exports_write_them(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["abc", "12abc", "1,2,3", "inf", "--5"])
def test_non_numbers_are_errors(text):
    with pytest.raises(ValueError, match="is not a number"):
        parse_number(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2024-02-11 08:14:52", date(2024, 2, 11)), ("2025-06-01", date(2025, 6, 1)),
        ("2025-06-01T10:00:00Z", date(2025, 6, 1)), ("03/01/2025", date(2025, 3, 1)),
        ("28/09/2026", date(2026, 9, 28)), ("Sep 15, 2026", date(2026, 9, 15)), ("15.09.2026", date(2026, 9, 15)),
        ("", None), ("-", None),
    ],
)  # fmt: skip
def test_dates_as_exports_write_them(text, value):
    assert parse_date(text) == value


def test_a_repeated_column_feeds_its_field_from_the_first_column():
    data = b"Domain,DR,DR\r\nexample.com,40,90\r\n"
    (site,) = read_export(data).prospects
    assert site.metrics == {"dr": 40.0}
    assert site.extra == {"DR": "90"}
