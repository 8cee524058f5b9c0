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


_KEPT_OUT = {"status": None, "content_type": None, "error": "robots_disallowed"}


@pytest.mark.parametrize(
    ("ours", "google", "fetched", "status", "reasons", "indexable"),
    [
        # User-agent: * shuts us out, a Googlebot group lets Google in: we were kept out, nothing more.
        (False, True, False, "blocked", ["robots_blocked_us"], None),
        (False, None, False, "blocked", ["robots_blocked_us"], None),
        # Google itself is kept out: not indexable, and no fetch is needed to say so.
        (False, False, False, "not_indexable", ["robots_disallowed"], False),
        # We may read it but Google may not: the link is there, on a page outside the index.
        (True, False, True, "not_indexable", ["robots_disallowed"], False),
        (True, True, True, "live", [], True),
    ],
)
def test_robots_txt_our_group_decides_fetching_googlebots_decides_indexing(ours, google, fetched, status, reasons,
                                                                           indexable):
    page = make_page(article(LINK), robots_allowed=ours, googlebot_allowed=google) if fetched else make_page(
        b"", robots_allowed=ours, googlebot_allowed=google, **_KEPT_OUT)
    verdict = verify(page, TARGET)
    assert verdict.status == status
    assert verdict.reasons == reasons
    assert verdict.indexable is indexable
    assert verdict.robots_disallowed is (google is False)
    assert verdict.robots_blocked_us is (ours is False)
    assert verdict.found is fetched


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
