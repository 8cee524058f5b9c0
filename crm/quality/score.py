"""The link quality score: weighted components, an indexability gate and an explanation a person can read.

Gate: a linking page search engines will not index (noindex, robots.txt disallow, soft 404, parked
domain, or the verifier's not_indexable status) multiplies the score by 0.1. A multiplier rather than a
cap keeps such links ordered among themselves (a strong page that is noindexed for a week still
outranks junk) while every one of them lands at 10 or below. A canonical pointing elsewhere or a
redirecting source page halves the score once (the link may still count via the other URL). Both
gates together multiply: 0.05.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from crm.quality.components import COMPONENTS, NEUTRAL
from crm.quality.facts import LinkFacts

# Bump whenever weights, curves or logic change, so stored scores can be told apart and recomputed.
SCORE_VERSION = 1

DEFAULT_WEIGHTS: dict[str, float] = {
    "authority": 25.0,
    "relevance": 20.0,
    "follow": 15.0,
    "placement": 15.0,
    "outbound": 10.0,
    "popularity": 10.0,
    "trust": 5.0,
}

NOT_INDEXABLE_FACTOR = 0.1
ELSEWHERE_FACTOR = 0.5
EXPLAIN_ITEMS = 5


def validate_weights(weights: Mapping[str, Any] | None = None) -> dict[str, float]:
    """Check configured weights and fill missing ones from the defaults; raise ValueError with a clear message."""
    merged = dict(DEFAULT_WEIGHTS)
    for name, raw in dict(weights or {}).items():
        key = str(name).strip().lower()
        if key not in DEFAULT_WEIGHTS:
            raise ValueError(f"unknown score weight {name!r}; expected one of {', '.join(DEFAULT_WEIGHTS)}")
        value = _number(raw)
        if value is None:
            raise ValueError(f"score weight {name!r} must be a number, not {raw!r}")
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"score weight {name!r} must be a finite number of zero or more, not {raw!r}")
        merged[key] = value
    if math.fsum(merged.values()) <= 0:
        raise ValueError("at least one score weight must be above zero")
    return merged


def _number(raw: Any) -> float | None:
    """A weight as a float; config may hand over numeric strings, but never booleans."""
    if isinstance(raw, bool):
        return None
    try:
        return float(raw)
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class Component:
    """One component of a stored score: raw input, 0-1 value, weight, and points it adds (before the gate)."""

    name: str
    raw: Any
    value: float
    weight: float
    points: float
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "name": self.name,
            "raw": self.raw,
            "value": self.value,
            "weight": self.weight,
            "points": self.points,
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Component:
        """Rebuild from `to_dict` output."""
        return cls(
            name=str(data["name"]),
            raw=data.get("raw"),
            value=float(data["value"]),
            weight=float(data["weight"]),
            points=float(data["points"]),
            note=str(data.get("note", "")),
        )


@dataclass(frozen=True)
class Gate:
    """The factor the weighted sum is multiplied by, and why."""

    factor: float = 1.0
    reasons: tuple[str, ...] = ()


def gate_for(facts: LinkFacts) -> Gate:
    """The indexability gate for a link's source page."""
    hard = [
        reason
        for flag, reason in (
            (facts.noindex, "noindex"),
            (facts.robots_disallowed, "blocked by robots.txt"),
            (facts.soft_404, "soft 404"),
            (facts.parked, "parked domain"),
        )
        if flag
    ]
    if not hard and facts.status == "not_indexable":
        hard.append("not indexable")
    soft = [
        reason
        for flag, reason in (
            (facts.canonical_elsewhere, "canonical points elsewhere"),
            (facts.redirected, "source page redirects"),
        )
        if flag
    ]
    factor = (NOT_INDEXABLE_FACTOR if hard else 1.0) * (ELSEWHERE_FACTOR if soft else 1.0)
    return Gate(factor=factor, reasons=tuple(hard + soft))


@dataclass(frozen=True)
class QualityScore:
    """A link's quality score (0-100, None when the link is not live) with everything needed to explain it."""

    score: int | None
    version: int
    status: str
    components: tuple[Component, ...] = ()
    gate: Gate = Gate()

    def explain(self) -> str:
        """One short line, e.g. "62: followed, in the article, relevance 0.31, 74 outbound links, DR 48"."""
        if self.score is None:
            return f"no score: {self.status.replace('_', ' ')}"
        parts = []
        if self.gate.reasons:
            parts.append(f"{', '.join(self.gate.reasons)} (score cut to {self.gate.factor:.0%})")
        # What matters most is what moved the score furthest from a neutral link, problems first on a tie;
        # unknown inputs and a clean page say nothing worth the space.
        telling = [
            (index, c)
            for index, c in enumerate(self.components)
            if c.raw is not None and c.weight > 0 and c.value != NEUTRAL and not (c.name == "trust" and not c.raw)
        ]
        telling.sort(key=lambda item: (-item[1].weight * abs(item[1].value - NEUTRAL), item[1].value, item[0]))
        parts += [c.note for _, c in telling[:EXPLAIN_ITEMS]]
        return f"{self.score}: " + ", ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict for storage next to the link check."""
        return {
            "score": self.score,
            "version": self.version,
            "status": self.status,
            "components": [c.to_dict() for c in self.components],
            "gate": {"factor": self.gate.factor, "reasons": list(self.gate.reasons)},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> QualityScore:
        """Rebuild a stored score from `to_dict` output."""
        gate = data.get("gate") or {}
        return cls(
            score=None if data.get("score") is None else int(data["score"]),
            version=int(data["version"]),
            status=str(data["status"]),
            components=tuple(Component.from_dict(c) for c in data.get("components") or ()),
            gate=Gate(factor=float(gate.get("factor", 1.0)), reasons=tuple(gate.get("reasons") or ())),
        )


def score_link(facts: LinkFacts, weights: Mapping[str, Any] | None = None) -> QualityScore:
    """Score one link from its facts; a link that is not on the page gets no score, only its status."""
    weights = validate_weights(weights)
    if not facts.scored:
        return QualityScore(score=None, version=SCORE_VERSION, status=facts.status)
    total_weight = math.fsum(weights.values())
    components, points = [], []
    for name, component in COMPONENTS.items():
        reading = component(facts)
        earned = 100.0 * reading.value * weights[name] / total_weight
        points.append(earned)
        # Stored figures are rounded so they read well and survive a JSON round trip unchanged.
        components.append(
            Component(
                name=name,
                raw=reading.raw,
                value=round(reading.value, 4),
                weight=weights[name],
                points=round(earned, 2),
                note=reading.note,
            )
        )
    gate = gate_for(facts)
    total = math.fsum(points) * gate.factor
    score = max(0, min(100, math.floor(total + 0.5)))
    return QualityScore(
        score=score, version=SCORE_VERSION, status=facts.status, components=tuple(components), gate=gate
    )
