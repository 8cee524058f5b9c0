"""WHATWG URL rules: parse, resolve and normalise URLs the way browsers read them."""

from __future__ import annotations

import re
from functools import lru_cache

from ada_url import URL, HostType, join_url

from crm.net.domains import registrable_domain

WEB_SCHEMES = frozenset({"http:", "https:"})

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


def pct_normalise(part: str) -> str:
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
    query = pct_normalise(query) if len(query) > 1 else ""
    return f"{parsed.protocol}//{netloc}{pct_normalise(parsed.pathname)}{query}"


@lru_cache(maxsize=65536)
def site_of_host(host: str) -> str:
    """The registrable domain of a host (the host itself for IP addresses and names without one)."""
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
    return site_of_host(host.rstrip(".")) if host else None
