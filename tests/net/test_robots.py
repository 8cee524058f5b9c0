"""robots.txt as RFC 9309 reads it: rules for our token, status codes, redirects, caching, Crawl-delay."""

from __future__ import annotations

import time

import pytest
from werkzeug.wrappers import Response

from tests.net.servers import MapResolver

PAGE = b"<html><body>page</body></html>"


def _site(make_server, robots, *paths, host="127.0.0.1"):
    server = make_server(host, robots=robots)
    for path in paths:
        server.expect_request(path).respond_with_data(PAGE, content_type="text/html")
    return server


def _pages_served(server) -> list[str]:
    return [entry[0].full_path.rstrip("?") for entry in server.log if entry[0].path != "/robots.txt"]


def _robots_served(server) -> int:
    return sum(1 for entry in server.log if entry[0].path == "/robots.txt")


@pytest.mark.parametrize(
    ("robots", "path", "allowed"),
    [
        ("User-agent: *\nDisallow: /private", "/private/report", False),
        ("User-agent: *\nDisallow: /private", "/public", True),
        ("User-agent: *\nDisallow: /*?sessionid", "/page?sessionid=42", False),
        ("User-agent: *\nDisallow: /*?sessionid", "/page?lang=en", True),
        ("User-agent: *\nDisallow: /exact$", "/exact", False),
        ("User-agent: *\nDisallow: /exact$", "/exact/more", True),
        ("User-agent: *\nDisallow: /*.php$", "/index.php", False),
        ("User-agent: *\nDisallow: /*.php$", "/index.php?x=1", True),
        ("User-agent: *\nDisallow: /docs/\nAllow: /docs/public/", "/docs/public/a", True),
        ("User-agent: *\nDisallow: /docs/\nAllow: /docs/public/", "/docs/secret", False),
        ("User-agent: *\nDisallow: /", "/anything", False),
        ("User-agent: *\nDisallow:", "/anything", True),
        ("User-agent: OutreachCRM-LinkChecker\nDisallow: /\n\nUser-agent: *\nAllow: /", "/x", False),
        ("User-agent: outreachcrm-linkchecker\nAllow: /\n\nUser-agent: *\nDisallow: /", "/x", True),
        ("User-agent: SomeOtherBot\nDisallow: /\n", "/x", True),
        ("User-agent: bot\nDisallow: /\n", "/x", True),  # "bot" in our contact URL is not our token
        ("", "/x", True),
    ],
)
def test_rules_for_our_token(robots, path, allowed, make_fetcher, make_server):
    server = _site(make_server, robots, path.split("?")[0])
    result = make_fetcher().fetch(server.url_for(path))
    assert result.robots_allowed is allowed
    if allowed:
        assert result.error is None and result.body == PAGE
        assert _pages_served(server) == [path]
    else:
        assert result.error == "robots_disallowed" and result.body == b""
        assert _pages_served(server) == []


@pytest.mark.parametrize(
    ("status", "allowed"),
    [(404, True), (410, True), (401, True), (403, True), (429, False), (500, False), (503, False)],
)
def test_what_a_robots_status_means(status, allowed, make_fetcher, make_server):
    server = make_server(robots=None)
    server.expect_request("/robots.txt").respond_with_data("nope", status=status)
    server.expect_request("/page").respond_with_data(PAGE, content_type="text/html")
    result = make_fetcher().fetch(server.url_for("/page"))
    assert result.robots_allowed is allowed
    assert result.error == (None if allowed else "robots_unreachable")  # a struggling host, not a "no"
    assert _pages_served(server) == (["/page"] if allowed else [])


def test_an_unreachable_robots_file_keeps_the_host_closed(make_fetcher, make_raw):
    def hang_up(conn, head):
        conn.close()

    server = make_raw(hang_up)
    result = make_fetcher().fetch(server.url("/page"))
    assert result.error == "robots_unreachable" and server.hits == 1  # only the robots.txt attempt


def test_a_robots_redirect_is_followed(make_fetcher, make_server):
    server = make_server(robots=None)
    server.expect_request("/robots.txt").respond_with_data("", status=301, headers={"Location": "/real-robots.txt"})
    server.expect_request("/real-robots.txt").respond_with_data(
        "User-agent: *\nDisallow: /no", content_type="text/plain"
    )
    server.expect_request("/yes").respond_with_data(PAGE, content_type="text/html")
    fetcher = make_fetcher()
    assert fetcher.fetch(server.url_for("/no")).error == "robots_disallowed"
    assert fetcher.fetch(server.url_for("/yes")).error is None


def test_a_robots_file_redirecting_too_often_counts_as_absent(make_fetcher, make_server):
    server = make_server(robots=None)
    server.expect_request("/robots.txt").respond_with_data("", status=302, headers={"Location": "/robots.txt"})
    server.expect_request("/page").respond_with_data(PAGE, content_type="text/html")
    result = make_fetcher().fetch(server.url_for("/page"))
    assert result.error is None and result.robots_allowed is True


