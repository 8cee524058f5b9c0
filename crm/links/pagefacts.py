"""What a fetched page says about itself for the quality score: title, main text, language, linked domains."""

from __future__ import annotations

from dataclasses import dataclass

from crm.links.html import main_text, page_language
from crm.links.parsedpage import ParsedPage
from crm.net.result import FetchResult

# Enough text for relevance and spam signals; longer pages add nothing but storage.
MAX_TEXT_CHARS = 60_000


@dataclass(frozen=True)
class PageRead:
    """The readable part of one page."""

    title: str
    text: str
    language: str | None
    outbound_domains: int


def read_page(page: FetchResult, parsed: ParsedPage | None = None) -> PageRead | None:
    """Read a fetched HTML page (reusing the verifier's parse when given); None when the fetch brought no body."""
    if not page.ok or not page.body:
        return None
    parsed = parsed or ParsedPage.from_fetch(page)
    tree = parsed.tree
    node = tree.css_first("title")
    title = " ".join((node.text() if node is not None else "").split())[:500]
    own = parsed.page_site
    domains = {site for site in parsed.site_counts if site and site != own}
    return PageRead(
        title=title,
        text=main_text(tree)[:MAX_TEXT_CHARS],
        language=page_language(tree, page.headers.get("content-language", ""), parsed.metas),
        outbound_domains=len(domains),
    )
