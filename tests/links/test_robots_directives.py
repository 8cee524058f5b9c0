"""Google's robots meta tag and X-Robots-Tag rules, and canonical links, as tables of page -> verdict."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crm.links.indexing import meta_robots, x_robots
from crm.links.parsedpage import ParsedPage
from crm.links.verifier import verify

from .pages import SOURCE, TARGET, article, make_page

NOW = datetime(2025, 6, 1, tzinfo=UTC)
LINK = f'<p>Good shoes help: see <a href="{TARGET}">best running shoes</a> before you start.</p>'


def _meta(tags: str) -> set[str]:
    return meta_robots(ParsedPage.from_fetch(make_page(article(LINK, head=tags))).tree, NOW)


@pytest.mark.parametrize(
    ("tags", "noindex", "nofollow"),
    [
        ('<meta name="robots" content="noindex">', True, False),
        ('<meta name="robots" content="nofollow">', False, True),
        ('<meta name="robots" content="none">', True, True),
        ('<meta name="robots" content="NONE">', True, True),
        ('<meta name="robots" content="all">', False, False),
        ('<meta name="robots" content="index, follow">', False, False),
        ('<meta name="robots" content="noindex, nofollow">', True, True),
        ('<meta name="robots" content="noarchive, nosnippet, max-snippet:20">', False, False),
        ('<meta name="googlebot" content="noindex">', True, False),
        ('<meta name="GOOGLEBOT" content="nofollow">', False, True),
        ('<meta name="googlebot-news" content="noindex">', False, False),
        ('<meta name="bingbot" content="noindex, nofollow">', False, False),
        # Several tags combine; the most restrictive wins.
        ('<meta name="robots" content="index"><meta name="googlebot" content="noindex">', True, False),
        ('<meta name="robots" content="noindex"><meta name="robots" content="nofollow">', True, True),
        ('<meta name="robots" content="unavailable_after: 2020-01-01">', True, False),
        ('<meta name="robots" content="unavailable_after: 2030-01-01">', False, False),
        ('<meta name="robots" content="unavailable_after: 25 Jun 2010 15:00:00 PST">', True, False),
        ('<meta name="robots" content="unavailable_after: Friday, 25-Jun-10 15:00:00 PST, nofollow">', True, True),
        ('<meta name="robots" content="unavailable_after: some day">', False, False),
    ],
)
def test_robots_meta(tags, noindex, nofollow):
    found = _meta(tags)
    assert ("noindex" in found, "nofollow" in found) == (noindex, nofollow)


@pytest.mark.parametrize(
    ("headers", "noindex", "nofollow"),
    [
        (["noindex"], True, False),
        (["none"], True, True),
        (["googlebot: noindex"], True, False),
        (["googlebot: nofollow, noindex"], True, True),  # the prefix carries on within one header
        (["otherbot: noindex, nofollow"], False, False),
        (["otherbot: noindex", "nofollow"], False, True),  # a new header starts for everyone again
        (["googlebot: nofollow", "otherbot: noindex"], False, True),
        (["otherbot: noindex, googlebot: nofollow"], False, True),
        (["googlebot-news: noindex"], False, False),
        (["max-snippet: 20, noarchive"], False, False),
        (["unavailable_after: 25 Jun 2010 15:00:00 PST"], True, False),
        (["googlebot: unavailable_after: Friday, 25-Jun-10 15:00:00 PST"], True, False),
        (["unavailable_after: 2099-12-31T00:00:00+00:00"], False, False),
        (["noindex, nofollow", "all"], True, True),
    ],
)
def test_x_robots_tag(headers, noindex, nofollow):
    found = x_robots("\n".join(headers), NOW)
    assert ("noindex" in found, "nofollow" in found) == (noindex, nofollow)


@pytest.mark.parametrize(
    ("head", "url", "canonical", "elsewhere"),
    [
        (f'<link rel="canonical" href="{SOURCE}">', SOURCE, SOURCE, False),
        ('<link rel="canonical" href="/2024/guest-post">', SOURCE, SOURCE, False),  # relative
        ('<link rel="canonical" href="guest-post">', SOURCE, SOURCE, False),
        ('<link rel="canonical" href="http://blog.example.org/2024/guest-post/">', SOURCE,
         "http://blog.example.org/2024/guest-post/", False),  # an equivalent form of itself
        ('<link rel="canonical" href="/2024/guest-post">', SOURCE + "?utm_source=x", SOURCE, False),
        ('<link rel="canonical" href="/2024/other-post">', SOURCE, "https://blog.example.org/2024/other-post", True),
        ('<link rel="canonical" href="/2024/guest-post">', SOURCE + "?page=2", SOURCE, True),
        ('<link rel="canonical" href="https://syndicated.example.com/guest-post">', SOURCE,
         "https://syndicated.example.com/guest-post", True),  # cross-domain
        ('<link rel="Canonical Alternate" href="/2024/other-post">', SOURCE,
         "https://blog.example.org/2024/other-post", True),
        ('<link rel="canonical" href="/a"><link rel="canonical" href="/b">', SOURCE, None, False),  # they cancel out
        ('<link rel="alternate" href="/2024/other-post">', SOURCE, None, False),
    ],
)
def test_canonical(head, url, canonical, elsewhere):
    verdict = verify(make_page(article(LINK, head=head), url=url), TARGET)
    assert verdict.canonical == canonical
    assert verdict.canonical_elsewhere is elsewhere
    assert verdict.status == ("not_indexable" if elsewhere else "live")
    assert verdict.indexable is not elsewhere


def test_verdict_applies_the_directives_at_the_time_of_the_check():
    page = make_page(article(LINK, head='<meta name="robots" content="unavailable_after: 2025-01-01">'))
    assert verify(page, TARGET, now=datetime(2024, 12, 1, tzinfo=UTC)).status == "live"
    later = verify(page, TARGET, now=NOW)
    assert (later.status, later.page_noindex) == ("not_indexable", True)
