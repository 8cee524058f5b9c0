"""Decide whether a backlink is live on a fetched page, and say why when it does not count."""

# The verifier is a pure function over one fetch: it reports what this response shows. Turning a live
# link into a lost one only after a second, confirming check is the monitoring service's job.

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime

from crm.links.anchors import NOFOLLOW_TOKENS, Candidate, PageLinks, collect
from crm.links.html import collapse, link_text, page_language, snippet
from crm.links.indexing import directives, looks_like_not_found
from crm.links.parsedpage import ParsedPage
from crm.net.matching import match_target
from crm.net.result import FetchResult
from crm.net.urls import parse, site_of

STATUSES = ("live", "live_nofollow", "missing", "wrong_target", "not_indexable", "page_error", "blocked", "unverified")

# Fetch failures that say nothing about the link: try again later, never call the link missing.
_UNVERIFIED_ERRORS = {"timeout": "timeout", "connect": "connect_error", "dns": "dns_error", "too_large": "too_large",
                      "content_type": "not_html", "robots_unreachable": "robots_unreachable"}
# Fetch failures that mean the source page, as given, cannot be a working page.
_PAGE_ERRORS = {"invalid_url": "invalid_url", "blocked_address": "blocked_address",
                "too_many_redirects": "too_many_redirects"}
_HTML_TYPES = frozenset({"", "text/html", "application/xhtml+xml"})
# Answers from bot walls, rate limits and struggling servers: the page may well be fine for readers.
_TRANSIENT_STATUSES = {403: "http_403", 408: "http_408", 429: "http_429"}


@dataclass
class Verdict:
    """The verifier's answer for one (source page, target) pair, with the evidence behind it."""

    source_url: str
    target_url: str
    status: str = "unverified"
    found: bool = False
    match: str | None = None
    match_difference: list[str] = field(default_factory=list)
    link_url: str | None = None
    rel: list[str] = field(default_factory=list)
    anchor_text: str | None = None
    link_title: str | None = None  # the title attribute: shown on hover, not anchor text
    link_aria_label: str | None = None  # what screen readers say instead of the text, not anchor text
    http_status: int | None = None
    final_url: str = ""
    indexable: bool | None = False  # None when robots.txt kept us out of a page search engines may read
    reasons: list[str] = field(default_factory=list)
    placement: str | None = None
    outbound_links: int = 0
    links_to_target: int = 0
    page_noindex: bool = False
    page_nofollow: bool = False
    x_robots_noindex: bool = False
    x_robots_nofollow: bool = False
    robots_disallowed: bool = False  # Googlebot may not crawl the page, so it is not indexed
    robots_blocked_us: bool = False  # our own checker may not fetch the page (says nothing about indexing)
    canonical: str | None = None
    canonical_elsewhere: bool = False
    redirect_chain: list[dict] = field(default_factory=list)
    hidden: bool = False
    hidden_kind: str | None = None
    snippet: str = ""
    language: str | None = None
    encoding: str | None = None
    error: str | None = None
    error_detail: str = ""

    def reason(self, code: str) -> None:
        """Add a reason code once, keeping the order they were found in."""
        if code not in self.reasons:
            self.reasons.append(code)

    def to_dict(self) -> dict:
        """JSON-ready fields, for the CLI, the API and the stored LinkCheck evidence."""
        return asdict(self)


def _status_failure(status: int) -> tuple[str, str] | None:
    """Status and reason for an HTTP status that leaves no page to read; None for 2xx."""
    if 200 <= status < 300:
        return None
    if status in _TRANSIENT_STATUSES:
        return "unverified", _TRANSIENT_STATUSES[status]
    if status >= 500:
        return "unverified", "http_5xx"
    if status in (404, 410):
        return "page_error", f"http_{status}"
    if 400 <= status < 500:
        return "page_error", "http_4xx"
    if 300 <= status < 400:
        return "page_error", "http_3xx"
    return "unverified", "http_other"


