"""Fixtures for the fetcher's tests: a permissive test policy, fetchers that are closed after use, loopback servers."""

from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer

from crm.net import Fetcher, FetchPolicy
from tests.net.servers import RawServer, answer_ok, ipv6_loopback_available

# Loopback servers are ours, so the address rule is lifted; politeness gaps are zero unless a test sets them.
LOCAL = FetchPolicy(allow_private_networks=True, per_host_delay=0.0, connect_timeout=2.0, total_timeout=5.0)


@pytest.fixture
def make_fetcher():
    """Build fetchers (policy overrides as keywords) and close them after the test."""
    made = []

    def make(resolver=None, base: FetchPolicy = LOCAL, **changes) -> Fetcher:
        fetcher = Fetcher(base.replace(**changes), resolver=resolver)
        made.append(fetcher)
        return fetcher

    yield make
    for fetcher in made:
        fetcher.close()


@pytest.fixture(scope="session")
def _http_servers():
    """pytest-httpserver instances per loopback address, started once (stopping one takes half a second)."""
    servers: dict[str, HTTPServer] = {}
    yield servers
    for server in servers.values():
        server.stop()


@pytest.fixture
def make_server(_http_servers):
    """A threaded pytest-httpserver on a chosen loopback address, with no handlers but robots.txt."""
    used = []

    def make(host: str = "127.0.0.1", *, robots: str | None = "") -> HTTPServer:
        server = _http_servers.get(host)
        if server is None:
            server = _http_servers[host] = HTTPServer(host=host, port=0, threaded=True)
            server.start()
        server.clear()
        if robots is not None:
            server.expect_request("/robots.txt").respond_with_data(robots, content_type="text/plain")
        used.append(server)
        return server

    yield make
    for server in used:
        server.clear()


@pytest.fixture
def make_raw():
    """Start raw socket servers (see RawServer), closed after the test."""
    started = []

    def make(handler=answer_ok, host: str = "127.0.0.1") -> RawServer:
        server = RawServer(handler, host)
        started.append(server)
        return server

    yield make
    for server in started:
        server.close()


@pytest.fixture
def listener(make_raw) -> RawServer:
    """A loopback listener on 127.0.0.1 that answers 200 and counts every connection."""
    return make_raw(answer_ok, "127.0.0.1")


@pytest.fixture
def listener6(make_raw) -> RawServer | None:
    """The same on ::1, or None where the machine has no IPv6 loopback."""
    return make_raw(answer_ok, "::1") if ipv6_loopback_available() else None
