"""Page-level signals that decide whether a search engine indexes a page and follows its links."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from selectolax.lexbor import LexborHTMLParser, LexborNode

from crm.net.urls import join

# Robots directives from <meta name> and X-Robots-Tag that apply to us: the generic ones and
# Google's, because "is this link worth anything" is asked of Google's index.
_OUR_AGENTS = frozenset({"robots", "googlebot", "*"})
# X-Robots-Tag directives that take a value after a colon, so "max-snippet: 20" is not a user agent.
_VALUED = frozenset({"unavailable_after", "max-snippet", "max-image-preview", "max-video-preview"})
_AGENT_PREFIX = re.compile(r"^\s*([A-Za-z0-9_.*-]+)\s*:\s*(.*)$")
_WEEKDAY_ONLY = re.compile(r"unavailable_after\s*:\s*[a-z]+$", re.I)
_LINK_ITEM = re.compile(r"<([^>]*)>((?:\s*;\s*[^;,<]*)*)")
_REL_PARAM = re.compile(r"""rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))""", re.I)
_REFRESH = re.compile(r"""^\s*(\d+)(?:\.\d*)?\s*(?:[;,]\s*(?:url\s*=\s*)?["']?([^"']*)["']?)?""", re.I)
_NOT_FOUND = re.compile(
    r"(\b404\b|^\W*not found\W*$|\bpage (?:was )?not found|\bpage (?:could|can) ?not be found|seite nicht gefunden"
    r"|page introuvable|página no encontrada|pagina non trovata|pagina niet gevonden|страница не найдена"
    r"|ページが見つかりません)",
    re.I,
)


@dataclass
class Directives:
    """Indexing and following directives a page gives, with where each came from."""

    meta_noindex: bool = False
    meta_nofollow: bool = False
    header_noindex: bool = False
    header_nofollow: bool = False
    canonical: str | None = None
    canonical_conflict: bool = False
    refresh_to: str | None = None


def _items(content: str) -> list[str]:
    """Comma-separated directives, keeping a date's weekday with the rest of it ("Friday, 25-Jun-10 ...")."""
    items: list[str] = []
    for piece in content.split(","):
        piece = piece.strip()
        if items and _WEEKDAY_ONLY.search(items[-1]) and piece[:1].isdigit():
            items[-1] = f"{items[-1]}, {piece}"
        elif piece:
            items.append(piece)
    return items


def _expired(value: str, now: datetime) -> bool:
    """Whether an unavailable_after date (RFC 822, RFC 850 or ISO 8601) has passed; an unreadable one never has."""
    value = value.strip()
    when = None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        with contextlib.suppress(TypeError, ValueError, IndexError):
            when = parsedate_to_datetime(value)
    if when is None:
        return False
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when <= now


def _directive_set(items: list[str], now: datetime) -> set[str]:
    tokens = set()
    for item in items:
        name, sep, value = item.partition(":")
        name = name.strip().lower()
        if sep and name == "unavailable_after":
            if _expired(value, now):
                tokens.add("noindex")
            continue
        tokens.add(item.strip().lower())
    if "none" in tokens:
        tokens |= {"noindex", "nofollow"}
    return tokens


def meta_robots(tree: LexborHTMLParser, now: datetime | None = None, metas: list | None = None) -> set[str]:
    """Directives from <meta name="robots"> and <meta name="googlebot">, wherever they sit in the page.

    `metas` are the page's <meta> elements when the caller has them already (ParsedPage.metas).
    """
    now = now or datetime.now(UTC)
    found: set[str] = set()
    for meta in tree.css("meta") if metas is None else metas:
        attrs = meta.attrs
        if "content" in attrs and (attrs.get("name") or "").strip().lower() in _OUR_AGENTS:
            found |= _directive_set(_items(attrs.get("content") or ""), now)
    return found


# Each X-Robots-Tag header starts afresh; inside one, a directive without an agent prefix continues the
# previous prefix, which is how Google reads "googlebot: noindex, nofollow". The fetcher keeps repeated
# headers on separate lines.
def x_robots(value: str, now: datetime | None = None) -> set[str]:
    """Directives for us in X-Robots-Tag header values ("noindex", "googlebot: noindex, nofollow", ...)."""
    now = now or datetime.now(UTC)
    found: set[str] = set()
    for header in (value or "").splitlines():
        agent = None
        for item in _items(header):
            prefixed = _AGENT_PREFIX.match(item)
            if prefixed and prefixed.group(1).lower() not in _VALUED:
                agent = prefixed.group(1).lower()
                item = prefixed.group(2).strip()
            if agent is None or agent in _OUR_AGENTS:
                found |= _directive_set(_items(item), now)
    return found


def _header_canonicals(link_header: str, base: str) -> list[str]:
    urls = []
    for target, params in _LINK_ITEM.findall(link_header or ""):
        for quoted, bare in _REL_PARAM.findall(params):
            if "canonical" in (quoted or bare).lower().split():
                resolved = join(base, target.strip())
                if resolved:
                    urls.append(resolved)
    return urls


def directives(tree: LexborHTMLParser, headers: dict[str, str], base_url: str,
               now: datetime | None = None, metas: list | None = None) -> Directives:
    """Collect meta robots, X-Robots-Tag, the canonical URL and an instant meta refresh for a page."""
    result = Directives()
    metas = tree.css("meta") if metas is None else metas
    meta = meta_robots(tree, now, metas)
    result.meta_noindex = "noindex" in meta
    result.meta_nofollow = "nofollow" in meta
    header = x_robots(headers.get("x-robots-tag", ""), now)
    result.header_noindex = "noindex" in header
    result.header_nofollow = "nofollow" in header

    # Search engines only honour a canonical in <head>; several different ones cancel each other out.
    canonicals = []
    head = tree.head
    for link in head.css("link[rel][href]") if head is not None else ():
        if "canonical" in (link.attributes.get("rel") or "").lower().split():
            resolved = join(base_url, link.attributes.get("href") or "")
            if resolved:
                canonicals.append(resolved)
    canonicals += _header_canonicals(headers.get("link", ""), base_url)
    distinct = list(dict.fromkeys(canonicals))
    if len(distinct) == 1:
        result.canonical = distinct[0]
    elif distinct:
        result.canonical_conflict = True

    refresh = next((m for m in metas if (m.attrs.get("http-equiv") or "").strip().lower() == "refresh"
                    and "content" in m.attrs), None)
    if refresh is not None:
        parsed = _REFRESH.match(refresh.attributes.get("content") or "")
        if parsed and parsed.group(2) and int(parsed.group(1)) == 0:
            result.refresh_to = join(base_url, parsed.group(2).strip())
    return result


def looks_like_not_found(tree: LexborHTMLParser) -> bool:
    """True when a page served with 200 announces in its title or main heading that it does not exist."""
    firsts: dict[str, LexborNode] = {}
    for node in tree.css("title, h1"):  # one walk finds the first of each
        firsts.setdefault(node.tag, node)
    return any(_NOT_FOUND.search(node.text(deep=True) or "") for node in firsts.values())
