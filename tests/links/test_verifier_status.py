"""Every verdict status and reason, from the fetch result a marketer's link check produces."""

from __future__ import annotations

import json

import pytest

from crm.links.verifier import verify
from crm.net.result import Hop

from .pages import SOURCE, TARGET, article, make_page

LINK = f'<p>Good shoes help: see <a href="{TARGET}">best running shoes</a> before you start.</p>'


def test_live_link_in_content():
    verdict = verify(make_page(article(LINK)), TARGET)
    assert verdict.status == "live"
    assert verdict.found is True
    assert verdict.match == "exact"
    assert verdict.rel == []
    assert verdict.anchor_text == "best running shoes"
    assert verdict.placement == "content"
    assert verdict.indexable is True
    assert verdict.reasons == []
    assert verdict.http_status == 200
    assert verdict.final_url == SOURCE
    assert verdict.links_to_target == 1
    assert verdict.outbound_links == 2  # ours and the sidebar sponsor
    assert verdict.snippet == "Good shoes help: see best running shoes before you start."
    assert verdict.language == "en"


def test_to_dict_is_json_ready_with_the_cli_fields():
    data = verify(make_page(article(LINK)), TARGET).to_dict()
    json.dumps(data)
    for key in ("source_url", "target_url", "status", "found", "rel", "anchor_text", "http_status", "final_url",
                "indexable", "reasons", "placement", "outbound_links", "match", "links_to_target", "page_noindex",
                "page_nofollow", "robots_disallowed", "canonical", "canonical_elsewhere", "redirect_chain", "hidden",
                "snippet", "error"):
        assert key in data
    assert data["source_url"] == SOURCE and data["target_url"] == TARGET


def test_redirect_chain_is_recorded():
    redirects = [Hop("http://blog.example.org/guest-post", 301), Hop("https://blog.example.org/guest-post", 302)]
    page = make_page(article(LINK), url="http://blog.example.org/guest-post", final_url=SOURCE, redirects=redirects)
    verdict = verify(page, TARGET)
    assert verdict.status == "live"
    assert "redirected" in verdict.reasons
    assert verdict.source_url == "http://blog.example.org/guest-post"
    assert verdict.final_url == SOURCE
    assert verdict.redirect_chain == [
        {"url": "http://blog.example.org/guest-post", "status": 301},
        {"url": "https://blog.example.org/guest-post", "status": 302},
        {"url": SOURCE, "status": 200},
    ]


def test_missing_when_page_loads_without_our_link():
    verdict = verify(make_page(article("<p>No links at all here, sorry.</p>")), TARGET)
    assert verdict.status == "missing"
    assert verdict.found is False
    assert verdict.reasons == ["no_link"]
    assert verdict.indexable is True
    assert verdict.anchor_text is None
    assert verdict.links_to_target == 0


def test_wrong_target_when_linking_another_page_of_our_site():
    html = article('<p>See <a href="https://www.shop.com/trail-shoes/">trail shoes</a>.</p>')
    verdict = verify(make_page(html), TARGET)
    assert verdict.status == "wrong_target"
    assert verdict.found is False
    assert verdict.match == "same_domain"
    assert verdict.reasons == ["wrong_target"]
    assert verdict.link_url == "https://www.shop.com/trail-shoes/"
    assert verdict.anchor_text == "trail shoes"


@pytest.mark.parametrize(
    ("error", "reason"),
    [("timeout", "timeout"), ("connect", "connect_error"), ("dns", "dns_error"), ("too_large", "too_large"),
     ("content_type", "not_html")],
)
def test_fetch_failures_are_unverified_never_missing(error, reason):
    verdict = verify(make_page(b"", status=None, content_type=None, error=error, error_detail="boom"), TARGET)
    assert verdict.status == "unverified"
    assert verdict.reasons == [reason]
    assert verdict.error == error and verdict.error_detail == "boom"
    assert verdict.found is False and verdict.indexable is False


@pytest.mark.parametrize(
    ("status", "reason"), [(403, "http_403"), (429, "http_429"), (500, "http_5xx"), (503, "http_5xx"),
                           (408, "http_408")]
)
def test_walls_rate_limits_and_server_errors_are_unverified(status, reason):
    # Even when the error page happens to contain our link, the answer is "come back later".
    verdict = verify(make_page(article(LINK), status=status), TARGET)
    assert verdict.status == "unverified"
    assert verdict.reasons == [reason]
    assert verdict.http_status == status


@pytest.mark.parametrize(("status", "reason"), [(404, "http_404"), (410, "http_410"), (401, "http_4xx"),
                                                (451, "http_4xx"), (300, "http_3xx")])
def test_gone_pages_are_page_errors(status, reason):
    verdict = verify(make_page(article(LINK), status=status), TARGET)
    assert verdict.status == "page_error"
    assert verdict.reasons == [reason]
    assert verdict.found is False


