"""Optional rendering of a source page in the system Chromium, every request it makes held to the fetcher's rules.

The browser never touches the network itself: each request it makes is intercepted (page.route) and either
refused or answered with what the safe fetcher (crm.net) brought back, so the address rule, the schemes,
the size caps and the deadline are exactly those of a static fetch, and DNS answers cannot change between
the check and the connection. The page's own document is served from the static fetch already made.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from dataclasses import dataclass, field

from crm.net import Fetcher, FetchPolicy, FetchResult
from crm.net.addresses import Resolver

log = logging.getLogger(__name__)

CHROMIUM = "/usr/bin/chromium"  # the Debian package; never a browser downloaded by Playwright
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--dns-prefetch-disable",
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
]
# Links do not live in images, fonts or video: those requests are dropped, not fetched.
SKIPPED_TYPES = frozenset({"image", "media", "font", "beacon", "ping", "csp_report", "manifest"})
SUBRESOURCE_TYPES = ("text/*", "application/*")
_PASSED_HEADERS = ("content-type", "access-control-allow-origin", "access-control-allow-credentials")


@dataclass(frozen=True)
class RenderLimits:
    """Bounds on one rendering: time, requests and bytes."""

    timeout: float = 15.0
    max_requests: int = 150
    max_bytes: int = 20 * 1024 * 1024
    chromium: str = CHROMIUM
    settle_ms: int = 1500  # how long to wait for the network to go quiet after the load event


@dataclass
class RenderReport:
    """What happened while rendering: requests fetched, refused and skipped, and any failure."""

    requests: int = 0
    bytes: int = 0
    blocked: list[str] = field(default_factory=list)  # refused by the address or scheme rules
    skipped: int = 0  # images, fonts, non-GET requests, requests past the limits
    error: str = ""

    def to_dict(self) -> dict:
        """JSON-ready, for the check's evidence."""
        return {"requests": self.requests, "bytes": self.bytes, "blocked": self.blocked[:20],
                "skipped": self.skipped, "error": self.error}


