"""Politeness per host: a bound on simultaneous requests, a gap between them, and pauses asked for by servers."""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

_PRUNE_ABOVE = 20000  # hosts remembered before idle ones are forgotten


class HostPausedError(Exception):
    """The host asked us to stay away for longer than this fetch may wait."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"host paused for {seconds:.1f} s more")
        self.seconds = seconds


class GateTimeoutError(Exception):
    """No request slot to the host opened before the fetch's deadline."""


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delay-seconds or an HTTP date); None when absent or unreadable."""
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(int(text))
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


@dataclass
class _Gate:
    delay: float
    in_flight: int = 0
    next_start: float = 0.0
    paused_until: float = 0.0


@dataclass
class Ticket:
    """A request slot to one host taken ahead of time by a scheduler, handed to the fetch that will use it."""

    host: str
    previous_start: float
    granted_start: float
    used: bool = False


class HostGates:
    """Admission per host: at most `concurrency` requests at once, starts `delay` apart, pauses honoured."""

    def __init__(self, concurrency: int, delay: float, *, max_delay: float = 60.0) -> None:
        self.concurrency = concurrency
        self.delay = delay
        self.max_delay = max_delay
        self._gates: dict[str, _Gate] = {}
        self.lock = threading.RLock()
        self._changed = threading.Condition(self.lock)

    def _gate(self, host: str) -> _Gate:
        gate = self._gates.get(host)
        if gate is None:
            if len(self._gates) > _PRUNE_ABOVE:
                self._prune(time.monotonic())
            gate = self._gates[host] = _Gate(self.delay)
        return gate

    def _prune(self, now: float) -> None:
        idle = [
            host
            for host, gate in self._gates.items()
            if gate.in_flight == 0 and gate.next_start <= now and gate.paused_until <= now
        ]
        for host in idle:
            del self._gates[host]

    def ready_at(self, host: str) -> float:
        """When a request to the host could start (monotonic clock); infinity while every slot is taken."""
        with self.lock:
            gate = self._gate(host)
            if gate.in_flight >= self.concurrency:
                return math.inf
            return max(gate.next_start, gate.paused_until)

    def paused_until(self, host: str) -> float:
        """The monotonic time until which the host asked us to wait (0 when it did not)."""
        with self.lock:
            gate = self._gates.get(host)
            return gate.paused_until if gate else 0.0

    def try_take(self, host: str) -> Ticket | None:
        """Take a slot now if the host admits a request now; the ticket must later be released."""
        with self.lock:
            now = time.monotonic()
            if self.ready_at(host) > now:
                return None
            gate = self._gate(host)
            ticket = Ticket(host, gate.next_start, now + gate.delay)
            gate.in_flight += 1
            gate.next_start = ticket.granted_start
            return ticket

    def acquire(self, host: str, deadline: float) -> None:
        """Wait for a slot to the host; HostPausedError or GateTimeoutError when none opens in time."""
        with self.lock:
            while True:
                now = time.monotonic()
                gate = self._gate(host)
                if gate.paused_until > deadline:
                    raise HostPausedError(gate.paused_until - now)
                ready = self.ready_at(host)
                if ready <= now:
                    gate.in_flight += 1
                    gate.next_start = now + gate.delay
                    return
                if now >= deadline:
                    raise GateTimeoutError(f"no request slot to {host} before the deadline")
                self._changed.wait(min(ready, deadline) - now)

    def release(self, host: str) -> None:
        """A request to the host is over."""
        with self.lock:
            gate = self._gate(host)
            gate.in_flight = max(0, gate.in_flight - 1)
            self._changed.notify_all()

    def refund(self, ticket: Ticket) -> None:
        """Give back a ticket that was never used, so its host does not wait a gap for nothing."""
        with self.lock:
            if ticket.used:
                return  # its request ran and was released like any other
            ticket.used = True
            gate = self._gate(ticket.host)
            if gate.next_start == ticket.granted_start:
                gate.next_start = ticket.previous_start
            gate.in_flight = max(0, gate.in_flight - 1)
            self._changed.notify_all()

    def pause(self, host: str, seconds: float) -> None:
        """Keep requests away from the host for a while (a Retry-After answer)."""
        with self.lock:
            gate = self._gate(host)
            gate.paused_until = max(gate.paused_until, time.monotonic() + seconds)

    def slow_down(self, host: str, delay: float) -> None:
        """Widen the gap between requests to one host (a robots.txt Crawl-delay), never below the default."""
        with self.lock:
            self._gate(host).delay = max(self.delay, min(delay, self.max_delay))
