"""The one safe HTTP fetcher: checked addresses, redirects by hand, one deadline, size caps, robots.txt, politeness."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import ada_url
from urllib3 import exceptions as u3
from urllib3.response import BaseHTTPResponse
from urllib3.util import Timeout

from crm.net import bulk
from crm.net.addresses import (
    FetchTarget,
    Resolver,
    UnsafeURL,
    check_addresses,
    parse_addresses,
    parse_fetch_url,
    system_resolver,
)
from crm.net.bodies import FetchError, accept_encoding, media_type, type_allowed
from crm.net.policy import FetchPolicy
from crm.net.politeness import GateTimeoutError, HostGates, HostPausedError, Ticket, parse_retry_after
from crm.net.reading import discard, network_error, read_body
from crm.net.result import FetchResult, Hop
from crm.net.robots import GOOGLEBOT, RobotsCache, RobotsRules, robots_url
from crm.net.transport import Deadline, PoolCache

_REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class _Mode:
    accept: str
    any_type: bool  # robots.txt is read whatever its Content-Type
    max_bytes: int
    truncate: bool  # keep the first max_bytes instead of refusing the body


class Fetcher:
    """Fetches pages under a FetchPolicy; thread-safe, keeps connections, robots.txt and host state between calls."""

    def __init__(self, policy: FetchPolicy | None = None, resolver: Resolver | None = None) -> None:
        self.policy = policy or FetchPolicy()
        p = self.policy
        self._resolver = resolver or system_resolver
        self._networks = p.networks()
        self.gates = HostGates(p.per_host_concurrency, p.per_host_delay, max_delay=p.max_crawl_delay)
        self.robots = RobotsCache(ttl=p.robots_ttl, error_ttl=p.robots_error_ttl)
        self._pools = PoolCache(per_pool=p.per_host_concurrency, ca_certs=p.ca_certs)
        # Lookups run on their own threads so a resolver that hangs cannot outlive the deadline.
        self._dns = ThreadPoolExecutor(max_workers=max(4, p.max_workers), thread_name_prefix="crm-dns")
        self._page = _Mode(
            "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8,*/*;q=0.1", False, p.max_body_bytes, False
        )
        self._robots_mode = _Mode("text/plain,*/*;q=0.5", True, p.robots_max_bytes, True)

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close pooled connections and helper threads."""
        self._pools.close()
        self._dns.shutdown(wait=False, cancel_futures=True)

    def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None, check_robots: bool = True
    ) -> FetchResult:
        """Fetch one page; never raises for network trouble, the FetchResult's error says what went wrong."""
        return self.fetch_with(url, etag=etag, last_modified=last_modified, check_robots=check_robots)

    def fetch_many(
        self, requests: Iterable[str | tuple], *, check_robots: bool = True, workers: int | None = None
    ) -> Iterator[FetchResult]:
        """Fetch many URLs across many hosts at once; see crm.net.bulk.fetch_many."""
        return bulk.fetch_many(self, requests, check_robots=check_robots, workers=workers)

    def fetch_with(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        check_robots: bool = True,
        ticket: Ticket | None = None,
        robots_file: bool = False,
        budget: float | None = None,
    ) -> FetchResult:
        """fetch() with scheduler hooks: a request slot taken ahead (ticket), robots.txt mode, a shorter budget."""
        started = time.monotonic()
        result = FetchResult(url=url, final_url=url)
        deadline = Deadline(self.policy.total_timeout if budget is None else budget)
        mode = self._robots_mode if robots_file else self._page
        conditional = {}
        if etag:
            conditional["If-None-Match"] = etag
        if last_modified:
            conditional["If-Modified-Since"] = last_modified
        try:
            with deadline.active():
                self._follow(result, deadline, mode, conditional, check_robots, ticket)
        except FetchError as stop:
            result.error, result.error_detail = stop.code, stop.detail
        finally:
            deadline.finish()
            if ticket is not None:
                self.gates.refund(ticket)
            result.elapsed = time.monotonic() - started
        return result

    def prefetch_robots(self, url: str, ticket: Ticket | None = None) -> None:
        """Load the robots.txt that governs a URL into the cache (a scheduler does this before the pages)."""
        try:
            target = parse_fetch_url(url)
        except UnsafeURL:
            return
        deadline = Deadline(self.policy.total_timeout)
        try:
            with deadline.active():
                self._robots_rules(target, deadline, ticket, whole_budget=True)
        except FetchError:
            pass  # the page fetch will meet the same trouble and report it
        finally:
            deadline.finish()
            if ticket is not None:
                self.gates.refund(ticket)  # unused when the rules were already cached or the fetch failed early

    def _follow(
        self, result: FetchResult, deadline: Deadline, mode: _Mode, conditional: dict, check_robots: bool, ticket
    ) -> None:
        current = result.url
        while True:
            try:
                target = parse_fetch_url(current)
            except UnsafeURL as exc:
                raise FetchError("invalid_url", str(exc)) from None
            result.final_url = target.url
            # Every hop passes the same gates as the first: address rule, then robots.txt.
            addresses = self._checked_addresses(target, deadline)
            paused = self.gates.paused_until(target.host_key) - time.monotonic()
            if paused > deadline.remaining():
                result.retry_after = paused
                raise FetchError("timeout", f"{target.host_key} asked us to come back in {paused:.0f} s")
            if check_robots:
                rules = self._robots_rules(target, deadline, ticket)
                result.robots_allowed = rules.allows(target.url, self.policy.product_token)
                result.googlebot_allowed = None if rules.unreachable else rules.allows(target.url, GOOGLEBOT)
                if not result.robots_allowed and rules.unreachable:
                    # RFC 9309: stay away from a host whose robots.txt cannot be read; that is not a "no".
                    raise FetchError("robots_unreachable", f"{target.origin}: {rules.reason}")
                if not result.robots_allowed:
                    raise FetchError("robots_disallowed", f"robots.txt of {target.origin} disallows {target.url}")
            status, location = self._exchange(result, target, addresses, deadline, mode, conditional, ticket)
            if location is None:
                return
            result.redirects.append(Hop(target.url, status))
            if len(result.redirects) > self.policy.max_redirects:
                raise FetchError("too_many_redirects", f"more than {self.policy.max_redirects} redirects")
            try:
                current = ada_url.join_url(target.url, location)
            except ValueError:
                raise FetchError("invalid_url", f"redirect to an unparsable Location {location[:200]!r}") from None

    def _checked_addresses(self, target: FetchTarget, deadline: Deadline) -> tuple[str, ...]:
        """Resolve once and apply the address rule; the pool then connects to exactly these addresses."""
        if target.literal is not None:
            addresses = [target.literal]
        else:
            lookup = self._dns.submit(self._resolver, target.host, target.port)
            try:
                answer = lookup.result(timeout=deadline.remaining())
            except TimeoutError:
                raise FetchError("timeout", f"DNS lookup of {target.host} did not finish in time") from None
            except Exception as exc:  # noqa: BLE001 - an injected resolver may raise anything; all mean "no answer"
                raise FetchError("dns", f"{target.host} does not resolve: {exc}") from None
            try:
                addresses = parse_addresses(answer or ())
            except ValueError as exc:
                raise FetchError("dns", str(exc)) from None
            if not addresses:
                raise FetchError("dns", f"{target.host} has no addresses")
        reason = check_addresses(
            addresses, allow_private=self.policy.allow_private_networks, allowed_networks=self._networks
        )
        if reason:
            raise FetchError("blocked_address", f"{target.host}: {reason}")
        return tuple(str(ip) for ip in addresses)

    def _robots_rules(
        self, target: FetchTarget, deadline: Deadline, ticket: Ticket | None, whole_budget: bool = False
    ) -> RobotsRules:
        rules = self.robots.fresh(target.origin)
        if rules is not None:
            return rules

        def fetch_file() -> FetchResult | None:
            """robots.txt fetched within what is left of the page's time; None when that cut it short."""
            budget = deadline.remaining()
            fetched = self.fetch_with(
                robots_url(target.origin), check_robots=False, ticket=ticket, robots_file=True, budget=budget
            )
            if fetched.error == "timeout" and not whole_budget:
                return None  # cut short by the page's own deadline: not the site's fault, do not cache
            return fetched

        rules = self.robots.load(target.origin, fetch_file, deadline.at)
        if rules is None:
            raise FetchError("timeout", f"robots.txt of {target.origin} could not be read before the deadline")
        delay = rules.crawl_delay(self.policy.product_token)
        if delay:
            self.gates.slow_down(target.host_key, delay)
        return rules

    def _exchange(self, result, target, addresses, deadline, mode, conditional, ticket) -> tuple[int, str | None]:
        """One request under the host's gate: (status, Location when it is a redirect to follow)."""
        host = target.host_key
        if ticket is not None and not ticket.used and ticket.host == host:
            ticket.used = True
        else:
            try:
                self.gates.acquire(host, deadline.at)
            except HostPausedError as paused:
                result.retry_after = paused.seconds
                raise FetchError("timeout", f"{host} asked us to come back in {paused.seconds:.0f} s") from None
            except GateTimeoutError as exc:
                raise FetchError("timeout", str(exc)) from None
        try:
            return self._request(result, target, addresses, deadline, mode, conditional)
        finally:
            self.gates.release(host)

    def _request(self, result, target, addresses, deadline, mode, conditional) -> tuple[int, str | None]:
        remaining = deadline.remaining()
        if remaining <= 0:
            raise FetchError("timeout", "the fetch ran out of time")
        headers = {"User-Agent": self.policy.user_agent, "Accept": mode.accept, "Accept-Encoding": accept_encoding()}
        headers.update(conditional)
        pool = self._pools.get(target.scheme, target.host, target.port, addresses)
        timeout = Timeout(
            connect=min(self.policy.connect_timeout, remaining), read=min(self.policy.read_timeout, remaining)
        )
        try:
            response = pool.urlopen(
                "GET",
                target.path,
                headers=headers,
                retries=False,
                redirect=False,
                assert_same_host=False,
                timeout=timeout,
                preload_content=False,
                decode_content=False,
                release_conn=False,
            )
        except (u3.HTTPError, OSError) as exc:
            raise network_error(exc, deadline, f"request to {target.host}") from None
        try:
            return self._response(result, target, response, deadline, mode)
        finally:
            response.release_conn()

    def _response(self, result, target, response: BaseHTTPResponse, deadline, mode) -> tuple[int, str | None]:
        status = response.status
        headers = {name.lower(): response.headers[name] for name in response.headers}
        if "x-robots-tag" in headers:  # each header is read on its own (crm.links.indexing.x_robots)
            headers["x-robots-tag"] = "\n".join(response.headers.getlist("x-robots-tag"))
        location = headers.get("location")
        if status in _REDIRECTS and location:
            discard(response, status)
            return status, location
        result.status, result.headers = status, headers
        if status in (429, 503):
            wait = parse_retry_after(headers.get("retry-after"))
            if wait is not None:
                result.retry_after = min(wait, self.policy.max_retry_after)
                self.gates.pause(target.host_key, result.retry_after)
        if status == 304:
            result.not_modified = True
            discard(response, status)
            return status, None
        if not (mode.any_type or type_allowed(headers.get("content-type"), self.policy.allowed_content_types)):
            discard(response, status)
            if 200 <= status < 300:
                kind = media_type(headers.get("content-type"))
                raise FetchError("content_type", f"{kind} is not a document the fetcher reads")
            return status, None  # an error page of another type: its status is the news, not its body
        result.body = read_body(
            response, headers, deadline, mode.max_bytes, self.policy.max_decoded_bytes, mode.truncate
        )
        return status, None
