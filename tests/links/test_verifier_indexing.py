"""Robots directives, canonicals and rel values: when a present link is nofollow or its page not indexable."""

from __future__ import annotations

import pytest

from crm.links.verifier import verify

from .pages import SOURCE, TARGET, article, make_page

LINK = f'<p>Good shoes help: see <a href="{TARGET}">best running shoes</a> before you start.</p>'


@pytest.mark.parametrize(
    ("rel", "tokens", "reasons"),
    [
        (" NoFollow  noopener", ["nofollow", "noopener"], ["nofollow"]),
        ("SPONSORED", ["sponsored"], ["sponsored"]),
        ("ugc\tnofollow nofollow", ["nofollow", "ugc"], ["nofollow", "ugc"]),
        ("sponsored ugc nofollow", ["nofollow", "sponsored", "ugc"], ["nofollow", "sponsored", "ugc"]),
    ],
)
def test_nofollow_family_makes_live_nofollow(rel, tokens, reasons):
    html = article(f'<p>See <a rel="{rel}" href="{TARGET}">shoes</a>.</p>')
    verdict = verify(make_page(html), TARGET)
    assert verdict.status == "live_nofollow"
    assert verdict.found is True
    assert verdict.rel == tokens
    assert verdict.reasons == reasons


def test_harmless_rel_tokens_stay_live():
    verdict = verify(make_page(article(f'<p><a rel="noopener noreferrer external" href="{TARGET}">x</a></p>')), TARGET)
    assert verdict.status == "live"
    assert verdict.rel == ["external", "noopener", "noreferrer"]


@pytest.mark.parametrize(
    "meta",
    ['<meta name="robots" content="nofollow">', '<meta name="GoogleBot" content="index, NOFOLLOW">'],
)
def test_page_level_nofollow(meta):
    verdict = verify(make_page(article(LINK, head=meta)), TARGET)
    assert verdict.status == "live_nofollow"
    assert verdict.page_nofollow is True
    assert "page_nofollow" in verdict.reasons
    assert verdict.rel == []


def test_x_robots_nofollow_header():
    verdict = verify(make_page(article(LINK), headers={"X-Robots-Tag": "nofollow"}), TARGET)
    assert verdict.status == "live_nofollow"
    assert "x_robots_nofollow" in verdict.reasons


def test_meta_nofollow_for_another_crawler_does_not_count():
    verdict = verify(make_page(article(LINK, head='<meta name="bingbot" content="nofollow, noindex">')), TARGET)
    assert verdict.status == "live"


@pytest.mark.parametrize(
    "meta",
    [
        '<meta name="robots" content="noindex">',
        '<meta name="ROBOTS" content=" NoIndex , follow ">',
        '<meta name="googlebot" content="noindex">',
        '<meta name="robots" content="none">',
    ],
)
def test_meta_noindex_makes_not_indexable_but_keeps_link_facts(meta):
    verdict = verify(make_page(article(LINK, head=meta)), TARGET)
    assert verdict.status == "not_indexable"
    assert verdict.found is True
    assert verdict.indexable is False
    assert verdict.page_noindex is True
    assert "page_noindex" in verdict.reasons
    assert verdict.anchor_text == "best running shoes"
    assert verdict.placement == "content"


@pytest.mark.parametrize(
    "header",
    ["noindex", "NOINDEX, nofollow", "googlebot: noindex", "googlebot: noarchive, noindex", "none",
     "otherbot: nofollow, googlebot: noindex", "unavailable_after: 25 Jun 2010 15:00:00 PST, noindex"],
)
def test_x_robots_tag_noindex_forms(header):
    verdict = verify(make_page(article(LINK), headers={"X-Robots-Tag": header}), TARGET)
    assert verdict.status == "not_indexable"
    assert "x_robots_noindex" in verdict.reasons
    assert verdict.x_robots_noindex is True


@pytest.mark.parametrize("header", ["bingbot: noindex", "otherbot: noindex, nofollow", "max-snippet: 20, noarchive"])
def test_x_robots_tag_for_other_crawlers_or_other_directives(header):
    verdict = verify(make_page(article(LINK), headers={"X-Robots-Tag": header}), TARGET)
    assert verdict.status == "live"
    assert verdict.indexable is True


def test_robots_txt_disallow_without_a_body_is_blocked():
    page = make_page(b"", status=None, content_type=None, error="robots_disallowed", robots_allowed=False)
    verdict = verify(page, TARGET)
    assert verdict.status == "blocked"
    assert verdict.robots_disallowed is True
    assert verdict.reasons == ["robots_disallowed"]
    assert verdict.found is False


def test_robots_txt_disallow_with_the_link_visible_is_not_indexable():
    verdict = verify(make_page(article(LINK), robots_allowed=False), TARGET)
    assert verdict.status == "not_indexable"
    assert verdict.found is True
    assert verdict.robots_disallowed is True
    assert "robots_disallowed" in verdict.reasons


def test_canonical_elsewhere_is_not_indexable():
    head = '<link rel="canonical" href="https://blog.example.org/original-post">'
    verdict = verify(make_page(article(LINK, head=head)), TARGET)
    assert verdict.status == "not_indexable"
    assert verdict.canonical == "https://blog.example.org/original-post"
    assert verdict.canonical_elsewhere is True
    assert "canonical_elsewhere" in verdict.reasons


@pytest.mark.parametrize(
    "href", ["/2024/guest-post", "guest-post", "http://blog.example.org/2024/guest-post/", SOURCE + "?utm_source=x"]
)
def test_canonical_to_itself_is_fine(href):
    verdict = verify(make_page(article(LINK, head=f'<link rel="canonical" href="{href}">')), TARGET)
    assert verdict.status == "live"
    assert verdict.canonical_elsewhere is False
    assert verdict.canonical is not None


def test_canonical_from_link_header():
    headers = {"Link": '<https://cdn.example.org/x>; rel="preload", <https://other.example.org/p>; rel="canonical"'}
    verdict = verify(make_page(article(LINK), headers=headers), TARGET)
    assert verdict.canonical == "https://other.example.org/p"
    assert verdict.status == "not_indexable"


def test_conflicting_canonicals_are_ignored_like_search_engines_do():
    head = '<link rel="canonical" href="/a"><link rel="canonical" href="/b">'
    verdict = verify(make_page(article(LINK, head=head)), TARGET)
    assert verdict.status == "live"
    assert verdict.canonical is None
    assert "canonical_conflict" in verdict.reasons


def test_canonical_in_body_is_ignored():
    html = article(LINK + '<link rel="canonical" href="https://elsewhere.example/">')
    assert verify(make_page(html), TARGET).canonical is None


def test_canonical_after_a_noscript_pixel_in_head_still_counts():
    # With scripts on, <noscript> in <head> is text, so it does not push the canonical out of <head>.
    head = ('<noscript><img height="1" width="1" src="https://px.example/t.gif"></noscript>'
            '<link rel="canonical" href="https://blog.example.org/original-post">')
    verdict = verify(make_page(article(LINK, head=head)), TARGET)
    assert verdict.canonical == "https://blog.example.org/original-post"
    assert verdict.status == "not_indexable"
