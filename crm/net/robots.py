"""robots.txt per origin (RFC 9309): what a fetch of it means, its rules per agent, cached with a TTL."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from crm.net.result import FetchResult
from crm.net.robotstxt import RobotsFile

ALLOW_ALL = "allow_all"
DISALLOW_ALL = "disallow_all"
PARSED = "parsed"
# Whose view decides whether a page can be in the index that matters to a link buyer.
GOOGLEBOT = "Googlebot"


@dataclass(frozen=True)
class RobotsRules:
    """What one origin's robots.txt says, reduced to a verdict per URL."""

    kind: str  # PARSED, ALLOW_ALL or DISALLOW_ALL
    reason: str = ""
    parser: RobotsFile | None = None
    unreachable: bool = False  # DISALLOW_ALL because the file could not be read, not because it says so

    def allows(self, url: str, token: str) -> bool:
        """True when our product token may fetch the URL."""
        if self.kind == ALLOW_ALL:
            return True
        if self.kind == DISALLOW_ALL or self.parser is None:
            return False
        return self.parser.allowed(url, token)

    def crawl_delay(self, token: str) -> float | None:
        """The Crawl-delay the file asks of our token, if any."""
        return self.parser.crawl_delay(token) if self.parser is not None else None


def robots_url(origin: str) -> str:
    """Where an origin's robots.txt lives."""
    return f"{origin}/robots.txt"


def rules_from_result(result: FetchResult) -> tuple[RobotsRules, bool]:
    """Interpret a robots.txt fetch per RFC 9309; the flag says it was unreachable (cache it only briefly)."""
    if result.error == "too_many_redirects":
        return RobotsRules(ALLOW_ALL, "robots.txt redirects more than five times: treated as absent"), False
    if result.error or result.status is None:
        reason = f"robots.txt unreachable ({result.error}: {result.error_detail})"
        return RobotsRules(DISALLOW_ALL, reason, unreachable=True), True
    status = result.status
    if 200 <= status < 300:
        text = result.body.decode("utf-8", errors="replace").lstrip("\ufeff")
        return RobotsRules(PARSED, f"robots.txt answered {status}", RobotsFile.parse(text)), False
    # Google and common practice treat 429 like a server error: the site is struggling, stay away.
    if 400 <= status < 500 and status != 429:
        return RobotsRules(ALLOW_ALL, f"robots.txt answered {status}: no rules"), False
    reason = f"robots.txt answered {status}: unreachable, all disallowed"
    return RobotsRules(DISALLOW_ALL, reason, unreachable=True), True


@dataclass
class _Entry:
    rules: RobotsRules | None
    expires: float
    loaded: threading.Event


class RobotsCache:
    """Rules per origin with a TTL; one fetch per origin at a time, others wait for its answer."""

    def __init__(self, *, ttl: float, error_ttl: float, max_entries: int = 50000) -> None:
        self.ttl = ttl
        self.error_ttl = error_ttl
        self.max_entries = max_entries
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    def fresh(self, origin: str) -> RobotsRules | None:
        """The cached rules for an origin if still valid."""
        with self._lock:
            entry = self._entries.get(origin)
            if entry and entry.rules is not None and entry.expires > time.monotonic():
                return entry.rules
            return None

    def loading(self, origin: str) -> bool:
        """True while some thread is fetching this origin's robots.txt."""
        with self._lock:
            entry = self._entries.get(origin)
            return entry is not None and entry.rules is None

    def load(self, origin: str, fetch: Callable[[], FetchResult | None], wait_until: float) -> RobotsRules | None:
        """Cached rules, or rules fetched now; None when they could not be known before `wait_until`."""
        while True:
            with self._lock:
                entry = self._entries.get(origin)
                now = time.monotonic()
                if entry and entry.rules is not None and entry.expires > now:
                    return entry.rules
                if entry is None or entry.rules is not None:
                    mine = self._entries[origin] = _Entry(None, 0.0, threading.Event())
                    break
            if not entry.loaded.wait(max(0.0, wait_until - time.monotonic())):
                return None
            with self._lock:
                if entry.rules is not None:
                    return entry.rules
            if time.monotonic() >= wait_until:
                return None  # the other fetch gave up; this one has no time left to try
        rules = None
        try:
            result = fetch()
            if result is not None:
                rules, unreachable = rules_from_result(result)
        finally:
            with self._lock:
                if rules is None:
                    self._entries.pop(origin, None)
                else:
                    mine.rules = rules
                    mine.expires = time.monotonic() + (self.error_ttl if unreachable else self.ttl)
                    self._prune()
            mine.loaded.set()
        return rules

    def _prune(self) -> None:
        if len(self._entries) <= self.max_entries:
            return
        now = time.monotonic()
        for origin in [o for o, e in self._entries.items() if e.rules is not None and e.expires <= now]:
            del self._entries[origin]
        while len(self._entries) > self.max_entries:
            oldest = next(iter(self._entries))
            if self._entries[oldest].rules is None:
                break  # still loading; its fetcher will settle it
            del self._entries[oldest]
