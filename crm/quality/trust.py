"""Spam and trust signals read from a linking page's text, and the page-trust component built on them."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

THIN_PAGE_WORDS = 250
VERY_THIN_PAGE_WORDS = 100

# Topics whose presence on a linking page makes a link look bought or toxic. Phrases are matched on
# whole words; a topic counts when its phrases are dense in the text, or when one sits in the title.
SPAM_TOPICS: dict[str, tuple[str, ...]] = {
    "casino": (
        "casino", "casinos", "online slots", "slot machine", "slot machines", "roulette", "blackjack", "poker",
        "sportsbook", "betting", "free spins", "jackpot", "bookmaker", "gambling",
    ),
    "pharma": (
        "viagra", "cialis", "levitra", "kamagra", "tramadol", "xanax", "diet pills", "online pharmacy",
        "no prescription", "without prescription", "erectile dysfunction",
    ),
    "loans": (
        "payday loan", "payday loans", "cash advance", "no credit check", "instant approval", "bad credit loans",
        "quick loans", "title loans",
    ),
    "adult": ("porn", "porno", "escort service", "escort agency", "camgirls", "sex cams"),
}
SPAM_MIN_HITS = 3
SPAM_MIN_DENSITY = 0.005  # share of the page's words

# Phrases that say the page sells or openly solicits posts, in a fixed order for stable output.
PAGE_MARKERS: dict[str, tuple[str, ...]] = {
    "sponsored_post": (
        "sponsored post", "this post is sponsored", "sponsored content", "paid post", "advertorial",
        "sponsored by our partner",
    ),
    "write_for_us": ("write for us", "submit a guest post", "contribute to our blog", "become a contributor"),
    "guest_post": ("guest post", "guest posting", "guest author", "guest blogger"),
}

# Phrases typical of pages built to host links rather than to be read.
LINK_FARM_PHRASES: dict[str, tuple[str, ...]] = {
    "link_exchange": ("link exchange", "exchange links", "reciprocal link", "reciprocal links"),
    "link_submission": ("submit your site", "submit your url", "add your url", "add your link", "submit your link"),
    "link_selling": ("buy backlinks", "cheap backlinks", "dofollow backlinks", "seo backlinks", "buy links"),
}
MANY_OUTBOUND_DOMAINS = 50
LINK_DENSE_MIN_LINKS = 40
LINK_DENSE_WORDS_PER_LINK = 8

# Penalties taken from 1.0, each named in the result so a user sees why trust is low.
PENALTY_THIN = 0.3
PENALTY_VERY_THIN = 0.45
PENALTY_SPAM_TOPIC = 0.5
PENALTY_LINK_FARM = 0.35
PENALTY_PAGE_MARKER = 0.2
PENALTY_LANGUAGE = 0.3

MARKER_LABELS = {
    "sponsored_post": "'sponsored post' page",
    "write_for_us": "'write for us' page",
    "guest_post": "'guest post' page",
    "link_exchange": "link exchange",
    "link_submission": "link submission page",
    "link_selling": "sells links",
    "many_outbound_domains": "links to many domains",
    "link_dense": "more links than text",
}

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def _words(text: str | None) -> list[str]:
    """Lower-cased words, the unit every count here is made of."""
    return _WORD.findall(unicodedata.normalize("NFKC", text or "").casefold())


def _phrase_hits(words: list[str], phrases: Iterable[str]) -> int:
    """How many times any of the phrases occurs as whole words."""
    joined = " " + " ".join(words) + " "
    return sum(joined.count(" " + phrase + " ") for phrase in phrases)


def count_words(text: str | None) -> int:
    """Number of words in a page's main text."""
    return len(_words(text))


def spam_topics(text: str | None, title: str | None = "") -> tuple[str, ...]:
    """Spam topics (casino, pharma, loans, adult) that dominate the page or its title."""
    words, title_words = _words(text), _words(title)
    found = []
    for topic, phrases in SPAM_TOPICS.items():
        hits = _phrase_hits(words, phrases)
        dense = hits >= SPAM_MIN_HITS and hits / max(len(words), 1) >= SPAM_MIN_DENSITY
        if dense or _phrase_hits(title_words, phrases):
            found.append(topic)
    return tuple(found)


