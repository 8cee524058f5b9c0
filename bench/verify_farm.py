"""Bulk verification throughput against a farm of slow loopback hosts, compared with what politeness allows."""

# Usage: .venv/bin/python bench/verify_farm.py [--links 10000] [--hosts 500] [--latency 0.2] [--runs 3]
#        [--workers N] [--naive-threads 400 | --no-naive]
# A separate process serves N hosts on 127.0.x.y (asyncio, one listening socket per address, keep-alive),
# answering every request after --latency seconds; robots.txt is 404 (allow all), pages are ~12 KB of
# HTML holding the link being checked. Each run fetches the links with a fresh Fetcher.fetch_many under
# the default politeness (per-host concurrency and delay) and verifies every page with
# crm.links.verifier.verify. The same run measures two references: the politeness floor (the shortest
# time the per-host rules permit: slots, gap and latency, with robots.txt first) and a naive polite
# checker (a plain thread pool, one blocking GET per thread, per-host semaphore and gap, the same verify).
# Prints one JSON object: medians over --runs, CPU seconds of this process and of the farm, peak RSS.

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import multiprocessing
import os
import platform
import random
import resource
import socket
import statistics
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import urllib3  # noqa: E402

from crm.net import Fetcher, FetchPolicy, FetchResult  # noqa: E402

try:  # the verifier is another feature's; measure it too when it is there
    from crm.links.verifier import verify
except ImportError:  # pragma: no cover - depends on the checkout
    verify = None

TARGET = "https://www.client-shop.example/running-shoes/"
FIRST_ADDRESS = ipaddress.IPv4Address("127.0.1.1")  # 127/8 is all loopback, so 5,000 hosts fit
FILLER = " ".join(["Training plans, pacing, recovery and the shoes that carry you through them."] * 12)


def farm_addresses(count: int) -> list[str]:
    """The loopback addresses the farm listens on, one per host."""
    return [str(FIRST_ADDRESS + n) for n in range(count)]


def page_html(path: str) -> bytes:
    """A blog page with navigation, a paragraph of text and the link under test."""
    return _PAGE_HEAD + path.encode() + _PAGE_MIDDLE + path.encode() + _PAGE_TAIL


def _page_parts() -> tuple[bytes, bytes, bytes]:
    # Built once: the farm should spend its CPU on serving, not on formatting the same page again.
    nav = "".join(f'<li><a href="/section/{n}/">Section {n}</a></li>' for n in range(30))
    body = "".join(f"<p>{FILLER}</p>" for _ in range(8))
    head = "<!doctype html><html lang=en><head><meta charset=utf-8><title>Post "
    middle = f"</title></head><body><nav><ul>{nav}</ul></nav><article><h1>Post "
    tail = (
        f'</h1>{body}<p>We recommend <a href="{TARGET}">these running shoes</a> for long runs.</p>{body}</article>'
        "<footer><a href='/about/'>About</a></footer></body></html>"
    )
    return head.encode(), middle.encode(), tail.encode()


_PAGE_HEAD, _PAGE_MIDDLE, _PAGE_TAIL = _page_parts()


