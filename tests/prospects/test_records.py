"""Rows become sites, metrics, contacts and backlinks; bad rows are reported by number; a site appears once."""

from __future__ import annotations

from datetime import date

import pytest

from crm.prospects.importing.cells import parse_date, parse_number
from crm.prospects.importing.map import read_export
from tests.prospects.samples import build_csv, sample_bytes, sample_table
from tests.prospects.support import csv_bytes


def _sites(name: str) -> dict:
    parsed = read_export(sample_bytes(name))
    return {p.domain: p for p in parsed.prospects}


def test_ahrefs_backlinks_become_links_and_sites_with_domain_rating():
    parsed = read_export(sample_bytes("ahrefs-backlinks-v3.csv"))
    assert parsed.encoding == "utf-16-le" and parsed.delimiter == "\t"
    sites = {p.domain: p for p in parsed.prospects}
    assert set(sites) == {"spokewise.com", "pedalpost.org", "chainline.net", "velocollege.edu"}
    # blog.spokewise.com (DR 58) and list.spokewise.com (DR 9) are one site; its strongest figure wins.
    assert sites["spokewise.com"].metrics == {"dr": 58.0, "traffic": 9100.0}
    assert sites["spokewise.com"].hosts == ["blog.spokewise.com", "list.spokewise.com"]
    assert sites["spokewise.com"].rows == [2, 6]
    assert sites["velocollege.edu"].metric_sources == {"dr": "ahrefs", "traffic": "ahrefs"}
    assert sites["velocollege.edu"].page_urls == ["https://www.velocollege.edu/library/cycling-links.html"]

    links = {b.source_url: b for b in parsed.backlinks}
    assert len(links) == 6
    forum = links["https://forum.pedalpost.org/threads/creaky-bottom-bracket/5521"]
    assert (forum.target_url, forum.anchor, forum.rel) == ("https://ourshop.example/", "ourshop.example", ("ugc",))
    assert (forum.first_seen, forum.last_seen, forum.lost) == (date(2023, 10, 21), date(2025, 7, 2), False)
    assert forum.metrics["ur"] == 7.0 and forum.metrics["traffic"] == 22.0
    assert forum.source_title == "Creaky bottom bracket help"
    assert forum.in_content is True
    news = links["https://news.chainline.net/best-bike-shops-2025"]
    assert news.rel == ("sponsored",) and news.nofollow is False
    directory = links["https://list.spokewise.com/bike-shops?page=7"]
    assert directory.lost and directory.lost_at == date(2025, 3, 18)
    assert directory.metrics["is_spam"] == 1.0
    assert directory.extra["Drop reason"] == "page not found"
    image = links["https://photos.pedalpost.org/albums/wheel-builds"]
    assert (image.link_type, image.anchor, image.rel) == ("image", None, ("nofollow",))


def test_ahrefs_referring_domains_add_up_links_across_subdomains():
    sites = _sites("ahrefs-refdomains-v3.csv")
    example = sites["spokewise.com"]
    assert example.metrics["dr"] == 58.0
    assert example.metrics["is_spam"] == 1.0  # list.spokewise.com is flagged: the cautious reading wins
    assert example.metrics["links_to_target"] == 3 + 9
    assert sites["velocollege.edu"].metrics["ref_domains_dofollow"] == 7600.0
    assert sites["chainline.net"].metrics["traffic"] == 87000.0  # the header is "Traffic " with a trailing space


def test_ahrefs_batch_analysis_gives_site_metrics():
    sites = _sites("ahrefs-batch-analysis.csv")
    assert sites["velocollege.edu"].metrics == {
        "ur": 55.0, "dr": 74.0, "ahrefs_rank": 91230.0, "ref_domains": 7600.0, "ref_domains_dofollow": 6900.0,
        "linked_domains": 390.0, "backlinks": 231000.0, "keywords": 9800.0, "traffic": 43000.0,
        "ref_domains_edu": 342.0, "ref_domains_gov": 37.0, "ref_ips": 6100.0, "ref_subnets": 5000.0,
        "backlinks_nofollow": 28000.0,
    }  # fmt: skip
    assert sites["spokewise.com"].hosts == ["spokewise.com", "shop.spokewise.com"]


def test_semrush_exports():
    parsed = read_export(sample_bytes("semrush-backlinks.csv"))
    links = {b.source_url: b for b in parsed.backlinks}
    forum = links["https://forum.pedalpost.org/threads/creaky-bottom-bracket/5521"]
    assert forum.rel == ("nofollow", "ugc") and forum.metrics["as"] == 16.0
    assert links["https://photos.pedalpost.org/albums/wheel-builds"].link_type == "image"
    assert links["https://blog.spokewise.com/truing-stands/"].link_type == "text"
    assert links["https://list.spokewise.com/bike-shops?page=7"].lost is True
    assert all(p.metrics == {} for p in parsed.prospects)  # page scores belong to pages, not to sites
    sites = _sites("semrush-refdomains.csv")
    assert sites["chainline.net"].metrics == {"as": 60.0, "links_to_target": 1.0}
    assert sites["chainline.net"].metric_sources == {"as": "semrush", "links_to_target": "semrush"}


def test_moz_exports():
    parsed = read_export(sample_bytes("moz-inbound-links-ose-2016.csv"))
    sites = {p.domain: p for p in parsed.prospects}
    assert sites["chainline.net"].metrics == {"da": 67.0, "ref_domains": 4900.0, "spam_flags": 1.0}
    links = {b.source_url: b for b in parsed.backlinks}
    assert links["https://forum.pedalpost.org/threads/creaky-bottom-bracket/5521"].nofollow is True
    assert links["https://blog.spokewise.com/truing-stands/"].nofollow is False
    assert links["https://www.velocollege.edu/library/cycling-links.html"].link_type == "redirect"
    assert links["https://blog.spokewise.com/truing-stands/"].metrics == {"pa": 35.0, "ref_domains": 10.0}
    domains = _sites("moz-linking-domains-unverified.csv")
    assert domains["spokewise.com"].metrics["spam"] == 8.0  # "8%" of list.spokewise.com, the worse of two
    college = domains["velocollege.edu"]
    assert college.metrics == {"da": 71.0, "ref_domains": 7900.0, "links_to_target": 2.0, "spam": 0.0}