def test_a_robots_file_with_any_content_type_is_read(make_fetcher, make_server):
    server = make_server(robots=None)
    server.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nDisallow: /no", content_type="application/octet-stream"
    )
    assert make_fetcher().fetch(server.url_for("/no")).error == "robots_disallowed"


def test_robots_is_read_once_per_origin_and_kept(make_fetcher, make_server):
    server = _site(make_server, "User-agent: *\nDisallow: /no", "/a", "/b", "/c")
    fetcher = make_fetcher()
    for path in ("/a", "/b", "/c", "/no"):
        fetcher.fetch(server.url_for(path))
    assert _robots_served(server) == 1
    assert _pages_served(server) == ["/a", "/b", "/c"]


def test_robots_is_read_again_after_its_ttl(make_fetcher, make_server):
    server = _site(make_server, "", "/a")
    fetcher = make_fetcher(robots_ttl=0.2)
    fetcher.fetch(server.url_for("/a"))
    time.sleep(0.3)
    fetcher.fetch(server.url_for("/a"))
    assert _robots_served(server) == 2


def test_a_failing_robots_file_is_retried_only_after_the_error_ttl(make_fetcher, make_server):
    server = make_server(robots=None)
    server.expect_request("/robots.txt").respond_with_data("oops", status=500)
    fetcher = make_fetcher(robots_error_ttl=60)
    for _ in range(3):
        assert fetcher.fetch(server.url_for("/page")).error == "robots_unreachable"
    assert _robots_served(server) == 1


def test_robots_is_per_origin(make_fetcher, make_server):
    """Another host (or port) has its own robots.txt."""
    closed = _site(make_server, "User-agent: *\nDisallow: /", "/p", host="127.0.0.2")
    open_ = _site(make_server, "", "/p", host="127.0.0.3")
    resolver = MapResolver({"closed.test": ["127.0.0.2"], "open.test": ["127.0.0.3"]})
    fetcher = make_fetcher(resolver)
    assert fetcher.fetch(f"http://closed.test:{closed.port}/p").error == "robots_disallowed"
    assert fetcher.fetch(f"http://open.test:{open_.port}/p").error is None


def test_robots_can_be_skipped(make_fetcher, make_server):
    server = _site(make_server, "User-agent: *\nDisallow: /", "/p")
    result = make_fetcher().fetch(server.url_for("/p"), check_robots=False)
    assert result.error is None and result.robots_allowed is None
    assert _robots_served(server) == 0


def test_a_redirect_into_a_disallowed_path_is_stopped(make_fetcher, make_server):
    server = _site(make_server, "User-agent: *\nDisallow: /members", "/members/area")
    server.expect_request("/open").respond_with_data("", status=302, headers={"Location": "/members/area"})
    result = make_fetcher().fetch(server.url_for("/open"))
    assert result.error == "robots_disallowed" and len(result.redirects) == 1
    assert _pages_served(server) == ["/open"]


def test_crawl_delay_spaces_requests_to_the_host(make_fetcher, make_server):
    server = _site(make_server, "User-agent: *\nCrawl-delay: 0.4", "/a", "/b")
    fetcher = make_fetcher()
    starts = []
    for path in ("/a", "/b"):
        fetcher.fetch(server.url_for(path))
        starts.append(time.monotonic())
    # The second page waits for the gap the site asked for after the first.
    assert starts[1] - starts[0] >= 0.35


@pytest.mark.parametrize(
    ("robots", "ours", "google", "served"),
    [
        ("User-agent: *\nDisallow: /\n\nUser-agent: Googlebot\nAllow: /", False, True, False),
        ("User-agent: Googlebot\nDisallow: /", True, False, True),
        ("User-agent: *\nDisallow: /", False, False, False),
        ("User-agent: OutreachCRM-LinkChecker\nAllow: /\n\nUser-agent: *\nDisallow: /", True, False, True),
    ],
)
def test_the_same_file_answers_for_us_and_for_googlebot(robots, ours, google, served, make_fetcher, make_server):
    server = _site(make_server, robots, "/page")
    result = make_fetcher().fetch(server.url_for("/page"))
    assert (result.robots_allowed, result.googlebot_allowed) == (ours, google)
    assert _pages_served(server) == (["/page"] if served else [])


def test_repeated_x_robots_tag_headers_stay_apart(make_fetcher, make_server):
    server = make_server()
    server.expect_request("/page").respond_with_response(Response(
        PAGE, content_type="text/html", headers=[("X-Robots-Tag", "otherbot: noindex"), ("X-Robots-Tag", "nofollow")]))
    result = make_fetcher().fetch(server.url_for("/page"))
    assert result.headers["x-robots-tag"].splitlines() == ["otherbot: noindex", "nofollow"]
