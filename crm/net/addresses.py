"""Which hosts and addresses the fetcher may reach: URL parsing for fetches, the address rule, the resolver."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import ada_url

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# A resolver answers (host, port) with the addresses to connect to, as strings.
Resolver = Callable[[str, int], Sequence[str]]

MAX_URL_LENGTH = 8192
_DEFAULT_PORTS = {"http": 80, "https": 443}

# IANA special-purpose and non-unicast IPv4 blocks: nothing a public web page lives on.
_V4_NOT_GLOBAL = tuple(
    ipaddress.IPv4Network(block)
    for block in (
        "0.0.0.0/8",  # "this network", includes the unspecified address
        "10.0.0.0/8",
        "100.64.0.0/10",  # carrier-grade NAT
        "127.0.0.0/8",
        "169.254.0.0/16",  # link-local, home of cloud metadata (169.254.169.254)
        "172.16.0.0/12",
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation
        "192.88.99.0/24",  # retired 6to4 relay anycast
        "192.168.0.0/16",
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",  # documentation
        "203.0.113.0/24",  # documentation
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, includes the limited broadcast address
    )
)

# IPv6 is judged by allow-list: only global unicast (2000::/3) can be a public site, minus the blocks below.
# Everything outside it (::1, ::, ::a.b.c.d, fc00::/7 with fd00:ec2::254, fe80::/10, ff00::/8,
# 64:ff9b:1::/48 local NAT64, 100::/64 discard) is refused, except the two forms that carry an IPv4
# address a dual-stack or NAT64 host really connects to; those are judged by the IPv4 inside.
_V6_GLOBAL_UNICAST = ipaddress.IPv6Network("2000::/3")
_V6_NOT_GLOBAL = tuple(
    ipaddress.IPv6Network(block)
    for block in (
        "2001::/23",  # IETF protocol assignments: Teredo 2001::/32, benchmarking 2001:2::/48, ORCHID
        "2001:db8::/32",  # documentation
        "2002::/16",  # 6to4: the IPv4 inside is reached through relays we cannot vouch for
        "3fff::/20",  # documentation
    )
)
_V6_MAPPED = ipaddress.IPv6Network("::ffff:0:0/96")
_V6_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class UnsafeURL(ValueError):  # noqa: N818 - the name the fetcher API promises
    """A URL the fetcher refuses before any network traffic: bad syntax, scheme or credentials."""


@dataclass(frozen=True)
class FetchTarget:
    """A URL reduced to what a request needs: scheme, host, port and the path with its query."""

    url: str  # WHATWG serialisation without the fragment
    scheme: str  # "http" or "https"
    host: str  # ASCII host for DNS, the Host header and TLS; IPv6 without brackets
    port: int
    path: str  # path and query, as sent on the request line
    literal: IPAddress | None  # the address when the host is an IP literal

    @property
    def host_key(self) -> str:
        """The host as politeness counts it: lower-case, without a trailing dot."""
        return self.host.rstrip(".").lower()

    @property
    def origin(self) -> str:
        """scheme://host:port, the scope of a robots.txt file."""
        host = f"[{self.host}]" if ":" in self.host else self.host_key
        return f"{self.scheme}://{host}:{self.port}"


def parse_fetch_url(url: str) -> FetchTarget:
    """Parse a URL the way browsers do (WHATWG) and refuse what must never be fetched; raises UnsafeURL."""
    if not isinstance(url, str) or not url.strip():
        raise UnsafeURL("empty URL")
    if len(url) > MAX_URL_LENGTH:
        raise UnsafeURL(f"URL longer than {MAX_URL_LENGTH} characters")
    try:
        parsed = ada_url.URL(url.strip())
    except ValueError as exc:
        raise UnsafeURL(f"not a valid URL: {url[:200]!r}") from exc
    scheme = parsed.protocol.rstrip(":")
    if scheme not in _DEFAULT_PORTS:
        raise UnsafeURL(f"scheme {scheme!r} is not fetched (http and https only)")
    if parsed.username or parsed.password:
        raise UnsafeURL("credentials in the URL are refused")
    # WHATWG host parsing has already turned 0x7f.1, 2130706433 and full-width digits into dotted IPv4.
    host = parsed.hostname
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not host:
        raise UnsafeURL("URL has no host")
    literal = _ip_or_none(host)
    href = parsed.href
    if parsed.hash:
        href = href[: -len(parsed.hash)]
    return FetchTarget(
        url=href,
        scheme=scheme,
        host=host,
        port=int(parsed.port) if parsed.port else _DEFAULT_PORTS[scheme],
        path=(parsed.pathname or "/") + parsed.search,
        literal=literal,
    )


def _ip_or_none(text: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address carried inside an IPv6 one (mapped, NAT64, 6to4, Teredo server), if any."""
    if ip in _V6_MAPPED:
        return ip.ipv4_mapped
    if ip in _V6_NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[0]
    if int(ip) >> 32 == 0 and int(ip) > 1:
        return ipaddress.IPv4Address(int(ip))  # deprecated IPv4-compatible ::a.b.c.d
    return None


def refusal_reason(ip: IPAddress | str) -> str | None:
    """Why an address is not a public web host, or None when it is globally routable."""
    if isinstance(ip, str):
        parsed = _ip_or_none(ip)
        if parsed is None:
            return f"{ip!r} is not an IP address"
        ip = parsed
    if isinstance(ip, ipaddress.IPv4Address):
        for block in _V4_NOT_GLOBAL:
            if ip in block:
                return f"{ip} is in {block}, which is not globally routable"
        return None
    if ip.scope_id:
        return f"{ip} is a scoped (link-local) address"
    if ip in _V6_MAPPED or ip in _V6_NAT64:
        inner = embedded_ipv4(ip)
        inner_reason = refusal_reason(inner) if inner is not None else "malformed"
        return f"{ip} carries {inner}: {inner_reason}" if inner_reason else None
    if ip not in _V6_GLOBAL_UNICAST:
        return f"{ip} is outside IPv6 global unicast (2000::/3)"
    for block in _V6_NOT_GLOBAL:
        if ip in block:
            inner = embedded_ipv4(ip)
            carried = f" (carries {inner})" if inner is not None else ""
            return f"{ip} is in {block}, which is not globally routable{carried}"
    return None


def is_global_address(ip: IPAddress | str) -> bool:
    """True when the address may host a public web page (the fetcher's address rule)."""
    return refusal_reason(ip) is None


def check_addresses(
    addresses: Iterable[IPAddress],
    *,
    allow_private: bool = False,
    allowed_networks: Sequence[ipaddress.IPv4Network | ipaddress.IPv6Network] = (),
) -> str | None:
    """Why a DNS answer must be refused (ANY inward address refuses it all), or None when it may be used."""
    if allow_private:
        return None
    for ip in addresses:
        if any(ip.version == net.version and ip in net for net in allowed_networks):
            continue
        reason = refusal_reason(ip)
        if reason:
            return reason
    return None


def system_resolver(host: str, port: int) -> list[str]:
    """Resolve a host with the operating system's resolver, returning each address once, in order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: dict[str, None] = {}
    for _family, _type, _proto, _canon, sockaddr in infos:
        seen.setdefault(str(sockaddr[0]), None)
    return list(seen)


def parse_addresses(answer: Iterable[str]) -> list[IPAddress]:
    """Turn a resolver's answer into address objects; raises ValueError on anything that is not an address."""
    parsed = []
    for text in answer:
        ip = _ip_or_none(str(text))
        if ip is None:
            raise ValueError(f"resolver answered {text!r}, which is not an IP address")
        parsed.append(ip)
    return parsed