def page_markers(text: str | None, title: str | None = "") -> tuple[str, ...]:
    """Markers that the page is sponsored or a guest-post outlet ("write for us", "sponsored post", ...)."""
    words = _words(title) + _words(text)
    return tuple(name for name, phrases in PAGE_MARKERS.items() if _phrase_hits(words, phrases))


def link_farm_markers(
    text: str | None,
    *,
    outbound_links: int | None = None,
    outbound_domains: int | None = None,
    word_count: int | None = None,
) -> tuple[str, ...]:
    """Markers of a page that exists to host links: farm phrases, many linked domains, more links than words."""
    words = _words(text)
    found = [name for name, phrases in LINK_FARM_PHRASES.items() if _phrase_hits(words, phrases)]
    if outbound_domains is not None and outbound_domains >= MANY_OUTBOUND_DOMAINS:
        found.append("many_outbound_domains")
    words_total = len(words) if word_count is None else word_count
    links = outbound_links or 0
    if links >= LINK_DENSE_MIN_LINKS and words_total < links * LINK_DENSE_WORDS_PER_LINK:
        found.append("link_dense")
    return tuple(found)


def primary_language(tag: str | None) -> str | None:
    """The primary subtag of a language tag ("en-GB" -> "en"), or None when absent."""
    primary = re.split(r"[-_]", (tag or "").strip().lower(), maxsplit=1)[0]
    return primary if primary.isalpha() else None


def language_mismatch(page_language: str | None, target_language: str | None) -> bool:
    """True when both languages are known and differ (regional variants count as the same)."""
    page, target = primary_language(page_language), primary_language(target_language)
    return page is not None and target is not None and page != target


@dataclass(frozen=True)
class PageSignals:
    """The trust-relevant facts read from one page, ready to copy into LinkFacts."""

    word_count: int
    language: str | None
    spam_topics: tuple[str, ...]
    page_markers: tuple[str, ...]
    link_farm_markers: tuple[str, ...]


def page_signals(
    main_text: str | None,
    title: str | None = "",
    language: str | None = None,
    *,
    outbound_links: int | None = None,
    outbound_domains: int | None = None,
) -> PageSignals:
    """Read every trust signal from a fetched page's main text, title and declared language."""
    words = count_words(main_text)
    return PageSignals(
        word_count=words,
        language=primary_language(language),
        spam_topics=spam_topics(main_text, title),
        page_markers=page_markers(main_text, title),
        link_farm_markers=link_farm_markers(
            main_text, outbound_links=outbound_links, outbound_domains=outbound_domains, word_count=words
        ),
    )


def trust_penalties(
    *,
    word_count: int | None,
    spam_topics: Iterable[str] = (),
    page_markers: Iterable[str] = (),
    link_farm_markers: Iterable[str] = (),
    language: str | None = None,
    target_language: str | None = None,
) -> list[tuple[str, float]]:
    """Each spam signal present, named for a person, with the penalty it costs."""
    penalties: list[tuple[str, float]] = []
    if word_count is not None and word_count < THIN_PAGE_WORDS:
        penalty = PENALTY_VERY_THIN if word_count < VERY_THIN_PAGE_WORDS else PENALTY_THIN
        penalties.append((f"thin page ({word_count} words)", penalty))
    penalties += [(f"{topic} content", PENALTY_SPAM_TOPIC) for topic in spam_topics]
    penalties += [(f"link farm: {MARKER_LABELS.get(m, m)}", PENALTY_LINK_FARM) for m in link_farm_markers]
    penalties += [(MARKER_LABELS.get(m, m), PENALTY_PAGE_MARKER) for m in page_markers]
    if language_mismatch(language, target_language):
        penalties.append(
            (f"language {primary_language(language)} vs {primary_language(target_language)}", PENALTY_LANGUAGE)
        )
    return penalties


def page_trust(
    *,
    word_count: int | None,
    spam_topics: Iterable[str] = (),
    page_markers: Iterable[str] = (),
    link_farm_markers: Iterable[str] = (),
    language: str | None = None,
    target_language: str | None = None,
) -> tuple[float, list[str]]:
    """Trust 0-1 (1 minus the penalties) and the names of the signals that lowered it."""
    penalties = trust_penalties(
        word_count=word_count,
        spam_topics=spam_topics,
        page_markers=page_markers,
        link_farm_markers=link_farm_markers,
        language=language,
        target_language=target_language,
    )
    value = max(0.0, 1.0 - sum(penalty for _, penalty in penalties))
    return round(value, 4), [name for name, _ in penalties]
