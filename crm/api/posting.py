"""POSTing a webhook body under the safe fetcher's address rule: each attempt resolved, checked and pinned."""

from __future__ import annotations

import time
from dataclasses import dataclass

from urllib3 import exceptions as u3
from urllib3.util import Timeout

from crm.net.addresses import UnsafeURL, check_addresses, parse_addresses, parse_fetch_url, system_resolver
from crm.net.policy import FetchPolicy
from crm.net.transport import PoolCache

EXCERPT = 1000  # characters of the receiver's answer kept in the log


@dataclass(frozen=True)
class PostResult:
    """How one POST went: status (None when no answer), the answer's start, an error code and the time taken."""

    status: int | None
    excerpt: str
    error: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        """A 2xx answer."""
        return self.status is not None and 200 <= self.status < 300

    @property
    def retryable(self) -> bool:
        """Worth trying again: no answer, a timeout, 429 or a 5xx; a 4xx or a refused address is final."""
        if self.error == "blocked_address" or self.error == "invalid_url":
            return False
        return self.status is None or self.status == 429 or self.status >= 500


def address_problem(url: str, policy: FetchPolicy, resolver=system_resolver) -> str | None:
    """Why the fetcher's rules refuse this URL now (scheme, credentials, any inward address), or None."""
    try:
        target = parse_fetch_url(url)
    except UnsafeURL as exc:
        return str(exc)
    if target.literal is not None:
        addresses = parse_addresses([target.literal])
    else:
        try:
            addresses = parse_addresses(resolver(target.host, target.port) or ())
        except (OSError, ValueError) as exc:
            return f"{target.host} does not resolve: {exc}"
        if not addresses:
            return f"{target.host} has no addresses"
    reason = check_addresses(addresses, allow_private=policy.allow_private_networks,
                             allowed_networks=policy.networks())
    return f"{target.host}: {reason}" if reason else None


class Poster:
    """Sends webhook POSTs; never follows redirects (a 3xx is an answer like any other)."""

    def __init__(self, policy: FetchPolicy, resolver=system_resolver) -> None:
        self.policy = policy
        self._resolver = resolver
        self._pools = PoolCache(per_pool=4, ca_certs=policy.ca_certs)

    def close(self) -> None:
        """Close pooled connections."""
        self._pools.close()

    def post(self, url: str, body: str, headers: dict[str, str], timeout: float) -> PostResult:
        """POST the body; the address is checked on this very attempt and the socket goes to that address."""
        started = time.monotonic()

        def done(status=None, excerpt="", error=""):
            return PostResult(status, excerpt, error, int((time.monotonic() - started) * 1000))

        try:
            target = parse_fetch_url(url)
        except UnsafeURL as exc:
            return done(error="invalid_url", excerpt=str(exc))
        try:
            answer = [target.literal] if target.literal else self._resolver(target.host, target.port)
            addresses = parse_addresses(answer or ())
        except (OSError, ValueError) as exc:
            return done(error="dns", excerpt=str(exc)[:EXCERPT])
        if not addresses:
            return done(error="dns", excerpt=f"{target.host} has no addresses")
        reason = check_addresses(addresses, allow_private=self.policy.allow_private_networks,
                                 allowed_networks=self.policy.networks())
        if reason:
            return done(error="blocked_address", excerpt=f"{target.host}: {reason}")
        pool = self._pools.get(target.scheme, target.host, target.port, tuple(str(ip) for ip in addresses))
        sent = {"User-Agent": self.policy.user_agent, "Content-Type": "application/json", **headers}
        try:
            response = pool.urlopen("POST", target.path, body=body.encode("utf-8"), headers=sent, retries=False,
                                    redirect=False, assert_same_host=False, preload_content=False,
                                    timeout=Timeout(connect=min(self.policy.connect_timeout, timeout), read=timeout))
        except (u3.TimeoutError, TimeoutError):
            return done(error="timeout", excerpt=f"no answer from {target.host} within {timeout:g} s")
        except (u3.HTTPError, OSError) as exc:
            return done(error="connect", excerpt=f"{target.host}: {type(exc).__name__}")
        try:
            head = response.read(EXCERPT * 4, decode_content=True) or b""
        except (u3.HTTPError, OSError):
            head = b""
        finally:
            response.release_conn()
        return done(status=response.status, excerpt=head.decode("utf-8", "replace")[:EXCERPT])
