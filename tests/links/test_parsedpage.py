"""One parse per page: the quick sorting of hrefs by host agrees with resolving each one in full."""

from __future__ import annotations

import html

from hypothesis import given, settings
from hypothesis import strategies as st

from crm.links.pagefacts import read_page
from crm.links.parsedpage import ParsedPage, encode_query
from crm.links.verifier import verify
from crm.net.urls import join, site_of

from .pages import TARGET, article, make_page

_PIECES = ["https://", "http://", "HTTPS://", "//", "/", "\\", "www.", "shop.com", "blog.example.org", "news.example",
           "xn--bcher-kva.de", "bücher.de", "user@", ":443", ":8080", "127.0.0.1", "0x7f.1", "a", "../", "?q=1", "#x",
           "%2e", " ", "\t", "\n", "mailto:", "javascript:", "http:", "tel:+1", ".", "Shop.COM.", ":", "_", "1",
           "-", "ftp://"]
# Pieces of the hrefs most pages hold only, which the quick sorting reads without a URL parser.
_PLAIN = ["https://", "http://", "HTTPS://", "//", "/", "www.", "shop.com", "blog.example.org", "news.example",
          "example.org", "a", "?q=1", "#x", "mailto:", "javascript:", ":", "1", "-", "."]
_hrefs = st.lists(st.sampled_from(_PIECES), max_size=6).map("".join)
_plain_hrefs = st.lists(st.sampled_from(_PLAIN), max_size=5).map("".join)


def _page(hrefs: list[str], base: str = "") -> ParsedPage:
    links = "".join(f'<a href="{html.escape(h, quote=True)}">x</a>' for h in hrefs)
    head = f'<base href="{html.escape(base, quote=True)}">' if base else ""
    return ParsedPage.from_fetch(make_page(article(links, head=head)))


@settings(max_examples=300, deadline=None)
@given(st.lists(_hrefs | _plain_hrefs, max_size=12),
       st.sampled_from(["", "https://shop.com/x/", "/elsewhere/", "https://www.example.org/"]))
def test_quick_host_sorting_agrees_with_full_resolution(hrefs, base):
    parsed = _page(hrefs, base)
    own = site_of(parsed.final_url)
    expected, sites = 0, set()
    for href in parsed.hrefs:
        url = join(parsed.base_url, href)
        site = site_of(url) if url else None
        expected += site is not None and site != own
        if site is not None and site != own:
            sites.add(site)
    assert parsed.outbound == expected
    assert set(parsed.site_counts) == sites
    wanted = {"shop.com"}
    candidates = set(parsed.candidates(wanted))
    for index, href in enumerate(parsed.hrefs):
        url = join(parsed.base_url, href)
        if url and site_of(url) in wanted:
            assert index in candidates, href


def test_one_parse_serves_every_target_and_the_page_facts():
    other = "https://www.shop.com/trail-shoes"
    page = make_page(article(f'<p><a href="{TARGET}">road</a> and <a href="{other}">trail</a></p>'))
    parsed = ParsedPage.from_fetch(page)
    assert verify(page, TARGET, parsed=parsed).anchor_text == "road"
    assert verify(page, other, parsed=parsed).anchor_text == "trail"
    read = read_page(page, parsed)
    assert read.outbound_domains == 2  # shop.com and the sidebar's sponsor
    assert read == read_page(page)


def test_queries_are_encoded_in_the_documents_encoding():
    assert encode_query("/search?q=café#é", "cp1252") == "/search?q=caf%E9#é"
    assert encode_query("/café?q=é", "utf-8") == "/café?q=é"
    assert encode_query("/s?q=日本", "cp1252") == "/s?q=%26%2326085%3B%26%2326412%3B"


def test_the_verdict_counts_outbound_links_in_its_json_and_as_an_attribute():
    links = "".join(f'<a href="https://news{i}.example/story">n</a>' for i in range(3))
    page = make_page(article(f'<p><a href="{TARGET}">road</a> {links} <a href="/more">more</a>'
                             '<a href="https://cdn.example.org/x">own</a></p>'))
    verdict = verify(page, TARGET)
    # The target, three news sites and the sidebar's sponsor; the page's own site and relative links do not count.
    assert verdict.to_dict()["outbound_links"] == 5
    assert verdict.outbound_links == 5
    verdict.outbound_links = 7
    assert verdict.to_dict()["outbound_links"] == 7
    missing = verify(make_page(article(links)), TARGET)
    assert (missing.status, missing.outbound_links) == ("missing", 4)
