"""The plain facts about one acquired link that the quality score is computed from."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

# Statuses the link verifier reports; only the first three describe a link that exists on the page.
SCORED_STATUSES = ("live", "live_nofollow", "not_indexable")
STATUSES = (*SCORED_STATUSES, "missing", "wrong_target", "page_error", "blocked", "unverified")

PLACEMENTS = ("content", "author_bio", "navigation", "header", "footer", "sidebar", "comments", "unknown")

# Authority metrics the score understands, each on a 0-100 scale, in the order they are explained.
AUTHORITY_METRICS = ("dr", "da", "as", "tf")


def _tokens(values: Iterable[str] | str | None, *, sort: bool = False) -> tuple[str, ...]:
    """Lower-cased, de-duplicated tokens in first-seen order, or sorted when their order carries no meaning."""
    if values is None:
        return ()
    if isinstance(values, str):
        values = values.split()
    seen: dict[str, None] = {}
    for value in values:
        token = str(value).strip().lower()
        if token:
            seen.setdefault(token, None)
    return tuple(sorted(seen)) if sort else tuple(seen)


def _count(value: object, name: str) -> int | None:
    """A non-negative whole number, or None when unknown."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise ValueError(f"{name} must be a number or None, not {value!r}")
    if value < 0:
        raise ValueError(f"{name} cannot be negative: {value!r}")
    return int(value)


@dataclass(frozen=True)
class LinkFacts:
    """Everything the score needs about one link, as plain values the service layer fills in."""

    status: str
    rel: tuple[str, ...] = ()
    page_nofollow: bool = False
    placement: str = "unknown"
    hidden: str | bool | None = None
    outbound_links: int | None = None
    # Indexability of the linking page: the gate.
    noindex: bool = False
    robots_disallowed: bool = False
    soft_404: bool = False
    parked: bool = False
    canonical_elsewhere: bool = False
    redirected: bool = False
    # What the linking page's text says about it (see crm.quality.trust).
    word_count: int | None = None
    language: str | None = None
    target_language: str | None = None
    spam_topics: tuple[str, ...] = ()
    link_farm_markers: tuple[str, ...] = ()
    page_markers: tuple[str, ...] = ()
    # Newest value of each site metric, e.g. {"dr": 48, "da": 40, "tf": 22, "as": 35, "traffic": 1200}.
    metrics: Mapping[str, float | None] = field(default_factory=dict)
    # Raw TF-IDF cosine between the linking page and our target page (crm.quality.relevance.similarity).
    relevance: float | None = None

    def __post_init__(self) -> None:
        status = (self.status or "").strip().lower()
        if status not in STATUSES:
            raise ValueError(f"unknown link status {self.status!r}; expected one of {', '.join(STATUSES)}")
        placement = (self.placement or "unknown").strip().lower()
        if placement not in PLACEMENTS:
            placement = "unknown"
        relevance = self.relevance
        if relevance is not None:
            if isinstance(relevance, bool) or not isinstance(relevance, int | float) or math.isnan(relevance):
                raise ValueError(f"relevance must be a number or None, not {relevance!r}")
            relevance = min(1.0, max(0.0, float(relevance)))
        # Frozen, so normalised values are written through object.__setattr__ once, here. Markers are
        # sorted so the same findings always explain the same way, whatever order they were found in.
        object.__setattr__(self, "status", status)
        object.__setattr__(self, "placement", placement)
        object.__setattr__(self, "relevance", relevance)
        object.__setattr__(self, "rel", _tokens(self.rel))
        object.__setattr__(self, "spam_topics", _tokens(self.spam_topics, sort=True))
        object.__setattr__(self, "link_farm_markers", _tokens(self.link_farm_markers, sort=True))
        object.__setattr__(self, "page_markers", _tokens(self.page_markers, sort=True))
        object.__setattr__(self, "outbound_links", _count(self.outbound_links, "outbound_links"))
        object.__setattr__(self, "word_count", _count(self.word_count, "word_count"))
        object.__setattr__(self, "metrics", {str(k).lower(): v for k, v in dict(self.metrics or {}).items()})

    @property
    def scored(self) -> bool:
        """True when the link exists on the page, so it gets a score."""
        return self.status in SCORED_STATUSES

    @property
    def nofollow(self) -> bool:
        """True when search engines are told not to pass credit through this link."""
        return (
            self.status == "live_nofollow"
            or self.page_nofollow
            or any(token in ("nofollow", "sponsored", "ugc") for token in self.rel)
        )

    def metric(self, name: str) -> float | None:
        """The metric as a float, or None when it is missing or not a usable number."""
        value = self.metrics.get(name)
        if value is None or isinstance(value, bool):
            return None
        try:
            number = float(value)
        except (TypeError, ValueError):
            return None
        if not math.isfinite(number) or number < 0:
            return None
        return number