def _fetch_failure(page: FetchResult) -> tuple[str, str] | None:
    """Status and reason when the fetch produced nothing the verifier can read."""
    if page.error in _PAGE_ERRORS:
        return "page_error", _PAGE_ERRORS[page.error]
    if page.error:
        return "unverified", _UNVERIFIED_ERRORS.get(page.error, page.error)
    if page.not_modified:
        return "unverified", "not_modified"
    if page.status is None:
        return "unverified", "no_response"
    failure = _status_failure(page.status)
    if failure:
        return failure
    if page.content_type not in _HTML_TYPES:
        return "unverified", "not_html"
    return None


def _anchor_key(text: str) -> str:
    return collapse(unicodedata.normalize("NFKC", text)).casefold().strip(" \"'\u201c\u201d\u2018\u2019\u00ab\u00bb")


def _rel_mismatch(expected: str | Iterable[str], actual: list[str]) -> bool:
    """Whether a link's rel breaks what was agreed: a "follow" deal, or required sponsored/ugc/nofollow."""
    tokens = set((expected.replace(",", " ") if isinstance(expected, str) else " ".join(expected)).lower().split())
    wanted = tokens & set(NOFOLLOW_TOKENS)
    present = set(actual) & set(NOFOLLOW_TOKENS)
    if wanted:
        return not wanted <= present
    # "follow", "dofollow", an empty rel or only non-SEO tokens all mean the link must pass value.
    return bool(present)


def _redirected_home(page: FetchResult) -> bool:
    """A deep URL that redirects to its site's home page is a removed page (a soft 404) to search engines."""
    if not page.redirects:
        return False
    first, final = parse(page.url), parse(page.final_url)
    if first is None or final is None:
        return False
    return first.pathname not in ("", "/") and final.pathname == "/" and site_of(page.url) == site_of(page.final_url)


def _describe_link(verdict: Verdict, link: Candidate) -> None:
    verdict.match = link.match
    verdict.match_difference = list(link.differences)
    verdict.link_url = link.url
    verdict.rel = list(link.rel)
    verdict.anchor_text = link_text(link.node)
    attrs = link.node.attrs
    verdict.link_title = collapse(attrs.get("title")) or None
    verdict.link_aria_label = collapse(attrs.get("aria-label")) or None
    verdict.placement = link.placement
    verdict.hidden = link.hidden is not None
    verdict.hidden_kind = link.hidden
    verdict.snippet = snippet(link.node, anchor=verdict.anchor_text)


def _read_signals(verdict: Verdict, parsed: ParsedPage, page: FetchResult, now: datetime | None) -> None:
    """Record the page-level indexing and following signals, and whether the page is indexable."""
    signals = directives(parsed.tree, page.headers, parsed.base_url, now=now, metas=parsed.metas)
    verdict.language = page_language(parsed.tree, page.headers.get("content-language", ""), parsed.metas)
    verdict.page_noindex, verdict.page_nofollow = signals.meta_noindex, signals.meta_nofollow
    verdict.x_robots_noindex, verdict.x_robots_nofollow = signals.header_noindex, signals.header_nofollow
    verdict.canonical = signals.canonical
    if signals.canonical and signals.canonical != verdict.final_url:  # the same URL, as most pages give it, is exact
        verdict.canonical_elsewhere = match_target(signals.canonical, verdict.final_url) not in ("exact", "equivalent")
    verdict.indexable = not (verdict.page_noindex or verdict.x_robots_noindex or verdict.robots_disallowed
                             or verdict.canonical_elsewhere)
    flags = {
        "page_noindex": verdict.page_noindex,
        "x_robots_noindex": verdict.x_robots_noindex,
        "robots_disallowed": verdict.robots_disallowed,
        "canonical_elsewhere": verdict.canonical_elsewhere,
        "canonical_conflict": signals.canonical_conflict,
        "page_nofollow": verdict.page_nofollow,
        "x_robots_nofollow": verdict.x_robots_nofollow,
        "meta_refresh": signals.refresh_to is not None and signals.refresh_to != verdict.final_url,
    }
    for code, flag in flags.items():
        if flag:
            verdict.reason(code)


