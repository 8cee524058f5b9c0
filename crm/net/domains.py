"""Host names and registrable domains (public-suffix aware, offline)."""

from __future__ import annotations

from functools import lru_cache

import tldextract

# The suffix list bundled with the package; never fetched at run time.
_extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=False)


def normalise_host(host: str) -> str:
    """Lower-case a host, drop a trailing dot and convert Unicode labels to their IDNA (punycode) form."""
    host = (host or "").strip().rstrip(".").lower()
    if not host:
        return ""
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


@lru_cache(maxsize=65536)
def registrable_domain(host: str) -> str | None:
    """The registrable domain of a host ("blog.example.co.uk" -> "example.co.uk"); None for IPs and bare suffixes."""
    host = normalise_host(host)
    if not host:
        return None
    parts = _extract(host)
    if not parts.domain or not parts.suffix:
        return None
    return f"{parts.domain}.{parts.suffix}"


def same_site(host_a: str, host_b: str) -> bool:
    """True when two hosts share a registrable domain."""
    a, b = registrable_domain(host_a), registrable_domain(host_b)
    return a is not None and a == b
