"""What a fetched page says about itself for the quality score: title, main text, language, linked domains."""

from __future__ import annotations

from dataclasses import dataclass

from crm.links.anchors import first_base_url
from crm.links.html import main_text, page_language, parse_html
from crm.net.result import FetchResult
from crm.net.urls import join, site_of

# Enough text for relevance and spam signals; longer pages add nothing but storage.
MAX_TEXT_CHARS = 60_000


@dataclass(frozen=True)
class PageRead:
    """The readable part of one page."""

    title: str
    text: str
    language: str | None
    outbound_domains: int


def read_page(page: FetchResult) -> PageRead | None:
    """Read a fetched HTML page; None when the fetch brought no page body."""
    if not page.ok or not page.body:
        return None
    tree, _codec = parse_html(page.body, page.headers.get("content-type", ""))
    node = tree.css_first("title")
    title = " ".join((node.text() if node is not None else "").split())[:500]
    final_url = page.final_url or page.url
    base = first_base_url(tree, final_url)
    own = site_of(final_url)
    domains = set()
    for link in tree.css("a[href]"):
        url = join(base, link.attributes.get("href") or "")
        site = site_of(url) if url else None
        if site and site != own:
            domains.add(site)
    return PageRead(
        title=title,
        text=main_text(tree)[:MAX_TEXT_CHARS],
        language=page_language(tree, page.headers.get("content-language", "")),
        outbound_domains=len(domains),
    )
