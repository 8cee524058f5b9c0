"""Fetch source pages once each, verify every expected link on them, render in Chromium when asked (no database)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from crm.links.parsedpage import ParsedPage
from crm.links.rendering import Renderer, RenderLimits, RenderReport
from crm.links.verifier import Verdict, verify
from crm.net import Fetcher, FetchPolicy, FetchResult
from crm.net.addresses import Resolver


@dataclass(frozen=True)
class Expectation:
    """One link we expect on a source page: where it should point, and how."""

    target_url: str
    expected_anchor: str | None = None
    expected_rel: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass
class SourceResult:
    """One source page: the fetch, the page the verdicts were read from, and a verdict per expectation."""

    url: str
    fetched: FetchResult  # the static fetch
    page: FetchResult  # the rendered page when rendering was used, else the static fetch
    verdicts: list[Verdict] = field(default_factory=list)
    rendered: bool = False
    render: RenderReport | None = None
    parsed: ParsedPage | None = None  # the one parse of `page`, shared with the page facts


def policy_from(config: Mapping[str, Any]) -> FetchPolicy:
    """The fetch policy from the app's FETCH_* settings (FETCH_ALLOW_PRIVATE_NETWORKS included)."""
    return FetchPolicy.from_mapping(config)


def renderer_from(config: Mapping[str, Any], policy: FetchPolicy, resolver: Resolver | None = None) -> Renderer | None:
    """A Chromium renderer when LINKS_RENDER_JS is on, else None."""
    if str(config.get("LINKS_RENDER_JS") or "").strip().lower() not in ("1", "true", "yes", "on"):
        return None
    limits = RenderLimits(
        timeout=float(config.get("LINKS_RENDER_TIMEOUT") or RenderLimits.timeout),
        chromium=str(config.get("LINKS_CHROMIUM_PATH") or RenderLimits.chromium),
    )
    return Renderer(policy, resolver=resolver, limits=limits)


def _parse(page: FetchResult) -> ParsedPage | None:
    """One parse of a page that has a body to read; None otherwise (the verifier then reports why)."""
    return ParsedPage.from_fetch(page) if page.ok and page.body else None


def _verify_all(page: FetchResult, expectations: list[Expectation], parsed: ParsedPage | None) -> list[Verdict]:
    return [
        verify(page, e.target_url, aliases=e.aliases, expected_anchor=e.expected_anchor, expected_rel=e.expected_rel,
               parsed=parsed)
        for e in expectations
    ]


def check_page(url: str, fetched: FetchResult, expectations: list[Expectation],
               renderer: Renderer | None = None) -> SourceResult:
    """Verify every expectation on one fetched page; render it when the static HTML lacks a link."""
    parsed = _parse(fetched)
    verdicts = _verify_all(fetched, expectations, parsed)
    result = SourceResult(url=url, fetched=fetched, page=fetched, verdicts=verdicts, parsed=parsed)
    if renderer is not None and any(v.status == "missing" for v in verdicts):
        # Scripts may build the link; the rendered DOM goes through the very same verifier.
        rendered, report = renderer.render(fetched)
        result.render = report
        if rendered is not None:
            result.page, result.rendered, result.parsed = rendered, True, _parse(rendered)
            again = _verify_all(rendered, expectations, result.parsed)
            result.verdicts = [new if old.status == "missing" else old
                               for old, new in zip(verdicts, again, strict=True)]
    return result


def check_sources(groups: Mapping[str, list[Expectation]], fetcher: Fetcher,
                  renderer: Renderer | None = None) -> Iterator[SourceResult]:
    """Fetch each source page once (many at a time) and yield its verdicts as pages arrive."""
    for fetched in fetcher.fetch_many(list(groups)):
        yield check_page(fetched.url, fetched, groups[fetched.url], renderer)


def group_pairs(pairs: Iterable[tuple[str, Expectation]]) -> dict[str, list[Expectation]]:
    """Expectations grouped by source URL, in first-seen order, so each page is fetched once."""
    groups: dict[str, list[Expectation]] = {}
    for source, expectation in pairs:
        groups.setdefault(source, []).append(expectation)
    return groups
