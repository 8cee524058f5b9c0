"""WHATWG URL rules: parse, resolve, normalise and match link targets the way browsers read them."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from ada_url import URL, HostType, join_url

from crm.net.domains import registrable_domain

WEB_SCHEMES = frozenset({"http:", "https:"})

# Match kinds, strongest first; a link "counts" for its target when it is one of FOUND_MATCHES.
MATCH_KINDS = ("exact", "equivalent", "other_query", "same_domain")
FOUND_MATCHES = frozenset({"exact", "equivalent", "other_query"})
_RANK = {kind: rank for rank, kind in enumerate(MATCH_KINDS)}

# Query parameters that only say where a click came from; the page served is the same with or without
# them, so a link that differs from the target only by these is "equivalent", not "other_query".
TRACKING_PARAMS = frozenset({"gclid", "dclid", "fbclid", "msclkid", "yclid", "mc_cid", "mc_eid", "_hsenc", "_hsmi"})

# A host already in serialised form whose last label starts with a letter, so it cannot be an IPv4 address
# in one of the shorthand forms (0x7f.1, 127.1) that only a full parse normalises.
_PLAIN_HOST = re.compile(r"(?:[a-z0-9_-]+\.)*[a-z][a-z0-9-]*\.?")
_PCT = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def parse(url: str) -> URL | None:
    """Parse an absolute URL by the WHATWG rules; None when a browser would refuse it."""
    try:
        return URL(url)
    except (ValueError, UnicodeError, TypeError):
        return None


@lru_cache(maxsize=16384)
def join(base: str, href: str) -> str | None:
    """Resolve an <a href> against a document base as a browser does; None for non-web or unparsable links."""
    if href is None or base is None:
        return None
    try:
        url = join_url(base, href)
    except (ValueError, UnicodeError, TypeError):
        return None
    # The serialisation always spells the scheme in lowercase, so a prefix test is exact.
    return url if url.startswith(("https://", "http://")) else None


def _pct_normalise(part: str) -> str:
    """Decode escapes of unreserved characters and upper-case the rest (RFC 3986 section 6.2.2)."""
    if "%" not in part:
        return part

    def fix(m: re.Match[str]) -> str:
        char = chr(int(m.group(1), 16))
        return char if char in _UNRESERVED else "%" + m.group(1).upper()

    return _PCT.sub(fix, part)


@lru_cache(maxsize=16384)
def normalise(url: str) -> str | None:
    """A comparison form of a URL: WHATWG-parsed, IDNA host, no default port, no fragment, escapes normalised."""
    parsed = parse(url)
    if parsed is None:
        return None
    if parsed.protocol not in WEB_SCHEMES:
        href = parsed.href
        return href.split("#", 1)[0]
    # Credentials never identify a page, and a trailing dot names the same host as without it.
    host = parsed.hostname.rstrip(".") if parsed.host_type == HostType.DEFAULT else parsed.hostname
    port = parsed.port
    netloc = f"{host}:{port}" if port else host
    query = parsed.search
    query = _pct_normalise(query) if len(query) > 1 else ""
    return f"{parsed.protocol}//{netloc}{_pct_normalise(parsed.pathname)}{query}"


class _Key(NamedTuple):
    """The pieces of a normalised web URL that target matching compares."""

    exact: str
    host: str  # without a leading "www."
    port: str
    path: str  # without a trailing slash
    query: tuple[str, ...]  # sorted parameters, tracking ones removed
    raw_query: str
    site: str  # registrable domain, or the host itself for IPs and single labels


def _is_tracking(param: str) -> bool:
    name = param.split("=", 1)[0].lower()
    return name.startswith("utm_") or name in TRACKING_PARAMS


@lru_cache(maxsize=16384)
def _key(url: str) -> _Key | None:
    exact = normalise(url)
    if exact is None:
        return None
    parsed = parse(exact)
    if parsed is None or parsed.protocol not in WEB_SCHEMES:
        return None
    host = parsed.hostname
    loose_host = host[4:] if host.startswith("www.") else host
    path = parsed.pathname.rstrip("/")
    raw_query = parsed.search[1:]
    params = tuple(sorted(p for p in raw_query.split("&") if p and not _is_tracking(p)))
    return _Key(exact, loose_host, parsed.port, path, params, raw_query, _site_of_host(host))


@lru_cache(maxsize=65536)
def _site_of_host(host: str) -> str:
    if host.startswith("[") or host.replace(".", "").isdigit():
        return host  # IP addresses have no registrable domain; the address itself is the site
    return registrable_domain(host) or host


def host_of(url: str) -> str | None:
    """The host of a web URL; serialised URLs (as join returns them) are read without a full parse."""
    scheme, sep, rest = url.partition("://")
    if sep and scheme in ("http", "https") and "\\" not in rest:
        # A serialised special URL always has a path starting with "/", so the authority ends there.
        authority = rest.split("/", 1)[0].rpartition("@")[2]
        if authority.startswith("["):
            return authority[: authority.find("]") + 1]
        host = authority.partition(":")[0]
        if _PLAIN_HOST.fullmatch(host):
            return host
    parsed = parse(url)
    if parsed is None or parsed.protocol not in WEB_SCHEMES:
        return None
    return parsed.hostname


def site_of(url: str) -> str | None:
    """The registrable domain of a web URL (the host itself for IP addresses); None when unparsable."""
    host = host_of(url)
    return _site_of_host(host.rstrip(".")) if host else None


def _compare(found: _Key, target: _Key) -> str | None:
    if found.exact == target.exact:
        return "exact"
    if found.host == target.host and found.port == target.port and found.path == target.path:
        # Parameter order and click-tracking parameters do not change the page a server returns.
        return "equivalent" if found.query == target.query else "other_query"
    if found.site == target.site:
        return "same_domain"
    return None


# "equivalent" covers http vs https, www vs bare host, a trailing slash on the path, reordered or
# click-tracking query parameters (utm_*, gclid, fbclid, ...), and any URL our own target is known to be
# reached from (aliases, e.g. an old address that redirects to it). Paths compare case-sensitively, and
# /index.html is not / because servers differ on both.
def match_target(found_url: str, target_url: str, aliases: tuple[str, ...] | list[str] = ()) -> str | None:
    """How a link's URL relates to our target: exact, equivalent, other_query, same_domain, or None."""
    found = _key(found_url)
    if found is None:
        return None
    best: str | None = None
    for index, candidate in enumerate((target_url, *aliases)):
        target = _key(candidate)
        if target is None:
            continue
        kind = _compare(found, target)
        if kind == "exact" and index > 0:
            kind = "equivalent"
        if kind is not None and (best is None or _RANK[kind] < _RANK[best]):
            best = kind
    return best


def match_rank(kind: str | None) -> int:
    """Sort key for match kinds, strongest first; None sorts last."""
    return _RANK.get(kind, len(MATCH_KINDS)) if kind else len(MATCH_KINDS)