@pytest.mark.parametrize(("error", "reason"), [("invalid_url", "invalid_url"), ("blocked_address", "blocked_address"),
                                               ("too_many_redirects", "too_many_redirects")])
def test_unusable_source_urls_are_page_errors(error, reason):
    verdict = verify(make_page(b"", status=None, content_type=None, error=error), TARGET)
    assert verdict.status == "page_error"
    assert verdict.reasons == [reason]


def test_not_html_response_is_unverified():
    verdict = verify(make_page(b"%PDF-1.7 ...", content_type="application/pdf"), TARGET)
    assert verdict.status == "unverified"
    assert verdict.reasons == ["not_html"]


def test_unchanged_page_on_conditional_get_is_unverified():
    verdict = verify(make_page(b"", status=304, not_modified=True), TARGET)
    assert verdict.status == "unverified"
    assert verdict.reasons == ["not_modified"]


@pytest.mark.parametrize(
    "html",
    ["<html><head><title>404 Not Found</title></head><body><h1>Oops</h1></body></html>",
     "<html><head><title>Blog</title></head><body><h1>Page not found</h1><p>Try search.</p></body></html>",
     "<html><head><title>Not Found</title></head><body></body></html>"],
)
def test_soft_404_is_a_page_error(html):
    verdict = verify(make_page(html), TARGET)
    assert verdict.status == "page_error"
    assert verdict.reasons == ["soft_404"]
    assert verdict.indexable is False


def test_an_article_about_something_not_found_is_not_a_soft_404():
    html = article("<p>Nothing here.</p>").replace("Ten ways to train for a marathon", "The keys I had not found")
    assert verify(make_page(html), TARGET).status == "missing"


def test_deep_page_redirected_to_home_page_is_a_soft_404():
    page = make_page("<html><body><h1>Welcome to our blog</h1></body></html>", final_url="https://blog.example.org/",
                     redirects=[Hop(SOURCE, 301)])
    verdict = verify(page, TARGET)
    assert verdict.status == "page_error"
    assert verdict.reasons == ["redirected", "soft_404"]


def test_hidden_link_is_reported():
    html = article(f'<div style="display:none"><a href="{TARGET}">shoes</a></div>')
    verdict = verify(make_page(html), TARGET)
    assert verdict.status == "live"
    assert verdict.hidden is True
    assert verdict.hidden_kind == "display_none"
    assert "hidden_link" in verdict.reasons


def test_noscript_only_link_is_missing():
    html = article(f'<noscript><p>Read <a href="{TARGET}">running shoes</a></p></noscript>')
    verdict = verify(make_page(html), TARGET)
    assert verdict.status == "missing"
    assert verdict.found is False
    assert verdict.reasons == ["noscript_only"]
    assert verdict.hidden_kind == "noscript"
    assert verdict.anchor_text == "running shoes"


def test_visible_link_beats_its_noscript_copy():
    html = article(f'<noscript><a href="{TARGET}">a</a></noscript><p><a href="{TARGET}">b</a></p>')
    verdict = verify(make_page(html), TARGET)
    assert verdict.status == "live"
    assert verdict.anchor_text == "b"
    assert verdict.links_to_target == 1


@pytest.mark.parametrize(
    ("expected", "mismatch"),
    [("best running shoes", False), ("  BEST   Running shoes ", False), ("“best running shoes”", False),
     ("cheap shoes", True), ("", True)],
)
def test_anchor_mismatch(expected, mismatch):
    verdict = verify(make_page(article(LINK)), TARGET, expected_anchor=expected)
    assert verdict.status == "live"
    assert ("anchor_mismatch" in verdict.reasons) is mismatch


@pytest.mark.parametrize(
    ("rel", "expected", "mismatch"),
    [("", "follow", False), ("nofollow", "dofollow", True), ("noopener", "", False), ("sponsored", "sponsored", False),
     ("sponsored nofollow", ["sponsored"], False), ("nofollow", "sponsored", True), ("", "ugc", True),
     ("ugc nofollow", "nofollow, ugc", False)],
)
def test_rel_mismatch(rel, expected, mismatch):
    verdict = verify(make_page(article(f'<p><a rel="{rel}" href="{TARGET}">x</a></p>')), TARGET, expected_rel=expected)
    assert ("rel_mismatch" in verdict.reasons) is mismatch


def test_meta_refresh_away_is_flagged():
    head = '<meta http-equiv="refresh" content="0; url=https://spam.example/">'
    verdict = verify(make_page(article(LINK, head=head)), TARGET)
    assert "meta_refresh" in verdict.reasons



@pytest.mark.parametrize("target", ["", "shop.com/running-shoes", "mailto:sales@shop.com", "https://"])
def test_a_target_we_cannot_read_is_unverified_not_missing(target):
    verdict = verify(make_page(article(LINK)), target)
    assert verdict.status == "unverified"
    assert verdict.reasons == ["invalid_target"]