async def _serve(addresses: list[str], port: int, latency: float, ready) -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                path = head.split(b" ", 2)[1].decode()
                await asyncio.sleep(latency)
                if path == "/robots.txt":
                    status, kind, body = "404 Not Found", "text/plain", b"no robots here"
                else:
                    status, kind, body = "200 OK", "text/html; charset=utf-8", page_html(path)
                writer.write(
                    f"HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, IndexError):
            pass
        finally:
            writer.close()

    servers = [await asyncio.start_server(handle, host=address, port=port, backlog=256) for address in addresses]
    ready.put(port)
    await asyncio.gather(*(server.serve_forever() for server in servers))


def serve_farm(addresses: list[str], port: int, latency: float, ready) -> None:
    """Entry point of the farm process."""
    asyncio.run(_serve(addresses, port, latency, ready))


def free_port(address: str) -> int:
    """A port free on the farm's first address (the others use the same number)."""
    with socket.socket() as probe:
        probe.bind((address, 0))
        return probe.getsockname()[1]


def host_makespan(pages: int, concurrency: int, gap: float, latency: float) -> float:
    """Fastest one host can serve robots.txt then `pages` pages under the per-host rules."""
    slots = [latency] + [0.0] * (concurrency - 1)  # robots.txt occupies a slot first
    last_start, end = 0.0, latency
    for _ in range(pages):
        slots.sort()
        start = max(slots[0], last_start + gap, latency)  # pages wait for robots.txt
        slots[0] = start + latency
        last_start, end = start, max(end, start + latency)
    return end


def politeness_floor(per_host: Counter, policy: FetchPolicy, latency: float) -> float:
    """The shortest time the per-host politeness rules allow for this run, however many workers."""
    return max(host_makespan(n, policy.per_host_concurrency, policy.per_host_delay, latency) for n in per_host.values())


class Farm:
    """The farm process, its made-up host names and a way to read the CPU time it used."""

    def __init__(self, hosts: int, latency: float) -> None:
        addresses = farm_addresses(hosts)
        self.port = free_port(addresses[0])
        self.names = {f"site{n}.farm.test": address for n, address in enumerate(addresses)}
        context = multiprocessing.get_context("spawn")
        ready = context.Queue()
        self.process = context.Process(target=serve_farm, args=(addresses, self.port, latency, ready), daemon=True)
        self.process.start()
        ready.get(timeout=120)

    def resolve(self, host: str, _port: int) -> list[str]:
        """DNS for the farm's made-up names."""
        return [self.names[host.rstrip(".").lower()]]

    def cpu_seconds(self) -> float:
        """User plus system CPU of the farm process so far (Linux /proc)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        """End the farm process."""
        self.process.terminate()
        self.process.join()


def own_cpu_seconds() -> float:
    """User plus system CPU of this process so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb() -> float:
    """The most resident memory this process has used so far (ru_maxrss is in KiB on Linux)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def check(page: FetchResult, target: str, tally: Counter) -> None:
    """Verify one fetched page and count the outcome."""
    if page.error:
        tally[f"error:{page.error}"] += 1
    if verify is not None:
        tally[verify(page, target).status] += 1


def run_fetcher(farm: Farm, links: list[tuple[str, str]], policy: FetchPolicy, workers: int | None) -> dict:
    """One run of the product's checker: Fetcher.fetch_many then verify, as the recheck does."""
    targets, tally = dict(links), Counter()
    threads = threading.active_count()
    cpu, farm_cpu = own_cpu_seconds(), farm.cpu_seconds()
    with Fetcher(policy, resolver=farm.resolve) as fetcher:
        started = time.monotonic()
        for done, page in enumerate(fetcher.fetch_many([url for url, _ in links], workers=workers)):
            check(page, targets[page.url], tally)
            if done % 256 == 0:
                threads = max(threads, threading.active_count())
        elapsed = time.monotonic() - started
    return {
        "elapsed_s": elapsed,
        "cpu_s": own_cpu_seconds() - cpu,
        "farm_cpu_s": farm.cpu_seconds() - farm_cpu,
        "peak_threads": threads,
        "outcomes": dict(tally),
    }


def run_naive(farm: Farm, links: list[tuple[str, str]], policy: FetchPolicy, threads: int) -> dict:
    """The reference: a plain thread pool, each thread blocking on its page's host (semaphore, then the gap)."""
    hosts = {url.split("/")[2] for url, _ in links}
    slots = {host: threading.BoundedSemaphore(policy.per_host_concurrency) for host in hosts}
    spacing = {host: threading.Lock() for host in hosts}
    next_start = dict.fromkeys(hosts, 0.0)
    robots_done: dict[str, threading.Event] = {}
    robots_lock = threading.Lock()
    pools = {
        host: urllib3.HTTPConnectionPool(
            farm.resolve(host.split(":")[0], 0)[0], farm.port, maxsize=policy.per_host_concurrency, retries=False
        )
        for host in hosts
    }
    tally, tally_lock = Counter(), threading.Lock()

    def get(host: str, path: str) -> urllib3.BaseHTTPResponse:
        with slots[host]:
            with spacing[host]:
                wait = next_start[host] - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                next_start[host] = time.monotonic() + policy.per_host_delay
            return pools[host].request("GET", path, headers={"Host": host}, timeout=policy.read_timeout)

    def one(url: str, target: str) -> None:
        host = url.split("/")[2]
        with robots_lock:
            first = host not in robots_done
            event = robots_done.setdefault(host, threading.Event())
        if first:
            get(host, "/robots.txt")
            event.set()
        event.wait()
        response = get(host, "/" + url.split("/", 3)[3])
        page = FetchResult(
            url=url,
            final_url=url,
            status=response.status,
            headers={k.lower(): v for k, v in response.headers.items()},
            body=response.data,
        )
        outcome = Counter()
        check(page, target, outcome)
        with tally_lock:
            tally.update(outcome)

    cpu, farm_cpu = own_cpu_seconds(), farm.cpu_seconds()
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        for future in [pool.submit(one, url, target) for url, target in links]:
            future.result()
    elapsed = time.monotonic() - started
    for pool in pools.values():
        pool.close()
    return {
        "elapsed_s": elapsed,
        "cpu_s": own_cpu_seconds() - cpu,
        "farm_cpu_s": farm.cpu_seconds() - farm_cpu,
        "outcomes": dict(tally),
    }


def summary(runs: list[dict]) -> dict:
    """Medians over the runs (and every run's elapsed time, so the spread shows)."""
    return {
        "elapsed_s": round(statistics.median(r["elapsed_s"] for r in runs), 3),
        "runs_s": [round(r["elapsed_s"], 3) for r in runs],
        "cpu_s": round(statistics.median(r["cpu_s"] for r in runs), 2),
        "farm_cpu_s": round(statistics.median(r["farm_cpu_s"] for r in runs), 2),
        **({"peak_threads": max(r["peak_threads"] for r in runs)} if "peak_threads" in runs[0] else {}),
        "outcomes": runs[-1]["outcomes"],
    }


def main() -> None:
    """Run the farm, check every link with the product and with the naive reference, print one JSON object."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--links", type=int, default=10_000)
    parser.add_argument("--hosts", type=int, default=500)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--runs", type=int, default=3, help="runs of each checker; medians are reported")
    parser.add_argument("--workers", type=int, default=None, help="fetch_many's thread cap (default: the policy's)")
    parser.add_argument("--naive-threads", type=int, default=400, help="threads of the naive reference")
    parser.add_argument("--no-naive", action="store_true", help="skip the naive reference (big farms)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.links < 1 or not 1 <= args.hosts <= 60_000 or args.runs < 1 or args.latency < 0:
        parser.error("need --links >= 1, 1 <= --hosts <= 60000, --runs >= 1 and --latency >= 0")

    rss_before = peak_rss_mb()
    farm = Farm(args.hosts, args.latency)
    hosts = list(farm.names)
    policy = FetchPolicy(allow_private_networks=True)  # default politeness; the farm is on loopback
    links = [(f"http://{hosts[n % len(hosts)]}:{farm.port}/post/{n}", TARGET) for n in range(args.links)]
    random.Random(args.seed).shuffle(links)
    per_host = Counter(url.split("/")[2] for url, _ in links)
    floor = politeness_floor(per_host, policy, args.latency)
    try:
        ours = summary([run_fetcher(farm, links, policy, args.workers) for _ in range(args.runs)])
        rss_after = peak_rss_mb()  # before the reference runs, so it is the product's own peak
        naive = (
            None
            if args.no_naive
            else summary([run_naive(farm, links, policy, args.naive_threads) for _ in range(args.runs)])
        )
    finally:
        farm.stop()

    report = {
        "bench": "verify_farm",
        "links": args.links,
        "hosts": args.hosts,
        "latency_s": args.latency,
        "runs": args.runs,
        "per_host_concurrency": policy.per_host_concurrency,
        "per_host_delay_s": policy.per_host_delay,
        "worker_cap": args.workers or policy.max_workers,
        "verified": verify is not None,
        "politeness_floor_s": round(floor, 3),
        "fetch_many": ours,
        "ratio_to_floor": round(ours["elapsed_s"] / floor, 3),
        "pages_per_s": round(args.links / ours["elapsed_s"], 1),
        "peak_rss_mb": {"at_start": rss_before, "after_fetch_many_runs": rss_after},
        "machine": {
            "cpus": os.cpu_count(),
            "load_avg_1m": round(os.getloadavg()[0], 2),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
    }
    if naive is not None:
        report["naive"] = {"threads": args.naive_threads, **naive}
        report["ratio_to_naive"] = round(ours["elapsed_s"] / naive["elapsed_s"], 3)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
