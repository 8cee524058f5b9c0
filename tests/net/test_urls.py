"""URL rules as browsers apply them: resolving hrefs, normalising for comparison, matching link targets."""

from __future__ import annotations

from urllib.parse import urljoin

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from crm.net.matching import match_target
from crm.net.urls import join, normalise, parse, site_of

BASE = "https://blog.example.org/posts/2024/guest-post.html?page=2#top"


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("other.html", "https://blog.example.org/posts/2024/other.html"),
        ("../archive/", "https://blog.example.org/posts/archive/"),
        ("/", "https://blog.example.org/"),
        ("//www.shop.com/shoes", "https://www.shop.com/shoes"),
        ("?page=3", "https://blog.example.org/posts/2024/guest-post.html?page=3"),
        ("#comments", "https://blog.example.org/posts/2024/guest-post.html?page=2#comments"),
        ("", "https://blog.example.org/posts/2024/guest-post.html?page=2"),
        ("HTTPS://WWW.Shop.COM:443/Shoes", "https://www.shop.com/Shoes"),
        ("http://shop.com:80", "http://shop.com/"),
        ("https://bücher.example/straße", "https://xn--bcher-kva.example/stra%C3%9Fe"),
        ("  https://shop.com/a\n\tb  ", "https://shop.com/ab"),
        ("https://shop.com/a b", "https://shop.com/a%20b"),
        ("https:shoes", "https://blog.example.org/posts/2024/shoes"),
    ],
)
def test_join_resolves_hrefs_like_a_browser(href, expected):
    assert join(BASE, href) == expected


def test_join_follows_browsers_where_urllib_does_not():
    # Browsers treat a backslash as a slash in http(s) URLs, so this link leaves the site.
    assert join(BASE, "\\\\evil.example\\path") == "https://evil.example/path"
    assert urljoin(BASE, "\\\\evil.example\\path") != "https://evil.example/path"
    # Leading and trailing spaces are stripped by browsers, not by urllib.
    assert join(BASE, " /about ") == "https://blog.example.org/about"
    assert urljoin(BASE, " /about ") != "https://blog.example.org/about"


@pytest.mark.parametrize(
    "href",
    ["javascript:void(0)", " JavaScript:alert(1)", "java\tscript:alert(1)", "mailto:editor@example.org",
     "tel:+441234567", "data:text/html,<a>", "http://[::1", "https://exa mple.com/", "http://a:b:c/"],
)
def test_join_gives_nothing_for_links_that_lead_nowhere_on_the_web(href):
    assert join(BASE, href) is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTP://Example.COM", "http://example.com/"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("https://example.com./a#section", "https://example.com/a"),
        ("https://example.com/%7euser/%2fx?q=%7e%2f", "https://example.com/~user/%2Fx?q=~%2F"),
        ("https://example.com/a/./b/../c", "https://example.com/a/c"),
        ("https://example.com/?", "https://example.com/"),
        ("https://user:secret@example.com/a", "https://example.com/a"),
        ("https://ÉCOLE.fr/", "https://xn--cole-9oa.fr/"),
        ("https://xn--cole-9oa.fr/", "https://xn--cole-9oa.fr/"),
    ],
)
def test_normalise_gives_one_form_per_page(url, expected):
    assert normalise(url) == expected


def test_normalise_and_parse_refuse_garbage():
    assert normalise("not a url") is None
    assert parse("http://") is None
    assert normalise("mailto:a@b.com#x") == "mailto:a@b.com"


TARGET = "https://www.shop.com/running-shoes/"


@pytest.mark.parametrize(
    ("found", "kind"),
    [
        ("https://www.shop.com/running-shoes/", "exact"),
        ("HTTPS://WWW.SHOP.COM/running-shoes/", "exact"),
        ("HTTPS://WWW.SHOP.COM:443/running-shoes/#reviews", "equivalent"),
        ("https://www.shop.com/running%2Dshoes/", "equivalent"),
        ("http://www.shop.com/running-shoes/", "equivalent"),
        ("https://shop.com/running-shoes/", "equivalent"),
        ("https://www.shop.com/running-shoes", "equivalent"),
        ("http://shop.com/running-shoes", "equivalent"),
        ("https://www.shop.com/running-shoes/?utm_source=blog&utm_medium=guest", "equivalent"),
        ("https://www.shop.com/running-shoes/?gclid=abc", "equivalent"),
        ("https://www.shop.com/running-shoes/?size=10", "other_query"),
        ("https://www.shop.com/running-shoes/?size=10&utm_source=x", "other_query"),
        ("https://www.shop.com/Running-Shoes/", "same_domain"),
        ("https://www.shop.com/", "same_domain"),
        ("https://blog.shop.com/running-shoes/", "same_domain"),
        ("https://www.shop.com:8080/running-shoes/", "same_domain"),
        ("https://www.shop.co.uk/running-shoes/", None),
        ("https://www.shop.com.evil.net/running-shoes/", None),
        ("not a url", None),
    ],
)
def test_match_target_kinds(found, kind):
    assert match_target(found, TARGET) == kind


