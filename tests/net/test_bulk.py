"""Many fetches at once: per-host bounds seen from the server side, overlap across hosts, deduplication."""

from __future__ import annotations

import re
import threading
import time

import pytest
from werkzeug import Response

from crm.net import FetchRequest
from tests.net.servers import MapResolver

PAGE = b"<html><body>page</body></html>"


class InFlight:
    """Counts requests being served at the same moment, per server and over all servers sharing it."""

    def __init__(self, parent: InFlight | None = None) -> None:
        self.parent = parent
        self.now = 0
        self.peak = 0
        self.starts: list[float] = []
        self._lock = threading.Lock()

    def enter(self) -> None:
        with self._lock:
            self.now += 1
            self.peak = max(self.peak, self.now)
            self.starts.append(time.monotonic())
        if self.parent:
            self.parent.enter()

    def leave(self) -> None:
        with self._lock:
            self.now -= 1
        if self.parent:
            self.parent.leave()

    def handler(self, seconds: float):
        """A pytest-httpserver handler that holds each request for `seconds`."""

        def serve(request):
            self.enter()
            try:
                time.sleep(seconds)
                return Response(PAGE, content_type="text/html")
            finally:
                self.leave()

        return serve


def _slow_site(make_server, host: str, seconds: float, parent: InFlight | None = None):
    server = make_server(host)
    meter = InFlight(parent)
    server.expect_request("/robots.txt").respond_with_data("", content_type="text/plain")
    server.expect_request(path_prefix_matcher()).respond_with_handler(meter.handler(seconds))
    return server, meter


def path_prefix_matcher():
    """Any path but robots.txt."""
    import re

    return re.compile(r"^/(?!robots\.txt).*")


def _paths(server) -> list[str]:
    return [entry[0].path for entry in server.log if entry[0].path != "/robots.txt"]


@pytest.mark.parametrize("concurrency", [1, 2])
def test_fetch_many_never_exceeds_the_per_host_bound(concurrency, make_fetcher, make_server):
    server, meter = _slow_site(make_server, "127.0.0.1", 0.15)
    urls = [server.url_for(f"/p{n}") for n in range(6)]
    fetcher = make_fetcher(per_host_concurrency=concurrency)
    results = list(fetcher.fetch_many(urls, workers=8))
    assert sorted(r.url for r in results) == sorted(urls)
    assert all(r.error is None and r.body == PAGE for r in results)
    assert meter.peak == concurrency  # never more, and the allowance is used


