"""The links on a parsed page that point at our target, the best of them, and the page's outbound count."""

from __future__ import annotations

from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser, LexborNode

from crm.links.html import noscript_links
from crm.links.placement import hidden_kind, placement
from crm.net.urls import FOUND_MATCHES, join, match_rank, match_target, site_of

NOFOLLOW_TOKENS = ("nofollow", "sponsored", "ugc")
# Enough to pick the best of many identical links (a sitewide footer repeated in a long page)
# without walking the ancestors of thousands of them.
_ANALYSE_AT_MOST = 200


def rel_tokens(value: str | None) -> list[str]:
    """The rel attribute as browsers split it: ASCII-whitespace tokens, lowercase, deduplicated, sorted."""
    return sorted(set((value or "").lower().split()))


@dataclass
class Candidate:
    """One link whose resolved URL relates to our target, with what decides how much it is worth."""

    node: LexborNode
    url: str
    match: str
    order: int
    area: bool = False
    noscript: bool = False
    rel: list[str] = field(default_factory=list)
    hidden: str | None = None
    placement: str = "unknown"

    @property
    def followed(self) -> bool:
        """True when the link's own rel lets a search engine follow it."""
        return not any(token in self.rel for token in NOFOLLOW_TOKENS)

    def analyse(self) -> Candidate:
        """Fill in rel, visibility and placement from the markup around the link."""
        self.rel = rel_tokens(self.node.attributes.get("rel"))
        self.hidden = "noscript" if self.noscript else hidden_kind(self.node)
        self.placement = placement(self.node)
        return self

    def sort_key(self) -> tuple:
        """Best link first: seen by browsers, followed, visible, in the content, an <a>, closest match, earliest."""
        return (
            self.noscript,
            not self.followed,
            self.hidden is not None,
            self.placement != "content",
            self.area,
            match_rank(self.match),
            self.order,
        )


@dataclass
class PageLinks:
    """What the links on one page say about our target."""

    found: list[Candidate] = field(default_factory=list)  # exact, equivalent or other_query, as browsers see them
    wrong: list[Candidate] = field(default_factory=list)  # our registrable domain, another page
    noscript: list[Candidate] = field(default_factory=list)  # only present inside <noscript>
    outbound: int = 0  # links to registrable domains other than the page's own

    def best(self) -> Candidate | None:
        """The link that best represents our backlink on this page, or None."""
        pool = self.found or self.noscript
        if not pool:
            return None
        return _best_of(pool)

    def best_wrong(self) -> Candidate:
        """The link to another page of our site that most looks like the one agreed, as evidence."""
        return _best_of(self.wrong)


def _best_of(pool: list[Candidate]) -> Candidate:
    analysed = [c.analyse() for c in pool[:_ANALYSE_AT_MOST]]
    return min(analysed, key=Candidate.sort_key)


def collect(tree: LexborHTMLParser, base_url: str, page_site: str | None, target_url: str,
            aliases: tuple[str, ...] = ()) -> PageLinks:
    """Resolve every <a href> and <area href> against the document base and sort out those about our target."""
    result = PageLinks()
    target_sites = {site for site in (site_of(u) for u in (target_url, *aliases)) if site}
    for order, node in enumerate(tree.css("a[href], area[href]")):
        url = join(base_url, node.attributes.get("href") or "")
        if url is None:
            continue
        site = site_of(url)
        if site != page_site:
            result.outbound += 1
        if site not in target_sites:
            continue
        kind = match_target(url, target_url, aliases)
        if kind in FOUND_MATCHES:
            result.found.append(Candidate(node, url, kind, order, area=node.tag == "area"))
        elif kind == "same_domain":
            result.wrong.append(Candidate(node, url, kind, order, area=node.tag == "area"))
    if not result.found:
        for order, node in enumerate(noscript_links(tree)):
            url = join(base_url, node.attributes.get("href") or "")
            kind = match_target(url, target_url, aliases) if url else None
            if kind in FOUND_MATCHES:
                result.noscript.append(Candidate(node, url, kind, order, noscript=True))
    return result


def first_base_url(tree: LexborHTMLParser, document_url: str) -> str:
    """The document base URL: the first <base href> resolved against the page URL, as browsers use it."""
    base = tree.css_first("base[href]")
    if base is None:
        return document_url
    return join(document_url, base.attributes.get("href") or "") or document_url