def test_majestic_flags_are_empty_unless_set():
    parsed = read_export(sample_bytes("majestic-backlinks-download.csv"))
    links = {b.source_url: b for b in parsed.backlinks}
    assert links["https://forum.pedalpost.org/threads/creaky-bottom-bracket/5521"].nofollow is True
    assert links["https://blog.spokewise.com/truing-stands/"].nofollow is False
    assert links["https://blog.spokewise.com/truing-stands/"].metrics == {"cf": 22.0, "tf": 17.0}
    assert links["https://photos.pedalpost.org/albums/wheel-builds"].link_type == "image"
    assert links["https://www.velocollege.edu/library/cycling-links.html"].link_type == "redirect"
    old = links["https://list.spokewise.com/bike-shops?page=7"]
    assert old.lost is True and old.first_seen == date(2023, 4, 25) and old.last_seen == date(2025, 3, 11)


def test_search_console_exports():
    parsed = read_export(sample_bytes("gsc-latest-links.csv"))
    assert parsed.encoding == "utf-8-sig"
    assert [(b.domain, b.last_seen) for b in parsed.backlinks][:2] == [
        ("chainline.net", date(2025, 7, 4)),
        ("spokewise.com", date(2025, 7, 2)),
    ]
    sites = _sites("gsc-top-linking-sites.csv")
    assert sites["spokewise.com"].metrics == {"links_to_target": 3 + 1875, "target_pages": 9.0}
    assert sites["spokewise.com"].metric_sources["links_to_target"] == "gsc"


def test_outreach_tool_imports_carry_contacts_and_names():
    sites = _sites("pitchbox-partner-import.csv")
    blog = sites["spokewise.com"]
    # Two rows for the same partner and contact: one site, one contact.
    assert blog.rows == [2, 3] and blog.tags == ["Cycling"] and blog.name == "Spokewise Media"
    assert [(c.email, c.name, c.first_name, c.is_role) for c in blog.contacts] == [
        ("mara.quill@spokewise.com", "Mara Quill", "Mara", False)
    ]
    assert [(c.email, c.is_role) for c in sites["chainline.net"].contacts] == [("editor@chainline.net", True)]
    buzz = read_export(sample_bytes("buzzstream-link-partners-import-legacy.csv"))
    assert {p.domain: p.name for p in buzz.prospects}["velocollege.edu"] == "Velo College"
    assert len(buzz.backlinks) == 5 and buzz.backlinks[0].anchor == "the wheel truing guide"


def test_hunter_contacts_keep_confidence_and_role_flags():
    (site,) = read_export(sample_bytes("hunter-domain-search-unverified.csv")).prospects
    assert site.domain == "cranksmith.com" and site.name == "Cranksmith Media"
    contacts = {c.email: c for c in site.contacts}
    assert contacts["olga.finch@cranksmith.com"].position == "Editor"
    assert contacts["olga.finch@cranksmith.com"].confidence == 95.0
    assert contacts["press@cranksmith.com"].is_role and contacts["hello@cranksmith.com"].is_role
    assert not contacts["d.reyes@cranksmith.com"].is_role


def test_bad_rows_are_reported_by_number_and_the_rest_imported():
    header, rows, _ = sample_table("pitchbox-partner-import.csv")
    rows = [list(r) for r in rows]
    rows[1][0] = "ht!tp://bad url"  # file row 3
    rows[2][2] = "editor@@chainline.net"  # file row 4
    rows[3][0] = "https://192.168.0.10/"  # file row 5: an IP has no registrable domain
    rows.append(["", "News", "", "Ann", "", "", "", "", ""])  # file row 7: nothing names a site
    rows.append(["https://a.example.io", "", "", "", "", "", "", "1", "follow", "extra cell"])  # row 8
    parsed = read_export(build_csv(header, rows).encode("utf-8"))
    errors = {e.row: e for e in parsed.errors}
    assert sorted(errors) == [3, 4, 5, 7, 8]
    assert errors[3].column == "Partner URL" and "'ht!tp://bad url' is not a valid URL" in errors[3].message
    assert errors[4].column == "Contact Email" and "'editor@@chainline.net' is not a valid email" in errors[4].message
    assert "'192.168.0.10' has no registrable domain" in errors[5].message
    assert errors[7].message == "The row has no site URL, domain or email address."
    assert "10 cells but the header has 9 columns" in errors[8].message
    assert [p.domain for p in parsed.prospects] == ["spokewise.com", "velocollege.edu"]


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


def test_flag_cells_written_in_words_are_read_and_a_wrong_one_names_its_row():
    data = csv_bytes("Source URL,Target URL,Nofollow", "https://a-blog.com/post,https://mine.example/,Yes",
                     "https://b-blog.com/post,https://mine.example/,maybe", "https://c-blog.com/x,https://mine.example/,n/a")
    parsed = read_export(data, user_mapping={"Source URL": "source_url", "Target URL": "target_url",
                                             "Nofollow": "nofollow"})
    assert [(b.source_url, b.nofollow) for b in parsed.backlinks] == [("https://a-blog.com/post", True),
                                                                       ("https://c-blog.com/x", None)]
    assert [(e.row, e.column) for e in parsed.errors] == [(3, "Nofollow")]
