"""LinkFacts for the quality score from a verdict, the page's text signals, site metrics and relevance (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crm.links.pagefacts import PageRead
from crm.links.transitions import moved
from crm.links.verifier import Verdict
from crm.quality import LinkFacts, page_signals

# Site columns (prospects keeps the newest value of each metric on the site row) -> the score's metric names.
SITE_METRICS = {"dr": "dr", "da": "da", "tf": "tf", "as_score": "as", "traffic": "traffic"}


def site_metrics(site: Any) -> dict[str, float]:
    """The newest authority and traffic figures of a site row, under the names the score uses."""
    if site is None:
        return {}
    values = {}
    for column, name in SITE_METRICS.items():
        value = getattr(site, column, None)
        if value is not None:
            values[name] = value
    return values


def link_facts(verdict: Verdict, read: PageRead | None, *, metrics: Mapping[str, float] | None = None,
               relevance: float | None = None, target_language: str | None = None) -> LinkFacts:
    """Everything the score needs about one checked link; text signals only when the page was read."""
    signals = None
    if read is not None and verdict.status in ("live", "live_nofollow", "not_indexable"):
        signals = page_signals(read.text, read.title, read.language or verdict.language,
                               outbound_links=verdict.outbound_links, outbound_domains=read.outbound_domains)
    return LinkFacts(
        status=verdict.status,
        rel=tuple(verdict.rel),
        page_nofollow=verdict.page_nofollow or verdict.x_robots_nofollow,
        placement=verdict.placement or "unknown",
        hidden=verdict.hidden_kind,
        outbound_links=verdict.outbound_links if verdict.found else None,
        noindex=verdict.page_noindex or verdict.x_robots_noindex,
        robots_disallowed=verdict.robots_disallowed,
        soft_404="soft_404" in verdict.reasons,
        canonical_elsewhere=verdict.canonical_elsewhere,
        # http -> https or a trailing slash is housekeeping; only a move to another page weakens the link.
        redirected=moved(verdict.source_url, verdict.final_url),
        word_count=signals.word_count if signals else None,
        language=signals.language if signals else verdict.language,
        target_language=target_language,
        spam_topics=signals.spam_topics if signals else (),
        link_farm_markers=signals.link_farm_markers if signals else (),
        page_markers=signals.page_markers if signals else (),
        metrics=dict(metrics or {}),
        relevance=relevance,
    )
