"""Recognising exports by their column names, whatever the tools did to the header, and the mapping step."""

from __future__ import annotations

import csv

import pytest

from crm.prospects.importing.detect import apply_mapping, detect
from crm.prospects.importing.limits import ImportFileError
from crm.prospects.importing.map import read_export
from tests.prospects.samples import EXPECTED_FORMATS, build_csv, sample_bytes, sample_table


@pytest.mark.parametrize(("name", "fmt"), EXPECTED_FORMATS.items())
def test_every_sample_is_recognised_from_its_header(name, fmt):
    header, _, _ = sample_table(name)
    detection = detect(header)
    assert detection.format == fmt
    assert detection.importable
    assert detection.confidence == 1.0  # every column of the sample is known


@pytest.mark.parametrize(("name", "fmt"), EXPECTED_FORMATS.items())
def test_every_sample_is_recognised_end_to_end(name, fmt):
    parsed = read_export(sample_bytes(name))
    assert parsed.detection.format == fmt
    assert parsed.errors == []
    assert parsed.prospects


VARIANTS = {
    "upper case": lambda h: [c.upper() for c in h],
    "lower case": lambda h: [c.lower() for c in h],
    "padded": lambda h: [f"  {c}   " for c in h],
    "trailing spaces": lambda h: [c + " " for c in h],
    "doubled inner spaces": lambda h: [c.replace(" ", "  ") for c in h],
    "non-breaking spaces": lambda h: [c.replace(" ", "\u00a0") for c in h],
    "sorted desc": lambda h: [f"{h[0]} (desc)", *h[1:]],
    "sorted arrow": lambda h: [*h[:-1], f"{h[-1]} \u2193"],
    "BOM remnant": lambda h: ["\ufeff" + h[0], *h[1:]],
}


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize(("name", "fmt"), EXPECTED_FORMATS.items())
def test_header_variants_keep_format_and_mapping(name, fmt, variant):
    header, _, _ = sample_table(name)
    expected = detect(header)
    detection = detect(VARIANTS[variant](header))
    assert detection.format == fmt
    assert sorted(detection.mapping.values()) == sorted(expected.mapping.values())


@pytest.mark.parametrize(("name", "fmt"), EXPECTED_FORMATS.items())
def test_reordered_columns_map_the_same_cells(name, fmt):
    header, rows, delimiter = sample_table(name)
    order = list(reversed(range(len(header))))
    shuffled = build_csv([header[i] for i in order], [[r[i] for i in order] for r in rows], delimiter)
    original, moved = read_export(sample_bytes(name)), read_export(shuffled.encode("utf-8"))
    assert moved.detection.format == fmt
    assert [(p.domain, p.metrics, p.contacts) for p in moved.prospects] == [
        (p.domain, p.metrics, p.contacts) for p in original.prospects
    ]
    assert [(b.source_url, b.anchor, b.nofollow) for b in moved.backlinks] == [
        (b.source_url, b.anchor, b.nofollow) for b in original.backlinks
    ]


@pytest.mark.parametrize(
    "name", ["semrush-backlinks.csv", "ahrefs-refdomains-v3.csv", "hunter-domain-search-unverified.csv"]
)
def test_preamble_lines_and_semicolons_do_not_hide_the_format(name):
    header, rows, _ = sample_table(name)
    text = build_csv(header, rows, ";", preamble=["Export of 2025-06-03", "Target: yoursite.example;all links"])
    parsed = read_export(text.encode("utf-8"))
    assert parsed.detection.format == EXPECTED_FORMATS[name]
    assert parsed.header_line == 3
    assert parsed.delimiter == ";"
    assert parsed.errors == []


def test_backlinks_and_referring_domains_are_told_apart_by_distinctive_columns():
    semrush_links, _, _ = sample_table("semrush-backlinks.csv")
    semrush_domains, _, _ = sample_table("semrush-refdomains.csv")
    # A backlinks export that also carries its referring domain's score is still a backlinks export.
    assert detect([*semrush_links, "Domain ascore", "Domain"]).format == "semrush_backlinks"
    assert detect(semrush_domains).format == "semrush_refdomains"
    ahrefs_links, _, _ = sample_table("ahrefs-backlinks-v3.csv")
    ahrefs_domains, _, _ = sample_table("ahrefs-refdomains-v3.csv")
    assert detect([*ahrefs_links, "DR", "Dofollow ref. domains", "Domain"]).format == "ahrefs_backlinks"
    assert detect(ahrefs_domains).format == "ahrefs_refdomains"
    # A hand-made list with Domain and DR has neither export's signature.
    assert detect(["Domain", "DR", "Traffic"]).format == "generic"


