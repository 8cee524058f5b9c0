"""Bulk verification throughput against a farm of slow loopback hosts, compared with what politeness allows."""

# Usage: .venv/bin/python bench/verify_farm.py [--links 10000] [--hosts 500] [--latency 0.2] [--workers N]
# A separate process serves N hosts on 127.0.1.x (asyncio, one listening socket per address, keep-alive),
# answering every request after --latency seconds; robots.txt is 404 (allow all), pages are ~12 KB of
# HTML holding the link being checked. The links are fetched with Fetcher.fetch_many under the default
# politeness (per-host concurrency and delay) and each page goes through crm.links.verifier.verify when
# it exists. Prints one JSON object, including the politeness bound: the shortest time the rules permit
# for these requests (per-host slots, gap and latency, and the worker count), and elapsed / bound.

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import multiprocessing
import os
import platform
import random
import socket
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from crm.net import Fetcher, FetchPolicy  # noqa: E402

try:  # the verifier is another feature's; measure it too when it is there
    from crm.links.verifier import verify
except ImportError:  # pragma: no cover - depends on the checkout
    verify = None

TARGET = "https://www.client-shop.example/running-shoes/"
FIRST_ADDRESS = ipaddress.IPv4Address("127.0.1.1")
FILLER = " ".join(["Training plans, pacing, recovery and the shoes that carry you through them."] * 12)


def farm_addresses(count: int) -> list[str]:
    """The loopback addresses the farm listens on, one per host."""
    return [str(FIRST_ADDRESS + n) for n in range(count)]


def page_html(path: str) -> bytes:
    """A blog page with navigation, a paragraph of text and the link under test."""
    nav = "".join(f'<li><a href="/section/{n}/">Section {n}</a></li>' for n in range(30))
    body = "".join(f"<p>{FILLER}</p>" for _ in range(8))
    return (
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>Post {path}</title></head><body>"
        f"<nav><ul>{nav}</ul></nav><article><h1>Post {path}</h1>{body}"
        f'<p>We recommend <a href="{TARGET}">these running shoes</a> for long runs.</p>{body}</article>'
        f"<footer><a href='/about/'>About</a></footer></body></html>"
    ).encode()


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


def politeness_bound(per_host: Counter, policy: FetchPolicy, latency: float, workers: int) -> float:
    """The shortest time the politeness rules and the worker count allow for this run."""
    slowest_host = max(
        host_makespan(n, policy.per_host_concurrency, policy.per_host_delay, latency) for n in per_host.values()
    )
    requests = sum(per_host.values()) + len(per_host)  # pages plus one robots.txt per host
    return max(slowest_host, requests * latency / workers)


def main() -> None:
    """Run the farm, fetch (and verify) every link, print one JSON object."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--links", type=int, default=10_000)
    parser.add_argument("--hosts", type=int, default=500)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--workers", type=int, default=None, help="fetch_many threads (default: the policy's)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    addresses = farm_addresses(args.hosts)
    port = free_port(addresses[0])
    context = multiprocessing.get_context("spawn")
    ready = context.Queue()
    farm = context.Process(target=serve_farm, args=(addresses, port, args.latency, ready), daemon=True)
    farm.start()
    ready.get(timeout=60)

    names = {f"site{n}.farm.test": address for n, address in enumerate(addresses)}
    policy = FetchPolicy(allow_private_networks=True)  # default politeness; the farm is on loopback
    workers = args.workers or policy.max_workers
    hosts = list(names)
    links = [(f"http://{hosts[n % len(hosts)]}:{port}/post/{n}", TARGET) for n in range(args.links)]
    random.Random(args.seed).shuffle(links)
    per_host = Counter(url.split("/")[2] for url, _ in links)

    def resolver(host: str, _port: int) -> list[str]:
        """DNS for the farm's made-up names."""
        return [names[host.rstrip(".").lower()]]

    statuses: Counter = Counter()
    errors: Counter = Counter()
    targets = dict(links)
    with Fetcher(policy, resolver=resolver) as fetcher:
        started = time.monotonic()
        for page in fetcher.fetch_many([url for url, _ in links], workers=workers):
            if page.error:
                errors[page.error] += 1
            if verify is not None:
                statuses[verify(page, targets[page.url]).status] += 1
        elapsed = time.monotonic() - started
    farm.terminate()

    bound = politeness_bound(per_host, policy, args.latency, workers)
    print(
        json.dumps(
            {
                "bench": "verify_farm",
                "links": args.links,
                "hosts": args.hosts,
                "latency_s": args.latency,
                "workers": workers,
                "per_host_concurrency": policy.per_host_concurrency,
                "per_host_delay_s": policy.per_host_delay,
                "verified": verify is not None,
                "elapsed_s": round(elapsed, 3),
                "pages_per_s": round(args.links / elapsed, 1),
                "politeness_bound_s": round(bound, 3),
                "ratio_to_bound": round(elapsed / bound, 3),
                "fetch_errors": dict(errors),
                "verdicts": dict(statuses),
                "machine": {
                    "cpus": os.cpu_count(),
                    "platform": platform.platform(),
                    "python": platform.python_version(),
                },
            }
        )
    )


if __name__ == "__main__":
    main()
