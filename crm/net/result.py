"""The value the safe fetcher returns and every feature reads (no Flask, no database)."""

from __future__ import annotations

from dataclasses import dataclass, field

# Short, stable codes for why a fetch produced no usable page.
FETCH_ERRORS = (
    "invalid_url",  # not http(s), credentials in URL, unparsable
    "blocked_address",  # host resolves to a non-global address (SSRF rule)
    "dns",  # host does not resolve
    "connect",  # connection refused / reset / TLS failure
    "timeout",  # connect or total deadline passed
    "too_large",  # body or decompressed body over the cap
    "content_type",  # not an HTML-ish document
    "too_many_redirects",  # more than the allowed hops
    "robots_disallowed",  # robots.txt forbids our user agent
    "robots_unreachable",  # robots.txt could not be read, so the host is left alone for now (RFC 9309)
)


@dataclass(frozen=True)
class Hop:
    """One step of a redirect chain: the URL asked for and the status it answered."""

    url: str
    status: int


@dataclass
class FetchResult:
    """What one fetch of a page produced, with everything the verifier needs as evidence."""

    url: str  # the URL asked for
    final_url: str  # after redirects (== url when none)
    status: int | None = None  # HTTP status of the final response; None when no response
    headers: dict[str, str] = field(default_factory=dict)  # lowercase names; repeated ones joined by ", "
    body: bytes = b""
    redirects: list[Hop] = field(default_factory=list)  # hops before the final response
    error: str | None = None  # one of FETCH_ERRORS, or None
    error_detail: str = ""  # human-readable detail for the error
    elapsed: float = 0.0  # seconds, whole fetch including redirects
    robots_allowed: bool | None = None  # our own agent's verdict; None when robots.txt was not consulted
    googlebot_allowed: bool | None = None  # Googlebot's verdict from the same file (it decides indexing)
    not_modified: bool = False  # a conditional GET answered 304
    retry_after: float | None = None  # seconds, when the server asked us to come back later

    @property
    def ok(self) -> bool:
        """True when a response with a body arrived (any status)."""
        return self.error is None and self.status is not None

    @property
    def content_type(self) -> str:
        """The media type without parameters, lowercase."""
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()
