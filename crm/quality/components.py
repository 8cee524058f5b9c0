"""The components of the link quality score, each a pure function from LinkFacts to a 0-1 reading."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from crm.quality.facts import AUTHORITY_METRICS, LinkFacts
from crm.quality.relevance import relevance_value
from crm.quality.trust import page_trust

NEUTRAL = 0.5

FOLLOWED = 1.0
# Google treats nofollow, sponsored and ugc as hints since 2019, so such a link is worth a little.
NOT_FOLLOWED = 0.2

PLACEMENT_VALUES = {
    "content": 1.0,
    "author_bio": 0.7,
    "unknown": 0.5,
    "sidebar": 0.3,
    "navigation": 0.3,
    "header": 0.3,
    "footer": 0.3,
    "comments": 0.15,
}
PLACEMENT_NOTES = {
    "content": "in the article",
    "author_bio": "in the author bio",
    "unknown": "placement unknown",
    "sidebar": "in the sidebar",
    "navigation": "in the navigation",
    "header": "in the header",
    "footer": "in the footer",
    "comments": "in the comments",
}

# Outbound dilution: 1 up to OUTBOUND_FREE links, then a log-logistic fall to OUTBOUND_FLOOR with
# the midpoint (0.5) near 50 links and ~0.12 at 300.
OUTBOUND_FREE = 10
OUTBOUND_FLOOR = 0.1
OUTBOUND_SCALE = 35.0
OUTBOUND_SHAPE = 1.8

# Popularity: log10 of monthly organic traffic over this many decades (1M visits reads as 1.0).
TRAFFIC_DECADES = 6.0


@dataclass(frozen=True)
class Reading:
    """One component's view of a link: the raw input, its 0-1 value and a short phrase for people."""

    raw: Any
    value: float
    note: str


def authority(facts: LinkFacts) -> Reading:
    """Mean of the known 0-100 authority metrics (DR, DA, Semrush AS, TF); neutral when none is known."""
    known = {}
    for name in AUTHORITY_METRICS:
        value = facts.metric(name)
        if value is not None:
            known[name] = value
    if not known:
        return Reading(None, NEUTRAL, "authority unknown")
    value = math.fsum(min(v, 100.0) / 100.0 for v in known.values()) / len(known)
    raw = {name: _plain(v) for name, v in known.items()}
    # One figure keeps explanations short; the most widely quoted metric known is the one people expect.
    name, first = next(iter(known.items()))
    return Reading(raw, value, f"{name.upper()} {_plain(first)}")


def relevance(facts: LinkFacts) -> Reading:
    """Topical relevance of the linking page to our target page; neutral when not measured."""
    if facts.relevance is None:
        return Reading(None, NEUTRAL, "relevance unknown")
    cosine = round(facts.relevance, 4)
    return Reading(cosine, relevance_value(cosine), f"relevance {cosine:.2f}")


def follow(facts: LinkFacts) -> Reading:
    """Whether the link passes credit: followed 1, nofollow/sponsored/ugc or page-level nofollow low."""
    raw = list(facts.rel)
    hints = [token for token in ("sponsored", "ugc", "nofollow") if token in facts.rel]
    if facts.page_nofollow:
        hints.append("page-level nofollow")
    if not hints and facts.status == "live_nofollow":
        hints.append("nofollow")
    if hints:
        return Reading(raw, NOT_FOLLOWED, " + ".join(hints))
    return Reading(raw, FOLLOWED, "followed")


def placement(facts: LinkFacts) -> Reading:
    """Where on the page the link sits; a hidden link is worth nothing wherever it is."""
    if facts.hidden:
        kind = facts.hidden if isinstance(facts.hidden, str) else "hidden"
        return Reading(f"hidden:{kind}", 0.0, f"hidden ({kind.replace('_', ' ')})")
    return Reading(facts.placement, PLACEMENT_VALUES[facts.placement], PLACEMENT_NOTES[facts.placement])


def outbound_value(links: int) -> float:
    """The dilution curve: 1 at <=10 outbound links, ~0.5 at 50, approaching 0.1 from 300 on."""
    if links <= OUTBOUND_FREE:
        return 1.0
    spread = ((links - OUTBOUND_FREE) / OUTBOUND_SCALE) ** OUTBOUND_SHAPE
    return OUTBOUND_FLOOR + (1.0 - OUTBOUND_FLOOR) / (1.0 + spread)


def outbound(facts: LinkFacts) -> Reading:
    """Fewer outbound links on the page share its credit among fewer targets; neutral when uncounted."""
    if facts.outbound_links is None:
        return Reading(None, NEUTRAL, "outbound links unknown")
    count = facts.outbound_links
    return Reading(count, outbound_value(count), f"{count} outbound link{'' if count == 1 else 's'}")


def popularity_value(traffic: float) -> float:
    """Log-scale traffic: 10 visits ~0.17, 1k ~0.5, 100k ~0.83, 1M and more 1."""
    return min(1.0, math.log10(1.0 + traffic) / TRAFFIC_DECADES)


def popularity(facts: LinkFacts) -> Reading:
    """How many people visit the linking site, from imported traffic figures; neutral when unknown."""
    traffic = facts.metric("traffic")
    if traffic is None:
        return Reading(None, NEUTRAL, "traffic unknown")
    return Reading(_plain(traffic), popularity_value(traffic), f"traffic {_short_number(traffic)}")


def trust(facts: LinkFacts) -> Reading:
    """Page trust: 1 minus a named penalty for each spam signal on the linking page."""
    value, signals = page_trust(
        word_count=facts.word_count,
        spam_topics=facts.spam_topics,
        page_markers=facts.page_markers,
        link_farm_markers=facts.link_farm_markers,
        language=facts.language,
        target_language=facts.target_language,
    )
    return Reading(signals, value, ", ".join(signals) if signals else "no spam signals")


# Name -> component, in the order components are stored and shown.
COMPONENTS: dict[str, Callable[[LinkFacts], Reading]] = {
    "authority": authority,
    "relevance": relevance,
    "follow": follow,
    "placement": placement,
    "outbound": outbound,
    "popularity": popularity,
    "trust": trust,
}


def _plain(value: float) -> int | float:
    """A whole number as int (DR 48, not 48.0) so raw values read and serialise naturally."""
    return int(value) if float(value).is_integer() else round(value, 2)


def _short_number(value: float) -> str:
    """Compact human figure: 950, 1.2k, 3.4M."""
    for limit, suffix in ((1_000_000, "M"), (1_000, "k")):
        if value >= limit:
            return f"{value / limit:.1f}".rstrip("0").rstrip(".") + suffix
    return str(_plain(value))