def test_older_variants_of_the_exports_are_recognised():
    ahrefs_v2 = next(
        csv.reader(
            [
                "#,Total Backlinks,Domain Rating,URL Rating,Referring Domains,Referring Page URL,Referring Page Title,"
                "Internal Links Count,External Links Count,Last HTTP Code,Link URL,TextPre,Link Anchor,TextPost,Type,"
                "Backlink Status,Found,Language,Traffic,Keywords,Js rendered,Linked Domains"
            ]
        )
    )
    assert detect(ahrefs_v2).format == "ahrefs_backlinks_v2"
    semrush_2020 = next(
        csv.reader(
            [
                "Page score,Page trust score,Source title,Source url,Target url,Anchor,External links,Internal links,"
                "Nofollow,Frame,Form,Image,Sitewide,First seen,Last seen"
            ]
        )
    )
    assert detect(semrush_2020).format == "semrush_backlinks"
    batch_2025 = ["Target", "Mode", "IP", "URL Rating", "Domain Rating", "Organic / Traffic", "Ref. domains / Followed"]
    detection = detect(batch_2025)
    assert detection.format == "ahrefs_batch_analysis"
    assert detection.mapping["ref. domains / followed"] == "site.ref_domains_dofollow"


def test_a_known_format_with_columns_left_out_says_which():
    header, _, _ = sample_table("ahrefs-backlinks-v3.csv")
    detection = detect([h for h in header if h not in ("UR", "Page traffic")])
    assert detection.format == "ahrefs_backlinks"
    assert set(detection.missing) == {"ur", "page traffic"}
    assert detection.importable


def test_unknown_files_ask_for_a_column_mapping():
    detection = detect(["Blogger", "Niche", "Price"])
    assert detection.format == "unknown"
    assert detection.needs_mapping and not detection.importable
    assert detection.headers == ("blogger", "niche", "price")
    assert "site_url" in detection.missing and "email" in detection.missing
    assert "We don't recognise this file's columns" in detection.message
    # Columns it could guess are offered to pre-fill the mapping step.
    assert detection.mapping == {"niche": "tags"}


def test_reading_an_unknown_file_returns_its_headers_for_the_mapping_step():
    parsed = read_export(b"Blogger,Where,Price\r\nAnn,https://ann.example.com/,50\r\n")
    assert parsed.detection.needs_mapping
    assert parsed.headers == ("Blogger", "Where", "Price")
    assert parsed.prospects == []


def test_a_users_mapping_imports_an_unknown_file():
    data = b"Blogger,Where,Price,Authority\r\nAnn,https://ann.example.com/,50,34\r\nBo,bo.example.org,40,\r\n"
    parsed = read_export(data, user_mapping={"Blogger": "contact_name", "Where": "site_url", "Authority": "site.dr"})
    assert parsed.detection.format == "custom"
    assert [(p.domain, p.metrics, p.metric_sources) for p in parsed.prospects] == [
        ("example.com", {"dr": 34.0}, {"dr": "ahrefs"}),
        ("example.org", {}, {}),
    ]
    assert parsed.prospects[0].extra == {"Price": "50"}


def test_apply_mapping_refuses_impossible_choices():
    headers = ["Blogger", "Where", "Mail", "Mail 2"]
    with pytest.raises(ValueError, match="no column named 'Nowhere'"):
        apply_mapping(headers, {"Nowhere": "site_url"})
    with pytest.raises(ValueError, match="'favourite colour' is not a field"):
        apply_mapping(headers, {"Where": "favourite colour"})
    with pytest.raises(ValueError, match="'Mail' and 'Mail 2' are both mapped to Email address"):
        apply_mapping(headers, {"Mail": "email", "Mail 2": "email"})
    without_site = apply_mapping(headers, {"Blogger": "contact_name", "Where": None})
    assert without_site.needs_mapping and "Choose which column holds the site" in without_site.message
    assert apply_mapping(headers, {"Mail": "email"}).kind == "contacts"


def test_translated_search_console_files_are_recognised_by_their_content():
    latest = "P\u00e1gina que enlaza,\u00daltimo rastreo\r\nhttps://blog.example.com/a,2025-05-30\r\n"
    parsed = read_export(latest.encode("utf-8-sig"))
    assert parsed.detection.format == "gsc_latest_links"
    assert parsed.backlinks[0].source_url == "https://blog.example.com/a"
    hebrew = "\u05d0\u05ea\u05e8,\u05d3\u05e4\u05d9\u05dd,\u05d9\u05e2\u05d3"
    sites = hebrew + '\r\nexample.edu,3,2\r\nnews.example.net,"1,240",1\r\n'
    parsed = read_export(sites.encode("utf-8"))
    assert parsed.detection.format == "gsc_top_linking_sites"
    assert {p.domain: p.metrics["links_to_target"] for p in parsed.prospects} == {"example.edu": 3, "example.net": 1240}


def test_search_consoles_own_pages_report_is_refused_with_a_reason():
    data = b"Target page,Incoming links,Linking sites\r\nhttps://yoursite.example/,120,14\r\n"
    with pytest.raises(ImportFileError, match="lists your own pages"):
        read_export(data)


@pytest.mark.parametrize(("name", "fmt"), EXPECTED_FORMATS.items())
def test_complete_samples_lack_nothing(name, fmt):
    header, _, _ = sample_table(name)
    assert detect(header).missing == ()
