"""Fetching many URLs at once: deduplicated, spread over hosts, each host held to its politeness bound.

A dispatcher thread hands a job to a worker only when the job's host admits a request now, taking
the host's slot on the worker's behalf (a Ticket). So workers never sit waiting on a busy host while
others are idle, and robots.txt is read once per origin, as a job of its own, before that origin's
pages are handed out.
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
from typing import TYPE_CHECKING, NamedTuple

from crm.net.addresses import FetchTarget, UnsafeURL, parse_fetch_url
from crm.net.politeness import Ticket
from crm.net.result import FetchResult

if TYPE_CHECKING:
    from crm.net.fetcher import Fetcher

_POLL = 0.05  # how soon to look again at a host held up by requests from outside this batch


class FetchRequest(NamedTuple):
    """One URL to fetch, with the validators of the copy we already have (for a conditional GET)."""

    url: str
    etag: str | None = None
    last_modified: str | None = None


@dataclass
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
    fetcher: Fetcher, requests: Iterable[str | tuple], *, check_robots: bool = True, workers: int | None = None
) -> Iterator[FetchResult]:
    """Yield one FetchResult per distinct input URL as fetches finish; identical pages are fetched once."""
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
    def __init__(self, fetcher: Fetcher, jobs: list[_Job], check_robots: bool, workers: int) -> None:
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
        self.workers = max(1, min(workers, len(jobs)))
        self.idle = self.workers
        self.cond = threading.Condition()
        self.stopped = False
        self.failure: BaseException | None = None
        self.handoff: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self.out: queue.Queue[FetchResult | None] = queue.Queue(maxsize=4 * self.workers)
        self.threads = [
            threading.Thread(target=self._work, name=f"crm-fetch-{n}", daemon=True) for n in range(self.workers)
        ]
        self.threads.append(threading.Thread(target=self._dispatch, name="crm-fetch-dispatch", daemon=True))
        for thread in self.threads:
            thread.start()

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
            for _ in range(self.workers):
                self.handoff.put(None)

    def _next_job(self) -> _Job | None:
        """Wait until a worker is free and some host admits a request, then take its slot for the job."""
        with self.cond:
            while True:
                if self.stopped or not (self.heap or self.robots_running):
                    return None
                now = time.monotonic()
                if not self.idle or not self.heap or self.heap[0][0] > now:
                    wake = self.heap[0][0] - now if self.idle and self.heap else None
                    self.cond.wait(wake)
                    continue
                when, _, host = heapq.heappop(self.heap)
                if self.when.get(host) != when:
                    continue
                del self.when[host]
                job = self._admit(host, now)
                if job is not None:
                    self.idle -= 1
                    return job

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

    def _work(self) -> None:
        while True:
            job = self.handoff.get()
            if job is None:
                return
            try:
                self._run(job)
            except BaseException as exc:
                self._fail(exc)
                raise
            finally:
                with self.cond:
                    self.idle += 1
                    host = job.target.host_key
                    waiting = self.robots_running.pop(job.target.origin, []) if job.robots_only else []
                    for name in [host, *waiting]:
                        if name in self.pending:
                            self._schedule(name, time.monotonic())
                    self.cond.notify()

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
