"""The links on a parsed page that point at our target, and the best of them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from selectolax.lexbor import LexborNode

from crm.links.html import noscript_links
from crm.links.parsedpage import ParsedPage
from crm.links.placement import hidden_kind, placement
from crm.net.matching import FOUND_MATCHES, match_details, match_rank
from crm.net.urls import site_of

NOFOLLOW_TOKENS = ("nofollow", "sponsored", "ugc")
# Enough to pick the best of many identical links (a sitewide footer repeated in a long page)
# without walking the ancestors of thousands of them.
_ANALYSE_AT_MOST = 200


_ASCII_SPACE = re.compile(r"[\t\n\f\r ]+")
_ASCII_UPPER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def rel_tokens(value: str | None) -> list[str]:
    """The rel attribute as browsers split it: ASCII-whitespace tokens, ASCII-lowercased, deduplicated, sorted."""
    return sorted({token for token in _ASCII_SPACE.split((value or "").translate(_ASCII_UPPER)) if token})


@dataclass
class Candidate:
    """One link whose resolved URL relates to our target, with what decides how much it is worth."""

    node: LexborNode
    url: str
    match: str
    order: int
    differences: list[str] = field(default_factory=list)
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
        """Best link first: seen by browsers, visible, followed, in the content, an <a>, closest match, earliest."""
        return (
            self.noscript,
            self.hidden is not None,
            not self.followed,
            self.placement != "content",
            self.area,
            match_rank(self.match),
            len(self.differences),
            self.order,
        )


@dataclass
class PageLinks:
    """What the links on one page say about our target."""

    found: list[Candidate] = field(default_factory=list)  # exact, equivalent or other_query, as browsers see them
    wrong: list[Candidate] = field(default_factory=list)  # our registrable domain, another page
    noscript: list[Candidate] = field(default_factory=list)  # only present inside <noscript>

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


def collect(parsed: ParsedPage, target_url: str, aliases: tuple[str, ...] = ()) -> PageLinks:
    """Sort out the page's links about our target; only links to the target's own site are resolved."""
    result = PageLinks()
    target_sites = {site for site in (site_of(u) for u in (target_url, *aliases)) if site}
    for order in parsed.candidates(target_sites):
        node, href = parsed.nodes[order], parsed.hrefs[order]
        url = parsed.resolve(href)
        if url is None or site_of(url) not in target_sites:
            continue
        kind, differences = match_details(url, target_url, aliases, raw_href=href)
        if kind in FOUND_MATCHES:
            result.found.append(Candidate(node, url, kind, order, differences, area=node.tag == "area"))
        elif kind == "same_domain":
            result.wrong.append(Candidate(node, url, kind, order, area=node.tag == "area"))
    if not result.found:
        for order, node in enumerate(noscript_links(parsed.tree)):
            href = node.attrs.get("href") or ""
            url = parsed.resolve(href)
            kind, differences = match_details(url, target_url, aliases, raw_href=href) if url else (None, [])
            if kind in FOUND_MATCHES:
                result.noscript.append(Candidate(node, url, kind, order, differences, noscript=True))
    return result
