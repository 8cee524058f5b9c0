"""Page URLs and domains in exports are read the way a browser would read them."""

from __future__ import annotations

import ada_url
import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm.prospects.importing.cells import parse_bool, parse_host, parse_url


@pytest.mark.parametrize(
    ("text", "href", "host"),
    [
        ("https://blog.example.com/widget-tools/", "https://blog.example.com/widget-tools/", "blog.example.com"),
        ("example.com/", "http://example.com/", "example.com"),
        ("HTTPS://Blog.Example.COM", "https://blog.example.com/", "blog.example.com"),
        ("https://example.com/a b", "https://example.com/a%20b", "example.com"),
        ("https://example.com:443/./x/../y", "https://example.com/y", "example.com"),
        ("https://m\u00fcnchen.de/", "https://xn--mnchen-3ya.de/", "xn--mnchen-3ya.de"),
        ("  https://example.com/?q=a@b  ", "https://example.com/?q=a@b", "example.com"),
        ("n/a", None, None),
    ],
)
def test_urls_are_normalised_with_their_host(text, href, host):
    assert parse_url(text) == ((href, host) if href else None)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("ftp://example.com/file", "not a web address"),
        ("https://user:secret@example.com/", "user name or password"),
        ("http://", "not a valid URL"),
        ("not a url", "not a valid URL"),
    ],
)
def test_bad_urls_say_why(text, why):
    with pytest.raises(ValueError, match=why):
        parse_url(text)


label = st.from_regex(r"[a-z0-9][a-z0-9-]{0,8}", fullmatch=True)
path = st.lists(st.sampled_from(list("abcXYZ019-._~/?=&%+,;:@!$*()'\"<> #\\")), max_size=25).map("".join)


@given(st.sampled_from(["http", "https", "HTTP"]), st.lists(label, min_size=1, max_size=3), label, path)
def test_every_url_reads_as_the_browser_parser_reads_it(scheme, labels, tld, rest):
    url = f"{scheme}://{'.'.join(labels)}.x{tld}/{rest}"
    try:
        expected = ada_url.normalize_url(url)
    except ValueError:
        with pytest.raises(ValueError):
            parse_url(url)
        return
    href, host = parse_url(url)
    assert href == expected
    assert host == ada_url.URL(expected).hostname


@pytest.mark.parametrize(
    ("text", "host"),
    [
        ("news.example.net", "news.example.net"),
        ("Example.COM.", "example.com"),
        ("www.example.com/", "www.example.com"),
        ("https://example.org/page", "example.org"),
        ("-", None),
    ],
)
def test_domains_cells(text, host):
    assert parse_host(text) == host


def test_a_domain_cell_with_an_address_is_an_error():
    with pytest.raises(ValueError, match="not a domain name"):
        parse_host("jane@example.com")


@pytest.mark.parametrize(("text", "flag"), [("true", True), ("Yes", True), ("+", True), ("", False), ("No", False)])
def test_flags(text, flag):
    assert parse_bool(text) is flag


def test_an_unreadable_flag_is_an_error():
    with pytest.raises(ValueError, match="not yes/no"):
        parse_bool("maybe")
