"""The fetcher's settings as one immutable value, readable from the app's configuration."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

DEFAULT_USER_AGENT = "OutreachCRM-LinkChecker/1.0 (+https://outreachcrm.example/bot)"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"not a yes/no value: {value!r}")


def _networks(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    return tuple(str(item) for item in value)


@dataclass(frozen=True)
class FetchPolicy:
    """Everything that bounds a fetch: the address rule, identity, time, size, politeness."""

    # Lifts only the address rule (loopback, private, ...); scheme, credential and size rules stay.
    allow_private_networks: bool = False
    # Networks reachable even while the address rule holds, e.g. an intranet a deployment trusts.
    allowed_networks: tuple[str, ...] = ()
    # Deployments set FETCH_USER_AGENT with their own contact URL so site owners can reach them.
    user_agent: str = DEFAULT_USER_AGENT
    # The robots.txt product token; empty means the user agent up to its first "/" or space.
    robots_token: str = ""
    connect_timeout: float = 5.0
    read_timeout: float = 10.0  # the longest silence between two reads
    total_timeout: float = 20.0  # the whole fetch, redirects, robots.txt and a dripping body included
    max_body_bytes: int = 5 * 1024 * 1024  # bytes on the wire
    max_decoded_bytes: int = 10 * 1024 * 1024  # after gzip/deflate/br decoding
    allowed_content_types: tuple[str, ...] = ("text/html", "application/xhtml+xml", "text/plain")
    max_redirects: int = 5
    per_host_concurrency: int = 2
    per_host_delay: float = 0.5  # the least time between the starts of two requests to one host
    max_crawl_delay: float = 10.0  # a robots.txt Crawl-delay is honoured up to this
    max_retry_after: float = 3600.0  # a Retry-After pause is honoured up to this
    robots_ttl: float = 24 * 3600.0  # RFC 9309 asks not to keep robots.txt longer than a day
    robots_error_ttl: float = 600.0  # how long an unreachable robots.txt keeps a host closed
    robots_max_bytes: int = 512 * 1024  # RFC 9309: parse at least 500 KiB
    max_workers: int = 512  # the most threads of one fetch_many; it starts only as many as can be busy
    ca_certs: str | None = None  # a CA bundle file; None uses certifi's

    def __post_init__(self) -> None:
        """Refuse settings that would make the fetcher unsafe or stuck."""
        for name in ("connect_timeout", "read_timeout", "total_timeout"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive")
        for name in ("max_body_bytes", "max_decoded_bytes", "per_host_concurrency", "max_workers"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        if not 0 <= self.max_redirects <= 20:
            raise ValueError("max_redirects must be between 0 and 20")
        if self.per_host_delay < 0:
            raise ValueError("per_host_delay cannot be negative")
        if not self.user_agent.strip():
            raise ValueError("user_agent cannot be empty")
        self.networks()  # fail early on a malformed network

    def networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        """The allowed_networks as network objects."""
        return tuple(ipaddress.ip_network(net, strict=False) for net in self.allowed_networks)

    @property
    def product_token(self) -> str:
        """The name robots.txt groups are matched against."""
        token = self.robots_token or self.user_agent.split("/", 1)[0].split(" ", 1)[0]
        return token.strip()

    def replace(self, **changes: Any) -> FetchPolicy:
        """A copy with some settings changed."""
        return replace(self, **changes)

    @classmethod
    def from_mapping(cls, config: Mapping[str, Any]) -> FetchPolicy:
        """Build a policy from FETCH_* settings (a Flask config or os.environ); missing keys keep defaults."""
        values: dict[str, Any] = {}
        known = {f.name for f in fields(cls)}
        for key, (name, convert) in _SETTINGS.items():
            if key in config and config[key] is not None and name in known:
                try:
                    values[name] = convert(config[key])
                except (TypeError, ValueError) as exc:
                    raise ValueError(f"{key}: {exc}") from exc
        return cls(**values)


_SETTINGS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "FETCH_ALLOW_PRIVATE_NETWORKS": ("allow_private_networks", _flag),
    "FETCH_ALLOWED_NETWORKS": ("allowed_networks", _networks),
    "FETCH_USER_AGENT": ("user_agent", str),
    "FETCH_ROBOTS_TOKEN": ("robots_token", str),
    "FETCH_CONNECT_TIMEOUT": ("connect_timeout", float),
    "FETCH_READ_TIMEOUT": ("read_timeout", float),
    "FETCH_TOTAL_TIMEOUT": ("total_timeout", float),
    "FETCH_MAX_BYTES": ("max_body_bytes", int),
    "FETCH_MAX_DECODED_BYTES": ("max_decoded_bytes", int),
    "FETCH_MAX_REDIRECTS": ("max_redirects", int),
    "FETCH_PER_HOST_CONCURRENCY": ("per_host_concurrency", int),
    "FETCH_PER_HOST_DELAY": ("per_host_delay", float),
    "FETCH_MAX_WORKERS": ("max_workers", int),
    "FETCH_CA_CERTS": ("ca_certs", str),
}
