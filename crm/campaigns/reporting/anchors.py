"""Anchor text mix: classify found anchors against the wanted anchors and the brand, and rate the exact-match risk."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from crm.net.domains import registrable_domain
from crm.net.urls import host_of

ANCHOR_CLASSES = ("exact", "partial", "branded", "naked_url", "generic", "empty", "other")
ANCHOR_LABELS = {
    "exact": "Exact match",
    "partial": "Partial match",
    "branded": "Brand",
    "naked_url": "Naked URL",
    "generic": "Generic",
    "empty": "No text (image)",
    "other": "Other",
}
# Exact-match anchors beyond these shares of live links look engineered to search engines.
MODERATE_EXACT_SHARE = 0.10
HIGH_EXACT_SHARE = 0.20
GENERIC_ANCHORS = frozenset(
    {
        "click here", "here", "this", "link", "this link", "website", "this website", "web site", "site",
        "this site", "read more", "more", "learn more", "find out more", "more info", "more information",
        "visit", "visit site", "visit website", "source", "homepage", "home page", "this article", "this post",
        "this page", "check it out", "see more", "details", "official site", "official website", "go", "view",
    }
)
STOPWORDS = frozenset(
    {"a", "an", "and", "the", "of", "for", "to", "in", "on", "at", "by", "with", "from", "or", "is", "are",
     "how", "what", "why", "best", "top", "your", "our", "my", "you", "we", "it", "this", "that", "vs"}
)
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_URLISH = re.compile(r"^(?:https?://|www\.)\S+$|^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:[/?#]\S*)?$")
# Quotes (straight, curly, guillemets) and sentence punctuation around an anchor are not part of it.
_EDGE_PUNCTUATION = " \"'\u201c\u201d\u2018\u2019\u00ab\u00bb.,:;!?()[]"


def normalise_anchor(text: str | None) -> str:
    """An anchor as compared: NFKC, case-folded, whitespace collapsed, quotes and end punctuation dropped."""
    folded = _SPACE.sub(" ", unicodedata.normalize("NFKC", text or "")).casefold()
    return folded.strip(_EDGE_PUNCTUATION)


def _compact(text: str) -> str:
    """Letters and digits only, so "Acme Running", "acme-running" and "AcmeRunning" compare equal."""
    return "".join(_WORD.findall(text.casefold()))


def _significant_words(text: str) -> set[str]:
    return {word for word in _WORD.findall(text) if len(word) > 2 and word not in STOPWORDS}


def brand_terms(names: Iterable[str | None] = (), target_urls: Iterable[str | None] = ()) -> tuple[str, ...]:
    """Brand spellings to look for: the given names and the main label of each target site's domain."""
    terms: set[str] = set()
    for name in names:
        compact = _compact(name or "")
        if len(compact) >= 3:
            terms.add(compact)
    for url in set(target_urls):
        host = host_of(url or "") or ""
        # Test and intranet hosts have no public suffix; their first label after www is still the brand.
        domain = registrable_domain(host) or host.removeprefix("www.")
        label = _compact(domain.split(".")[0]) if domain else ""
        if len(label) >= 3:
            terms.add(label)
    return tuple(sorted(terms))


@dataclass(frozen=True)
class AnchorRules:
    """Wanted anchors and brand terms prepared once, to classify many anchors."""

    wanted: frozenset[str]
    wanted_words: tuple[frozenset[str], ...]
    brands: tuple[str, ...]

    def classify(self, anchor: str | None) -> str:
        """One of ANCHOR_CLASSES for a found anchor; a wanted anchor that names the brand counts as brand."""
        text = normalise_anchor(anchor)
        if not text:
            return "empty"
        if _URLISH.match(text):
            return "naked_url"
        compact = _compact(text)
        if any(brand in compact for brand in self.brands):
            return "branded"
        if text in self.wanted:
            return "exact"
        if text in GENERIC_ANCHORS:
            return "generic"
        words = _significant_words(text)
        if any(want in text for want in self.wanted) or any(words & want for want in self.wanted_words):
            return "partial"
        return "other"


def anchor_rules(wanted: Iterable[str], brands: Iterable[str]) -> AnchorRules:
    """Prepare wanted anchors and brand terms for classify()."""
    texts = [w for w in dict.fromkeys(normalise_anchor(w) for w in wanted) if w]
    return AnchorRules(frozenset(texts), tuple(frozenset(_significant_words(w)) for w in texts),
                       tuple(b for b in brands if b))


def classify_anchor(anchor: str | None, wanted: Iterable[str], brands: Iterable[str]) -> str:
    """One of ANCHOR_CLASSES for a found anchor against wanted anchors and brand terms."""
    return anchor_rules(wanted, brands).classify(anchor)


def exact_match_risk(share: float | None) -> str:
    """"low", "moderate" or "high" for the share of live links with an exact-match anchor ("none" without links)."""
    if share is None:
        return "none"
    if share > HIGH_EXACT_SHARE:
        return "high"
    if share > MODERATE_EXACT_SHARE:
        return "moderate"
    return "low"


@dataclass(frozen=True)
class AnchorMix:
    """How many live links carry each kind of anchor, the exact-match share and its risk level."""

    counts: dict[str, int]
    total: int
    exact_share: float | None
    risk: str

    def rows(self) -> list[tuple[str, str, int, float | None]]:
        """(class, label, links, share) for every class, in the fixed order."""
        return [
            (key, ANCHOR_LABELS[key], self.counts[key], self.counts[key] / self.total if self.total else None)
            for key in ANCHOR_CLASSES
        ]


def anchor_mix(classes: Iterable[str]) -> AnchorMix:
    """The mix from classified anchors."""
    counts = dict.fromkeys(ANCHOR_CLASSES, 0)
    for cls in classes:
        counts[cls] += 1
    total = sum(counts.values())
    share = counts["exact"] / total if total else None
    return AnchorMix(counts=counts, total=total, exact_share=share, risk=exact_match_risk(share))
