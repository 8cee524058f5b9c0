"""Fetching many URLs at once: deduplicated, spread over hosts, each host held to its politeness bound.

A dispatcher thread hands a job to a worker only when the job's host admits a request now, taking
the host's slot on the worker's behalf (a Ticket). So no worker ever sits waiting on a busy host, and
the number of workers follows the number of requests that may run at once: a worker is started when
a ready job finds none idle (up to the cap: the hosts' combined slots, and the policy's max_workers),
and retires after a spell with nothing to do. Throughput is then bound by politeness, not by a fixed
pool, while threads stay bounded however many hosts a batch holds. robots.txt is read once per origin,
as a job of its own, before that origin's pages are handed out.

This module sits above the single fetch: it drives any object with the few members of `PageFetcher`
and imports no fetcher, so the dependency runs one way (the fetcher offers fetch_many by calling in).
"""

from __future__ import annotations

import heapq
import itertools
import math
import queue
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import NamedTuple, Protocol

from crm.net.addresses import FetchTarget, UnsafeURL, parse_fetch_url
from crm.net.policy import FetchPolicy
from crm.net.politeness import HostGates, Ticket
from crm.net.result import FetchResult
from crm.net.robots import RobotsCache

_POLL = 0.05  # how soon to look again at a host held up by requests from outside this batch
_RETIRE_AFTER = 2.0  # seconds a worker waits for a job before it ends (the batch shrinks back)


class PageFetcher(Protocol):
    """What the scheduler needs from a fetcher: its policy, host gates, robots cache and two fetch calls."""

    policy: FetchPolicy
    gates: HostGates
    robots: RobotsCache

    def fetch_with(
        self, url: str, *, etag: str | None, last_modified: str | None, check_robots: bool, ticket: Ticket | None
    ) -> FetchResult:
        """Fetch one page, using a slot the scheduler already took."""

    def prefetch_robots(self, url: str, ticket: Ticket | None = None) -> None:
        """Load the robots.txt governing a URL into the cache."""


class FetchRequest(NamedTuple):
    """One URL to fetch, with the validators of the copy we already have (for a conditional GET)."""

    url: str
    etag: str | None = None
    last_modified: str | None = None


@dataclass(slots=True)  # one per page of a batch, so kept small
class _Job:
    request: FetchRequest
    target: FetchTarget
    asked: list[str] = field(default_factory=list)  # every input spelling that maps to this fetch
    robots_only: bool = False
    ticket: Ticket | None = None


def _as_request(item: str | tuple) -> FetchRequest:
    if isinstance(item, str):
        return FetchRequest(item)
    return FetchRequest(*item)


def fetch_many(
    fetcher: PageFetcher, requests: Iterable[str | tuple], *, check_robots: bool = True, workers: int | None = None
) -> Iterator[FetchResult]:
    """Yield one FetchResult per distinct input URL as fetches finish; identical pages are fetched once.

    `workers` caps the threads (default: the policy's max_workers); fewer run when fewer can be busy.
    """
    jobs: dict[tuple, _Job] = {}
    for item in requests:
        request = _as_request(item)
        try:
            target = parse_fetch_url(request.url)
        except UnsafeURL as exc:
            yield FetchResult(url=request.url, final_url=request.url, error="invalid_url", error_detail=str(exc))
            continue
        key = (target.url, request.etag, request.last_modified)
        job = jobs.get(key)
        if job is None:
            job = jobs[key] = _Job(request, target)
        if request.url not in job.asked:
            job.asked.append(request.url)
    if not jobs:
        return
    batch = _Batch(fetcher, list(jobs.values()), check_robots, workers or fetcher.policy.max_workers)
    try:
        yield from batch.results()
    finally:
        batch.stop()


