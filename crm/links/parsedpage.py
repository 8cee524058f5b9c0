"""One parse of a fetched page, shared by the verifier and the page facts: the DOM, its base URL and its links."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from selectolax.lexbor import LexborHTMLParser, LexborNode

from crm.links.html import parse_html
from crm.net.result import FetchResult
from crm.net.urls import join, site_of, site_of_host

# An href a browser reads as "another host": an optional web scheme, two slashes, a plain host name or
# IPv4 address, an optional port. Anything less plain (escapes, IDN, user info, backslashes) is fully parsed.
_PLAIN_ABSOLUTE = re.compile(r"(?:[Hh][Tt][Tt][Pp][Ss]?:)?//([A-Za-z0-9.-]+)(?::\d*)?(?=[/?#]|$)")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_LAST_LABEL_ALPHA = re.compile(r"(?:^|\.)[A-Za-z][A-Za-z0-9-]*\.?$")
_C0_AND_SPACE = "".join(map(chr, range(0x21)))
_ENCODED_QUERY_CODECS = frozenset({"utf-8", "utf-16-le", "utf-16-be"})


def clean_href(href: str) -> str:
    """An href as the URL parser reads it: C0 controls and spaces trimmed, tabs and newlines removed."""
    href = href.strip(_C0_AND_SPACE)
    if "\t" in href or "\n" in href or "\r" in href:
        href = href.replace("\t", "").replace("\n", "").replace("\r", "")
    return href


def encode_query(href: str, codec: str) -> str:
    """Percent-encode an href's query in the document's encoding, as browsers do for non-UTF-8 pages."""
    if codec in _ENCODED_QUERY_CODECS or href.isascii():
        return href
    before, hash_mark, fragment = href.partition("#")
    path, question, query = before.partition("?")
    if not question or query.isascii():
        return href
    encoded = "".join(ch if ch.isascii() else "".join(f"%{b:02X}" for b in ch.encode(codec, "xmlcharrefreplace"))
                      for ch in query)
    return f"{path}?{encoded}{hash_mark}{fragment}"


@dataclass
class ParsedPage:
    """A page parsed once: the tree, the codec it was read with, its base URL and its links in document order."""

    tree: LexborHTMLParser
    codec: str
    final_url: str
    base_url: str
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_fetch(cls, page: FetchResult) -> ParsedPage:
        """Decode and parse a fetched body the way a browser does."""
        tree, codec = parse_html(page.body, page.headers.get("content-type", ""))
        final_url = page.final_url or page.url
        return cls(tree, codec, final_url, first_base_url(tree, final_url), page.headers)

    @cached_property
    def page_site(self) -> str | None:
        """The registrable domain of the page itself."""
        return site_of(self.final_url)

    @cached_property
    def links(self) -> list[tuple[LexborNode, str]]:
        """Every <a href> and <area href>, with its href as written, in document order."""
        return [(node, node.attrs.get("href") or "") for node in self.tree.css("a[href], area[href]")]

    @cached_property
    def link_sites(self) -> list[str | None]:
        """The registrable domain each link leads to (None for links that lead nowhere on the web)."""
        base_site = site_of(self.base_url)
        sites: list[str | None] = []
        for _node, raw in self.links:
            href = clean_href(raw)
            plain = _PLAIN_ABSOLUTE.match(href)
            if plain is not None and _LAST_LABEL_ALPHA.search(plain.group(1)):
                sites.append(site_of_host(plain.group(1).lower().rstrip(".")))
            elif href[:1] in ("#", "?", "") or (href[:1] == "/" and href[1:2] not in ("/", "\\")) or (
                    href[:1] not in ("/", "\\") and _SCHEME.match(href) is None):
                sites.append(base_site)  # relative to the document base: the base's own site
            else:
                url = self.resolve(raw)
                sites.append(site_of(url) if url else None)
        return sites

    @cached_property
    def outbound(self) -> int:
        """Links to registrable domains other than the page's own."""
        own = self.page_site
        return sum(1 for site in self.link_sites if site is not None and site != own)

    def resolve(self, href: str) -> str | None:
        """A link's absolute URL, resolved against the document base with the document's query encoding."""
        return join(self.base_url, encode_query(href, self.codec))


def first_base_url(tree: LexborHTMLParser, document_url: str) -> str:
    """The document base URL: the first <base href> resolved against the page URL, as browsers use it."""
    base = tree.css_first("base[href]")
    if base is None:
        return document_url
    return join(document_url, base.attributes.get("href") or "") or document_url