def test_single_fetches_from_many_threads_share_the_bound(make_fetcher, make_server):
    server, meter = _slow_site(make_server, "127.0.0.1", 0.15)
    fetcher = make_fetcher(per_host_concurrency=2)
    threads = [threading.Thread(target=fetcher.fetch, args=(server.url_for(f"/t{n}"),)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(_paths(server)) == 6 and meter.peak == 2


def test_fetch_many_works_on_several_hosts_at_once(make_fetcher, make_server):
    everyone = InFlight()
    sites = {f"h{n}.test": _slow_site(make_server, f"127.0.0.{n}", 0.3, everyone) for n in (2, 3, 4, 5)}
    resolver = MapResolver({name: [server.host] for name, (server, _) in sites.items()})
    urls = [f"http://{name}:{server.port}/p{k}" for name, (server, _) in sites.items() for k in range(2)]
    results = list(make_fetcher(resolver, per_host_concurrency=1).fetch_many(urls, workers=8))
    assert all(r.error is None for r in results) and len(results) == 8
    assert all(meter.peak == 1 for _, meter in sites.values())
    assert everyone.peak >= 3  # hosts were served side by side, not one page at a time


def test_identical_urls_are_fetched_once(make_fetcher, make_server):
    server, _ = _slow_site(make_server, "127.0.0.2", 0.0)
    resolver = MapResolver({"a.test": ["127.0.0.2"]})
    base = f"a.test:{server.port}"
    asked = [f"http://{base}/x", f"http://{base}/x", f"http://A.TEST:{server.port}/x#frag", f"http://{base}/y"]
    results = list(make_fetcher(resolver).fetch_many(asked))
    assert sorted(r.url for r in results) == sorted(set(asked))
    assert all(r.body == PAGE for r in results)
    assert sorted(_paths(server)) == ["/x", "/y"]


def test_robots_is_read_once_per_host_in_a_batch(make_fetcher, make_server):
    server, _ = _slow_site(make_server, "127.0.0.1", 0.05)
    server.clear()
    server.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /no", content_type="text/plain")
    server.expect_request(path_prefix_matcher()).respond_with_data(PAGE, content_type="text/html")
    urls = [server.url_for(f"/p{n}") for n in range(8)] + [server.url_for("/no/1"), server.url_for("/no/2")]
    results = {r.url: r for r in make_fetcher().fetch_many(urls, workers=6)}
    assert sum(1 for entry in server.log if entry[0].path == "/robots.txt") == 1
    assert {r.error for u, r in results.items() if "/no/" in u} == {"robots_disallowed"}
    assert all(r.error is None for u, r in results.items() if "/no/" not in u)


def test_the_gap_between_requests_to_one_host_holds_in_a_batch(make_fetcher, make_server):
    server, meter = _slow_site(make_server, "127.0.0.1", 0.0)
    urls = [server.url_for(f"/g{n}") for n in range(4)]
    list(make_fetcher(per_host_delay=0.2, per_host_concurrency=2).fetch_many(urls, workers=4))
    gaps = [b - a for a, b in zip(meter.starts, meter.starts[1:], strict=False)]
    assert len(meter.starts) == 4 and min(gaps) >= 0.17


def test_invalid_urls_in_a_batch_are_reported_and_the_rest_fetched(make_fetcher, make_server):
    server, _ = _slow_site(make_server, "127.0.0.1", 0.0)
    results = {r.url: r for r in make_fetcher().fetch_many(["ftp://x/", server.url_for("/ok"), "http://u:p@x/"])}
    assert results["ftp://x/"].error == "invalid_url" and results["http://u:p@x/"].error == "invalid_url"
    assert results[server.url_for("/ok")].body == PAGE


def test_a_batch_can_ask_conditionally(make_fetcher, make_server):
    server = make_server()
    server.expect_request("/c", headers={"If-None-Match": '"v1"'}).respond_with_data("", status=304)
    server.expect_request("/c").respond_with_data(PAGE, content_type="text/html")
    (result,) = make_fetcher().fetch_many([FetchRequest(server.url_for("/c"), etag='"v1"')])
    assert result.not_modified and result.status == 304


def test_a_host_asking_for_a_pause_is_left_alone_for_the_rest_of_the_batch(make_fetcher, make_server):
    server = make_server()
    server.expect_request("/p0").respond_with_data("busy", status=429, headers={"Retry-After": "60"})
    server.expect_request(path_prefix_matcher()).respond_with_data(PAGE, content_type="text/html")
    urls = [server.url_for(f"/p{n}") for n in range(4)]
    fetcher = make_fetcher(per_host_concurrency=1, total_timeout=1.0)
    results = {r.url: r for r in fetcher.fetch_many(urls, workers=4)}
    assert results[urls[0]].status == 429
    for url in urls[1:]:
        assert results[url].error == "timeout" and results[url].retry_after > 50
    assert _paths(server) == ["/p0"]


def test_leaving_a_batch_early_stops_it(make_fetcher, make_server):
    server, _ = _slow_site(make_server, "127.0.0.1", 0.05)
    fetcher = make_fetcher(per_host_concurrency=1)
    batch = fetcher.fetch_many([server.url_for(f"/e{n}") for n in range(40)], workers=2)
    first = next(batch)
    batch.close()
    time.sleep(0.3)
    assert first.error is None and len(_paths(server)) < 10
    assert fetcher.fetch(server.url_for("/after")).body == PAGE


# ---------- the scheduler: workers follow the hosts, every host keeps its rules ----------


def _fetch_threads() -> set[int]:
    return {t.ident for t in threading.enumerate() if re.fullmatch(r"crm-fetch-\d+", t.name)}


def test_many_hosts_are_served_side_by_side_each_within_its_bound_and_gap(make_fetcher, make_server):
    everyone = InFlight()
    sites = {f"h{n}.test": _slow_site(make_server, f"127.0.0.{n}", 0.3, everyone) for n in (2, 3, 4, 5)}
    resolver = MapResolver({name: [server.host] for name, (server, _) in sites.items()})
    urls = [f"http://{name}:{server.port}/p{k}" for name, (server, _) in sites.items() for k in range(8)]
    fetcher = make_fetcher(resolver, per_host_concurrency=2, per_host_delay=0.2)
    results = list(fetcher.fetch_many(urls))  # default thread cap: far above what these hosts can use
    assert len(results) == 32 and all(r.error is None for r in results)
    for _, meter in sites.values():
        starts = sorted(meter.starts)
        assert len(starts) == 8 and meter.peak <= 2
        # Sent 0.2 s apart; a request on a new connection may reach the server late, so one gap
        # can look short, but never two in a row, and the host's overall pace holds.
        assert all(third - first >= 0.2 for first, third in zip(starts, starts[2:], strict=False))
        assert starts[-1] - starts[0] >= 7 * 0.2 * 0.75
    assert everyone.peak >= 6  # close to 4 hosts x 2 slots at once: workers were not the limit


def test_a_batch_starts_only_the_threads_its_hosts_can_keep_busy(make_fetcher, make_server):
    server, meter = _slow_site(make_server, "127.0.0.1", 0.1)
    before = _fetch_threads()
    seen: set[int] = set()
    most = 0
    for _ in make_fetcher(per_host_concurrency=2).fetch_many([server.url_for(f"/w{n}") for n in range(10)]):
        mine = _fetch_threads() - before
        seen |= mine
        most = max(most, len(mine))
    assert meter.peak <= 2 and most <= 2 and 1 <= len(seen) <= 2  # one host, two slots: never more threads
    for _ in range(100):  # the batch is over: its threads end
        if not (_fetch_threads() & seen):
            break
        time.sleep(0.05)
    assert not (_fetch_threads() & seen)


def test_a_batch_keeps_the_address_rule_on_every_hop(make_fetcher, make_server, listener):
    from tests.net.test_ssrf import STRICT

    outer = make_server("127.0.0.2")
    outer.expect_request("/go").respond_with_data("", status=302, headers={"Location": "http://inner.test/"})
    outer.expect_request("/fine").respond_with_data(PAGE, content_type="text/html")
    resolver = MapResolver({"public.test": ["127.0.0.2"], "inner.test": ["127.0.0.1"]})
    fetcher = make_fetcher(resolver, base=STRICT.replace(allowed_networks=("127.0.0.2/32",)))
    inward = [f"http://127.0.0.1:{listener.port}/", f"http://inner.test:{listener.port}/",
              f"http://public.test:{outer.port}/go"]
    results = {r.url: r for r in fetcher.fetch_many([*inward, f"http://public.test:{outer.port}/fine"])}
    assert [results[url].error for url in inward] == ["blocked_address"] * 3
    assert results[f"http://public.test:{outer.port}/fine"].body == PAGE
    assert listener.hits == 0


def test_a_batch_keeps_the_deadline_and_the_size_cap(make_fetcher, make_server, make_raw):
    silent = make_raw(lambda conn, head: conn.recv(1))  # reads the request, never answers
    server = make_server()
    server.expect_request("/big").respond_with_data(b"x" * 5000, content_type="text/html")
    server.expect_request("/ok").respond_with_data(PAGE, content_type="text/html")
    fetcher = make_fetcher(total_timeout=0.5, max_body_bytes=1000)
    urls = [silent.url("/hang"), server.url_for("/big"), server.url_for("/ok")]
    results = {r.url: r for r in fetcher.fetch_many(urls, check_robots=False)}
    assert [results[url].error for url in urls] == ["timeout", "too_large", None]
    assert results[server.url_for("/ok")].body == PAGE