class Renderer:
    """One headless Chromium on a thread of its own (Playwright's sync API cannot share a thread), lazily started."""

    def __init__(self, policy: FetchPolicy, resolver: Resolver | None = None,
                 limits: RenderLimits | None = None) -> None:
        self.policy = policy
        self.limits = limits or RenderLimits()
        sub_policy = policy.replace(per_host_delay=0.0, per_host_concurrency=max(6, policy.per_host_concurrency),
                                    allowed_content_types=SUBRESOURCE_TYPES)
        self._fetcher = Fetcher(sub_policy, resolver=resolver)
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def render(self, page: FetchResult) -> tuple[FetchResult | None, RenderReport]:
        """The page as Chromium builds it after running its scripts, or None (with the report's error)."""
        if not page.ok or not page.body:
            return None, RenderReport(error="nothing to render")
        if not os.path.exists(self.limits.chromium):
            return None, RenderReport(error=f"no Chromium at {self.limits.chromium}")
        if self._thread is None:
            self._thread = threading.Thread(target=self._serve, name="crm-render", daemon=True)
            self._thread.start()
        reply: queue.SimpleQueue = queue.SimpleQueue()
        self._jobs.put((page, reply))
        try:
            # Starting the browser takes a few seconds on top of the page's own time.
            return reply.get(timeout=self.limits.timeout + 30)
        except queue.Empty:
            return None, RenderReport(error="the browser did not answer in time")

    def close(self) -> None:
        """Stop the browser and the fetcher."""
        if self._thread is not None:
            self._jobs.put(None)
            self._thread.join(timeout=15)
            self._thread = None
        self._fetcher.close()

    def _serve(self) -> None:
        from playwright.sync_api import sync_playwright

        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=self.limits.chromium, headless=True, args=CHROMIUM_ARGS
                )
                try:
                    while (job := self._jobs.get()) is not None:
                        page, reply = job
                        try:
                            reply.put(self._render_one(browser, page))
                        except Exception as exc:  # noqa: BLE001 - a page that breaks the browser is one failed render
                            log.warning("rendering %s failed: %s", page.url, exc)
                            reply.put((None, RenderReport(error=f"rendering failed: {exc}"[:300])))
                finally:
                    browser.close()
        except Exception as exc:  # noqa: BLE001 - no browser: every waiting page gets the reason
            log.warning("could not start Chromium: %s", exc)
            while (job := self._jobs.get()) is not None:
                job[1].put((None, RenderReport(error=f"could not start Chromium: {exc}"[:300])))

    def _render_one(self, browser, page: FetchResult) -> tuple[FetchResult | None, RenderReport]:
        from playwright.sync_api import Error as PlaywrightError

        report = RenderReport()
        started = time.monotonic()
        deadline = started + self.limits.timeout
        document_url = page.final_url or page.url
        context = browser.new_context(
            user_agent=self.policy.user_agent, service_workers="block", accept_downloads=False,
            java_script_enabled=True,
        )
        try:
            tab = context.new_page()
            state = {"document_served": False}

            def handle(route) -> None:
                self._answer(route, page, tab, state, report, deadline)

            tab.route("**/*", handle)
            tab.route_web_socket("**/*", lambda ws: ws.close())  # never connected to any server
            remaining_ms = max(1.0, (deadline - time.monotonic()) * 1000)
            try:
                tab.goto(document_url, wait_until="load", timeout=remaining_ms)
                settle = min(self.limits.settle_ms, max(1.0, (deadline - time.monotonic()) * 1000))
                tab.wait_for_load_state("networkidle", timeout=settle)
            except PlaywrightError as exc:
                if not state["document_served"]:
                    report.error = f"the page did not load: {exc}"[:300]
                    return None, report
                # Past the deadline with the document in place: read what has been built so far.
            html = tab.content()
            final_url = tab.url if tab.url.startswith(("http://", "https://")) else document_url
        finally:
            context.close()
        body = html.encode("utf-8")[: self.policy.max_decoded_bytes]
        headers = {k: v for k, v in page.headers.items() if k not in ("content-length", "content-encoding")}
        headers["content-type"] = "text/html; charset=utf-8"
        rendered = FetchResult(
            url=page.url, final_url=final_url, status=page.status, headers=headers, body=body,
            redirects=list(page.redirects), robots_allowed=page.robots_allowed,
            elapsed=page.elapsed + time.monotonic() - started,
        )
        return rendered, report

    def _answer(self, route, page: FetchResult, tab, state: dict, report: RenderReport, deadline: float) -> None:
        """Serve one browser request: the document from the static fetch, the rest through the safe fetcher."""
        request = route.request
        if not state["document_served"] and request.is_navigation_request() and request.frame == tab.main_frame:
            state["document_served"] = True
            headers = {k: v for k, v in page.headers.items() if k in _PASSED_HEADERS}
            route.fulfill(status=page.status or 200, headers=headers, body=page.body)
            return
        url = request.url
        if not url.startswith(("http://", "https://")):
            report.blocked.append(url[:300])
            route.abort("blockedbyclient")
            return
        remaining = deadline - time.monotonic()
        over = report.requests >= self.limits.max_requests or report.bytes >= self.limits.max_bytes
        if request.method != "GET" or request.resource_type in SKIPPED_TYPES or over or remaining <= 0:
            report.skipped += 1
            route.abort("blockedbyclient")
            return
        report.requests += 1
        result = self._fetcher.fetch_with(url, check_robots=False, budget=remaining)
        if result.error in ("blocked_address", "invalid_url"):
            report.blocked.append(url[:300])
            route.abort("blockedbyclient")
            return
        if result.error or result.status is None or report.bytes + len(result.body) > self.limits.max_bytes:
            route.abort("failed")
            return
        report.bytes += len(result.body)
        headers = {k: v for k, v in result.headers.items() if k in _PASSED_HEADERS}
        route.fulfill(status=result.status, headers=headers, body=result.body)
