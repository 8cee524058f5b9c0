"""Which pages of a site to read for contact addresses: the ones its home page links to, or the usual paths."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from crm.net.domains import same_site
from crm.net.urls import join

MAX_PAGES = 6  # besides the home page; a polite visit, not a crawl
# Kinds of page that carry addresses, best first, with the words their links use (in the URL or the link text).
KINDS = (
    ("contact", r"contact|kontakt|contacto|get[-_ ]?in[-_ ]?touch|reach[-_ ]?us|impressum"),
    ("write_for_us", r"write[-_ ]?for[-_ ]?us|contribut|guest[-_ ]?post|submi(?:t|ssion)|pitch"),
    ("about", r"about|who[-_ ]?we[-_ ]?are|our[-_ ]?story|masthead"),
    ("team", r"team|staff|editors?\b|editorial|people"),
    ("advertise", r"advertis|sponsor|media[-_ ]?kit|partner"),
    ("author", r"/authors?/|/writers?/|/contributors?/"),
)
_PATTERNS = [(kind, re.compile(words, re.IGNORECASE)) for kind, words in KINDS]
# Paths tried when the home page links to nothing of a kind (most sites use one of these).
GUESSES = {"contact": "/contact", "about": "/about", "write_for_us": "/write-for-us"}


def _kind(href: str, text: str) -> str | None:
    """The kind of page a link leads to, judged by its path and its words."""
    path = urlsplit(href).path
    for kind, pattern in _PATTERNS:
        if pattern.search(path) or (kind != "author" and pattern.search(text)):
            return kind
    return None


def _same_place(url: str, home_url: str) -> bool:
    """A link on the site itself: the same host, or the same registrable domain."""
    a, b = urlsplit(url).hostname or "", urlsplit(home_url).hostname or ""
    return a == b or same_site(a, b)


def pick_pages(home: bytes | str, home_url: str, *, encoding: str | None = None) -> list[str]:
    """Up to MAX_PAGES pages worth reading: linked contact, write-for-us, about, team pages, then guesses."""
    if isinstance(home, bytes):
        home = home.decode(encoding or "utf-8", "replace")
    tree = LexborHTMLParser(home)
    chosen: dict[str, list[str]] = {kind: [] for kind, _ in KINDS}
    seen = {home_url.split("#", 1)[0]}
    for link in tree.css("a[href]"):
        href = (link.attributes.get("href") or "").strip()
        if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
            continue
        url = join(home_url, href)
        if not url or not url.startswith(("http://", "https://")):
            continue
        url = url.split("#", 1)[0]
        if url in seen or not _same_place(url, home_url):
            continue
        kind = _kind(url, " ".join(link.text(deep=True).split()))
        if kind is not None and len(chosen[kind]) < 2:
            chosen[kind].append(url)
            seen.add(url)
    pages = [url for kind, _ in KINDS for url in chosen[kind][:1]]  # one of each kind first
    pages += [url for kind, _ in KINDS for url in chosen[kind][1:]]
    for kind, path in GUESSES.items():
        if not chosen[kind]:
            guess = join(home_url, path)
            if guess and guess not in seen:
                pages.append(guess)
                seen.add(guess)
    return pages[:MAX_PAGES]


def charset_of(content_type: str) -> str | None:
    """The charset named in a Content-Type header, if any and if Python knows it."""
    match = re.search(r"charset=[\"']?([\w.:-]+)", content_type or "", re.IGNORECASE)
    if not match:
        return None
    import codecs

    try:
        return codecs.lookup(match.group(1)).name
    except LookupError:
        return None
