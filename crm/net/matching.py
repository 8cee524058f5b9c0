"""Whether a link's URL names our target page: exact, an equivalent form (with the difference), or another page."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from ada_url import parse_url

from crm.net.urls import WEB_SCHEMES, pct_normalise, site_of_host

# Match kinds, strongest first; a link "counts" for its target when it is one of FOUND_MATCHES.
MATCH_KINDS = ("exact", "equivalent", "other_query", "same_domain")
FOUND_MATCHES = frozenset({"exact", "equivalent", "other_query"})
_RANK = {kind: rank for rank, kind in enumerate(MATCH_KINDS)}

# The words a match reports for each way a link differs from the target while naming the same page.
DIFFERENCES = ("scheme", "www", "trailing_slash", "default_port", "percent_encoding", "idn", "fragment",
               "query_order", "tracking_query", "extra_query", "alias")

# Query parameters that only say where a click came from; the page served is the same with or without them.
TRACKING_PARAMS = frozenset({"gclid", "dclid", "fbclid", "msclkid", "yclid", "mc_cid", "mc_eid", "_hsenc", "_hsmi",
                             "igshid", "gbraid", "wbraid", "twclid", "ttclid", "_ga", "_gl", "mkt_tok", "srsltid"})
_DEFAULT_PORTS = {"http": "80", "https": "443"}
# The authority of an absolute URL as written: scheme, then two slashes (or backslashes), up to the path.
# The parts _key reads, fetched from the URL parser in one call rather than one attribute at a time.
_KEY_PARTS = ("protocol", "hostname", "port", "pathname", "search", "hash")
_AUTHORITY = re.compile(r"^[\x00-\x20]*([A-Za-z][A-Za-z0-9+.-]*):[/\\]{2}([^/\\?#]*)")


class _Key(NamedTuple):
    """The pieces of a parsed web URL that target matching compares."""

    scheme: str
    host: str
    loose_host: str  # without a leading "www."
    port: str
    path: str  # as serialised
    loose_path: str  # escapes normalised, one trailing slash dropped
    raw_query: str
    params: tuple[tuple[str, str], ...]  # escapes normalised, tracking ones removed, in order
    tracking: tuple[tuple[str, str], ...]
    fragment: str


def _is_tracking(name: str) -> bool:
    name = name.lower()
    return name.startswith("utm_") or name in TRACKING_PARAMS


def _param(piece: str) -> tuple[str, str]:
    name, _, value = piece.partition("=")
    # Form encoding writes a space as "+"; servers read it as "%20".
    return pct_normalise(name.replace("+", "%20")), pct_normalise(value.replace("+", "%20"))


@lru_cache(maxsize=16384)
def _key(url: str) -> _Key | None:
    try:
        parts = parse_url(url, _KEY_PARTS)
    except (ValueError, UnicodeError, TypeError):
        return None  # a URL a browser would refuse
    if parts["protocol"] not in WEB_SCHEMES:
        return None
    host = parts["hostname"].rstrip(".")
    path = parts["pathname"]
    loose = pct_normalise(path)
    loose = loose[:-1] if loose.endswith("/") else loose
    raw_query = parts["search"][1:]
    pieces = [_param(p) for p in raw_query.split("&") if p]
    return _Key(parts["protocol"][:-1], host, host[4:] if host.startswith("www.") else host, parts["port"], path,
                loose, raw_query, tuple(p for p in pieces if not _is_tracking(p[0])),
                tuple(p for p in pieces if _is_tracking(p[0])), parts["hash"][1:])


def _grouped(params: tuple[tuple[str, str], ...]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for name, value in params:
        grouped.setdefault(name, []).append(value)
    return grouped


def _query_differences(found: _Key, target: _Key) -> list[str] | None:
    """How the link's query differs from the target's; None when it asks for another page."""
    wanted, have = _grouped(target.params), _grouped(found.params)
    if any(sorted(have.get(name, ())) != sorted(values) for name, values in wanted.items()):
        return None
    differences = []
    if set(have) - set(wanted):
        differences.append("extra_query")
    elif found.params != target.params:
        differences.append("query_order")
    if sorted(found.tracking) != sorted(target.tracking):
        differences.append("tracking_query")
    if not differences and found.raw_query != target.raw_query:
        differences.append("percent_encoding")
    return differences


def _written_differences(raw_found: str, raw_target: str) -> list[str]:
    """Differences that URL parsing erases but the written URLs show: an explicit default port, IDN vs punycode."""
    found, target = _AUTHORITY.match(raw_found), _AUTHORITY.match(raw_target)
    if found is None or target is None:
        return []
    differences = []

    def default_port(match: re.Match[str]) -> bool:
        scheme, authority = match.group(1).lower(), match.group(2).rpartition("@")[2]
        port = authority.rpartition(":")[2] if ":" in authority and not authority.endswith("]") else None
        return port is not None and port in ("", _DEFAULT_PORTS.get(scheme))

    if default_port(found) != default_port(target):
        differences.append("default_port")
    if (not found.group(2).isascii()) != (not target.group(2).isascii()):
        differences.append("idn")
    return differences


def _compare(found: _Key, target: _Key) -> tuple[str, list[str]] | None:
    if found.loose_host != target.loose_host or found.port != target.port or found.loose_path != target.loose_path:
        # The public-suffix lookup is only needed here, for links to another page or host.
        return ("same_domain", []) if site_of_host(found.host) == site_of_host(target.host) else None
    query = _query_differences(found, target)
    if query is None:
        return "same_domain", []
    differences = []
    if found.scheme != target.scheme:
        differences.append("scheme")
    if found.host != target.host:
        differences.append("www")
    if found.path != target.path:
        if pct_normalise(found.path) != pct_normalise(target.path):
            differences.append("trailing_slash")  # the loose paths are equal, so a slash is what differs
        if found.path.removesuffix("/") != target.path.removesuffix("/"):
            differences.append("percent_encoding")
    if found.fragment != target.fragment:
        differences.append("fragment")
    differences += [d for d in query if d not in differences]
    kind = "other_query" if "extra_query" in differences else "equivalent" if differences else "exact"
    return kind, differences


def match_details(found_url: str, target_url: str, aliases: tuple[str, ...] | list[str] = (),
                  raw_href: str | None = None) -> tuple[str | None, list[str]]:
    """How a link's URL relates to our target, and the differences when it names the same page in another form.

    The kind is exact, equivalent, other_query (the link adds query parameters), same_domain (another page of
    the target's site) or None. raw_href is the link as written, which shows differences parsing erases.
    """
    found = _key(found_url)
    if found is None:
        return None, []
    best: tuple[str, list[str]] | None = None
    for index, candidate in enumerate((target_url, *aliases)):
        target = _key(candidate)
        if target is None:
            continue
        result = _compare(found, target)
        if result is None:
            continue
        kind, differences = result
        if kind in FOUND_MATCHES:
            differences = differences + _written_differences(raw_href or found_url, candidate)
            if index > 0:
                differences.append("alias")
            if kind == "exact" and differences:
                kind = "equivalent"
        if best is None or (_RANK[kind], len(differences)) < (_RANK[best[0]], len(best[1])):
            best = (kind, differences)
    return best if best is not None else (None, [])


# Paths compare case-sensitively, and /index.html is not / because servers differ on both.
def match_target(found_url: str, target_url: str, aliases: tuple[str, ...] | list[str] = ()) -> str | None:
    """How a link's URL relates to our target: exact, equivalent, other_query, same_domain, or None."""
    return match_details(found_url, target_url, aliases)[0]


def same_page(url: str, other: str) -> bool:
    """True when two URLs name the same page (exact or an equivalent form; no extra parameters either way)."""
    return match_target(url, other) in ("exact", "equivalent") and match_target(other, url) in ("exact", "equivalent")


def match_rank(kind: str | None) -> int:
    """Sort key for match kinds, strongest first; None sorts last."""
    return _RANK.get(kind, len(MATCH_KINDS)) if kind else len(MATCH_KINDS)

