"""Tasks about links in words a marketer reads (the verifier speaks in status and reason codes) (pure)."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from crm.links.wording import reason_text, status_label

# What happened to a link, by the status the verifier gave it, as the end of "The link on X to our Y ...".
LOST_WORDS = {
    "missing": "was removed",
    "page_error": "is gone: the page no longer works",
    "wrong_target": "now points to another page",
    "not_indexable": "is on a page search engines are told not to index",
    "live_nofollow": "is now marked nofollow",
    "blocked": "can no longer be checked: robots.txt blocks the page",
}
# Reason codes that tell which of the above happened when only the reasons are known.
REASON_STATUS = {"no_link": "missing", "wrong_target": "wrong_target", "noscript_only": "missing",
                 "http_404": "page_error", "http_410": "page_error", "http_4xx": "page_error",
                 "soft_404": "page_error", "too_many_redirects": "page_error", "invalid_url": "page_error"}


def short_page(url: str | None) -> str:
    """'https://www.example.com/post/' → 'example.com/post' (how people name a page)."""
    parts = urlsplit(url or "")
    host = (parts.hostname or "").removeprefix("www.")
    path = parts.path.rstrip("/")
    return f"{host}{path}" if host else (url or "").strip()


def our_page(url: str | None) -> str:
    """Our target as its path ('/guide'), or its host for a home page."""
    parts = urlsplit(url or "")
    path = parts.path.rstrip("/")
    return path or (parts.hostname or "").removeprefix("www.") or "page"


def link_phrase(source_url: str | None, target_url: str | None, fallback: str = "") -> str:
    """'The link on example.com/post to our /guide' (or on the site named by `fallback`)."""
    if source_url:
        return f"The link on {short_page(source_url)} to our {our_page(target_url)}"
    return f"The link on {fallback}" if fallback else "A link of this campaign"


def lost_status(reasons: Iterable[str], status: str | None = None) -> str:
    """The status that says what happened: the backlink's own, else the first reason that tells."""
    if status in LOST_WORDS:
        return status
    for code in reasons or ():
        if str(code) in REASON_STATUS:
            return REASON_STATUS[str(code)]
    return "missing"


def lost_title(phrase: str, status: str) -> str:
    """'The link on example.com/post to our /guide was removed'."""
    return f"{phrase} {LOST_WORDS.get(status, 'was lost')}"


def reasons_text(reasons: Iterable[str]) -> str:
    """What the verifier found, as sentences (no codes)."""
    said = [reason_text(str(code)) for code in reasons or () if str(code).strip()]
    return " ".join(dict.fromkeys(said)) or "The checker no longer finds the link on the page."


def changed_text(old_status: str | None, new_status: str | None) -> str:
    """'Link went from Live to Live, nofollow' in the statuses' labels."""
    return f"Link went from {status_label(old_status)} to {status_label(new_status)}"