def test_parameter_order_does_not_make_another_page():
    assert match_target("https://shop.com/p?a=1&b=2", "https://shop.com/p?b=2&a=1") == "equivalent"
    assert match_target("https://shop.com/p?a=1&b=2", "https://shop.com/p?a=1&b=3") == "same_domain"
    assert match_target("https://shop.com/p?a=1&b=3&c=4", "https://shop.com/p?b=3&a=1") == "other_query"


def test_aliases_count_as_our_target():
    aliases = ("https://shop.com/old-shoes", "https://go.shop.com/s1")
    assert match_target("https://shop.com/old-shoes", TARGET, aliases) == "equivalent"
    assert match_target("http://www.shop.com/old-shoes/", TARGET, aliases) == "equivalent"
    assert match_target("https://go.shop.com/s1?ref=1", TARGET, aliases) == "other_query"
    assert match_target("https://shop.com/contact", TARGET, aliases) == "same_domain"
    assert match_target("https://shop.com/old-shoes", TARGET) == "same_domain"


def test_site_of_uses_the_public_suffix_list():
    assert site_of("https://a.b.shop.co.uk/x") == "shop.co.uk"
    assert site_of("http://192.168.1.20/x") == "192.168.1.20"
    assert site_of("http://0x7f.1/") == "127.0.0.1"  # browsers read shorthand IPv4 hosts as addresses
    assert site_of("HTTPS://WWW.Shop.COM./x") == "shop.com"
    assert site_of("nonsense") is None


# Hosts and paths built from pieces that exercise case, IDNA, ports, dot segments and escapes.
_hosts = st.sampled_from(["example.com", "WWW.Example.com", "shop.co.uk", "bücher.de", "xn--bcher-kva.de",
                          "blog.example.com.", "127.0.0.1", "[::1]"])
_segments = st.lists(st.sampled_from(["a", "B", "..", ".", "%7e", "%2F", "x y", "ü", "%41", "index.html", "", "%2e"]),
                     max_size=5)
_queries = st.one_of(st.just(""), st.lists(st.sampled_from(["a=1", "b=2", "utm_source=x", "Q=%7e", "c"]),
                                           max_size=3).map(lambda ps: "?" + "&".join(ps)))
_urls = st.builds(
    lambda scheme, host, port, segs, query, frag: f"{scheme}://{host}{port}/{'/'.join(segs)}{query}{frag}",
    st.sampled_from(["http", "https", "HTTPS"]), _hosts, st.sampled_from(["", ":80", ":443", ":8080"]), _segments,
    _queries, st.sampled_from(["", "#top", "#"]),
)


@given(_urls)
def test_normalise_is_idempotent(url):
    once = normalise(url)
    assert once is not None
    assert normalise(once) == once


@given(_urls)
def test_a_url_matches_itself_exactly_and_its_normal_form_as_the_same_page(url):
    assert match_target(url, url) == "exact"
    assert match_target(normalise(url), url) in ("exact", "equivalent")


@given(_urls, _urls)
def test_naming_the_same_page_is_symmetric(a, b):
    same = ("exact", "equivalent")
    assert (match_target(a, b) in same) == (match_target(b, a) in same)


@given(_urls)
def test_scheme_and_www_never_change_the_page(url):
    parsed = parse(url)
    assume(parsed is not None and parsed.hostname[:1].isalpha() and not parsed.port)
    other = "http:" if parsed.protocol == "https:" else "https:"
    rest = f"{parsed.pathname}{parsed.search}"
    assert match_target(f"{other}//{parsed.host}{rest}", url) in ("exact", "equivalent")
    www = parsed.host[4:] if parsed.host.startswith("www.") else f"www.{parsed.host}"
    assert match_target(f"{parsed.protocol}//{www}{rest}", url) == "equivalent"


@given(_urls, st.text(max_size=30))
def test_join_never_raises_and_only_returns_web_urls(base, href):
    joined = join(base, href)
    assert joined is None or joined.startswith(("http://", "https://"))