def _judge_absent(verdict: Verdict, parsed: ParsedPage, page: FetchResult, links: PageLinks) -> None:
    """No link to our target: a page that says it is gone, a link to the wrong page, or nothing."""
    if looks_like_not_found(parsed.tree) or _redirected_home(page):
        verdict.status, verdict.indexable = "page_error", False
        verdict.reason("soft_404")
    elif links.wrong:
        _describe_link(verdict, links.best_wrong())
        verdict.status = "wrong_target"
        verdict.reason("wrong_target")
    else:
        verdict.status = "missing"
        verdict.reason("no_link")


def _judge_found(verdict: Verdict, best: Candidate, expected_anchor: str | None,
                 expected_rel: str | Iterable[str] | None) -> None:
    """Our link is on the page: decide live, live_nofollow or not_indexable, and note what weakens it."""
    verdict.found = True
    for token in NOFOLLOW_TOKENS:
        if token in best.rel:
            verdict.reason(token)
    if best.hidden:
        verdict.reason("hidden_link")
    if best.area:
        verdict.reason("area_link")
    if not verdict.anchor_text:
        verdict.reason("empty_anchor")
    if expected_anchor is not None and _anchor_key(expected_anchor) != _anchor_key(verdict.anchor_text or ""):
        verdict.reason("anchor_mismatch")
    if expected_rel is not None and _rel_mismatch(expected_rel, best.rel):
        verdict.reason("rel_mismatch")
    if not verdict.indexable:
        verdict.status = "not_indexable"
    elif not best.followed or verdict.page_nofollow or verdict.x_robots_nofollow:
        verdict.status = "live_nofollow"
    else:
        verdict.status = "live"


def _judge_robots(verdict: Verdict, page: FetchResult) -> tuple[str, str] | None:
    """Googlebot's robots.txt group decides indexing; our own group only whether we could look."""
    verdict.robots_disallowed = page.googlebot_allowed is False
    verdict.robots_blocked_us = page.robots_allowed is False or page.error == "robots_disallowed"
    if page.error != "robots_disallowed":
        return None
    if verdict.robots_disallowed:
        return "not_indexable", "robots_disallowed"  # Google may not read it either: not indexed, fetch or not
    verdict.indexable = None  # search engines may well index it; we just may not look
    return "blocked", "robots_blocked_us"


def verify(page: FetchResult, target_url: str, *, aliases: Iterable[str] = (),
           expected_anchor: str | None = None, expected_rel: str | Iterable[str] | None = None,
           parsed: ParsedPage | None = None, now: datetime | None = None) -> Verdict:
    """Judge one fetched source page for a link to target_url; aliases are URLs that redirect to our target.

    Pass `parsed` (ParsedPage.from_fetch(page)) when checking several targets on one page, so it is parsed once.
    """
    aliases = tuple(aliases)
    final_url = page.final_url or page.url
    verdict = Verdict(source_url=page.url, target_url=target_url, http_status=page.status, final_url=final_url,
                      error=page.error, error_detail=page.error_detail)
    if page.redirects:
        verdict.redirect_chain = [{"url": hop.url, "status": hop.status} for hop in page.redirects]
        verdict.redirect_chain.append({"url": final_url, "status": page.status})
        verdict.reason("redirected")
    failure = _judge_robots(verdict, page)
    if failure is None:
        failure = _fetch_failure(page) if site_of(target_url) else ("unverified", "invalid_target")
    if failure:
        verdict.status, code = failure
        verdict.reason(code)
        return verdict

    parsed = parsed or ParsedPage.from_fetch(page)
    verdict.encoding = parsed.codec
    _read_signals(verdict, parsed, page, now)
    links = collect(parsed, target_url, aliases)
    verdict.outbound_links = parsed.outbound
    verdict.links_to_target = len(links.found)
    best = links.best()
    if best is None:
        _judge_absent(verdict, parsed, page, links)
    elif best.noscript:
        # Browsers that run scripts never build these links, and neither does a rendering crawler.
        _describe_link(verdict, best)
        verdict.status = "missing"
        verdict.reason("noscript_only")
    else:
        _describe_link(verdict, best)
        _judge_found(verdict, best, expected_anchor, expected_rel)
    return verdict
