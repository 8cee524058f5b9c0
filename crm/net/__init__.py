"""The one safe HTTP fetcher every feature uses to read the web.

Public API:

    policy = FetchPolicy.from_mapping(app.config)     # or FetchPolicy(...); FETCH_* settings
    with Fetcher(policy, resolver=None) as fetcher:   # resolver(host, port) -> [address, ...]
        page = fetcher.fetch(url, etag=None, last_modified=None, check_robots=True)   # -> FetchResult
        for page in fetcher.fetch_many(urls_or_fetch_requests, check_robots=True, workers=None):
            ...                                         # results as they finish, one per input URL
                                                        # workers caps its threads (policy.max_workers)

    is_global_address("10.0.0.1") -> False             # the address rule on its own
    parse_fetch_url(url) -> FetchTarget                 # raises UnsafeURL for URLs never fetched

fetch() never raises for network trouble: FetchResult.error holds one of crm.net.result.FETCH_ERRORS
("invalid_url", "blocked_address", "dns", "connect", "timeout", "too_large", "content_type",
"too_many_redirects", "robots_disallowed", "robots_unreachable"). Only http and https URLs without
credentials are fetched; every hop of a redirect chain (at most policy.max_redirects) is resolved once, refused when any
address is not globally routable (unless allow_private_networks), and connected to exactly the
checked address. A whole fetch ends by policy.total_timeout; bodies stop at the size caps.
robots.txt is honoured per origin (RFC 9309) and each host gets at most per_host_concurrency
requests at once, per_host_delay apart, and a pause when it answers 429/503 with Retry-After.
"""

from crm.net.addresses import FetchTarget, UnsafeURL, is_global_address, parse_fetch_url, system_resolver
from crm.net.bulk import FetchRequest
from crm.net.fetcher import Fetcher
from crm.net.policy import FetchPolicy
from crm.net.result import FETCH_ERRORS, FetchResult, Hop

__all__ = [
    "FETCH_ERRORS",
    "FetchPolicy",
    "FetchRequest",
    "FetchResult",
    "FetchTarget",
    "Fetcher",
    "Hop",
    "UnsafeURL",
    "is_global_address",
    "parse_fetch_url",
    "system_resolver",
]