class _Batch:
    def __init__(self, fetcher: PageFetcher, jobs: list[_Job], check_robots: bool, workers: int) -> None:
        self.fetcher = fetcher
        self.check_robots = check_robots
        self.pending: dict[str, deque[_Job]] = {}
        for job in jobs:
            self.pending.setdefault(job.target.host_key, deque()).append(job)
        self.remaining = sum(len(job.asked) for job in jobs)  # results still to yield
        self.heap: list[tuple[float, int, str]] = []
        self.when: dict[str, float] = {}  # the one live heap entry per host; older entries are skipped
        self.seq = itertools.count()
        for host in self.pending:
            self._schedule(host, 0.0)
        self.robots_running: dict[str, list[str]] = {}  # origin -> hosts waiting for its robots.txt
        self.robots_tried: set[str] = set()  # read once per batch; after that the page fetch tries itself
        # More threads than the hosts' slots together could never all be busy.
        slots = len(self.pending) * fetcher.policy.per_host_concurrency
        self.cap = max(1, min(workers, len(jobs), slots))
        self.live = 0  # worker threads started and not yet ended
        self.idle = 0  # workers waiting for a job that none was handed to yet
        self.peak = 0  # the most workers alive at once (for benchmarks and tests)
        self.cond = threading.Condition()
        self.stopped = False
        self.closed = False  # the dispatcher hands out nothing more
        self.dispatcher_wakes = -math.inf  # when the sleeping dispatcher looks at the heap again
        self.failure: BaseException | None = None
        self.handoff: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        # Bounded so a slow reader holds the workers back instead of piling up pages in memory.
        self.out: queue.Queue[FetchResult | None] = queue.Queue(maxsize=2 * self.cap + 16)
        threading.Thread(target=self._dispatch, name="crm-fetch-dispatch", daemon=True).start()

    def _schedule(self, host: str, when: float) -> None:
        if host in self.when and self.when[host] <= when:
            return
        self.when[host] = when
        heapq.heappush(self.heap, (when, next(self.seq), host))

    def results(self) -> Iterator[FetchResult]:
        """Results in the order they finish, one per input spelling of each URL."""
        while self.remaining:
            result = self.out.get()
            if result is None:
                raise RuntimeError("a fetch worker failed") from self.failure
            self.remaining -= 1
            yield result

    def stop(self) -> None:
        """Stop handing out jobs (the caller stopped listening); running fetches end on their own."""
        with self.cond:
            self.stopped = True
            self.cond.notify_all()

    def _dispatch(self) -> None:
        try:
            while True:
                job = self._next_job()
                if job is None:
                    break
                self.handoff.put(job)
        except BaseException as exc:
            self._fail(exc)
            raise
        finally:
            with self.cond:
                self.closed = True
                waiting = self.live
            for _ in range(waiting):
                self.handoff.put(None)

    def _next_job(self) -> _Job | None:
        """Wait until some host admits a request and a worker is free or may be started; take the slot."""
        with self.cond:
            while True:
                if self.stopped or not (self.heap or self.robots_running):
                    return None
                now = time.monotonic()
                free = self.idle or self.live < self.cap
                if free:
                    job = self._take_ready(now)
                    if job is not None and self.idle:
                        self.idle -= 1
                        return job
                    if job is not None:
                        self._start_worker(job)
                        continue
                # Until when the dispatcher sleeps: a worker scheduling a host sooner wakes it (see below).
                self.dispatcher_wakes = (self.heap[0][0] if self.heap else math.inf) if free else -math.inf
                self.cond.wait(self.heap[0][0] - now if free and self.heap else None)
                self.dispatcher_wakes = -math.inf

    def _take_ready(self, now: float) -> _Job | None:
        """A job whose host admits a request now, its slot taken; None when no host does (lock held)."""
        while self.heap and self.heap[0][0] <= now:
            when, _, host = heapq.heappop(self.heap)
            if self.when.get(host) != when:
                continue
            del self.when[host]
            job = self._admit(host, now)
            if job is not None:
                return job
        return None

    def _start_worker(self, job: _Job) -> None:
        """A new thread for a ready job that found every worker busy (the caller holds the lock)."""
        self.live += 1
        self.peak = max(self.peak, self.live)
        threading.Thread(target=self._work, args=(job,), name=f"crm-fetch-{self.live}", daemon=True).start()

    def _admit(self, host: str, now: float) -> _Job | None:
        """The job to run now for this host, with its slot taken; None after rescheduling the host."""
        gates, robots = self.fetcher.gates, self.fetcher.robots
        job = self.pending[host][0]
        origin = job.target.origin
        robots_missing = self.check_robots and robots.fresh(origin) is None
        if robots_missing and origin in self.robots_running:
            self.robots_running[origin].append(host)  # rescheduled when that robots.txt is in
            return None
        robots_needed = robots_missing and origin not in self.robots_tried
        if robots_needed and robots.loading(origin):
            self._schedule(host, now + _POLL)  # a fetch outside this batch is reading it
            return None
        ticket = gates.try_take(host)
        if ticket is None:
            if gates.paused_until(host) - now <= self.fetcher.policy.total_timeout:
                ready = gates.ready_at(host)
                self._schedule(host, ready if ready != math.inf else now + _POLL)
                return None
            robots_needed = False  # paused longer than a fetch may wait: the fetch reports it at once
        if robots_needed:
            self.robots_running[origin] = []
            self.robots_tried.add(origin)
            return _Job(job.request, job.target, robots_only=True, ticket=ticket)
        self.pending[host].popleft()
        if self.pending[host]:
            ready = gates.ready_at(host) if ticket else now
            self._schedule(host, ready if ready != math.inf else now + _POLL)  # a finishing job also wakes it
        else:
            del self.pending[host]
        job.ticket = ticket
        return job

    def _work(self, job: _Job | None) -> None:
        try:
            while job is not None:
                job = self._run_and_take_next(job) or self._wait_for_job()
        finally:
            with self.cond:
                self.live -= 1

    def _wait_for_job(self) -> _Job | None:
        """The next job handed to this worker; None when the batch is over or it was idle too long."""
        while True:
            try:
                return self.handoff.get(timeout=_RETIRE_AFTER)
            except queue.Empty:
                with self.cond:
                    if self.closed:
                        return None
                    if self.idle:  # more workers wait than jobs are on their way: one may end
                        self.idle -= 1
                        return None

    def _run_and_take_next(self, job: _Job) -> _Job | None:
        """Run a job, then take the next ready one at once (no hand-off), else report idle to the dispatcher."""
        following = None
        try:
            self._run(job)
        except BaseException as exc:
            self._fail(exc)
            raise
        finally:
            with self.cond:
                host = job.target.host_key
                waiting = self.robots_running.pop(job.target.origin, []) if job.robots_only else []
                now = time.monotonic()
                for name in [host, *waiting]:
                    if name in self.pending:
                        self._schedule(name, now)
                if not self.stopped:
                    following = self._take_ready(now)
                if following is None:
                    self.idle += 1
                    self.cond.notify()
                elif self.heap and self.heap[0][0] < self.dispatcher_wakes:
                    self.cond.notify()  # another host is ready before the dispatcher would look again
        return following

    def _fail(self, exc: BaseException) -> None:
        """A bug in a worker or the dispatcher: stop the batch and let the caller see the exception."""
        self.failure = exc
        self.stop()
        self.out.put(None)

    def _run(self, job: _Job) -> None:
        if job.robots_only:
            self.fetcher.prefetch_robots(job.target.url, job.ticket)
            return
        request = job.request
        result = self.fetcher.fetch_with(
            request.url,
            etag=request.etag,
            last_modified=request.last_modified,
            check_robots=self.check_robots,
            ticket=job.ticket,
        )
        for spelling in job.asked:
            self._emit(result if spelling == request.url else replace(result, url=spelling))

    def _emit(self, result: FetchResult) -> None:
        while True:
            try:
                self.out.put(result, timeout=0.5)
                return
            except queue.Full:
                with self.cond:
                    if self.stopped:
                        return
