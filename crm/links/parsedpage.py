"""One parse of a fetched page, shared by the verifier and the page facts: the DOM, its base URL and its links."""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from selectolax.lexbor import LexborHTMLParser, LexborNode

from crm.links.html import parse_html
from crm.net.result import FetchResult
from crm.net.urls import host_of, join, site_of, site_of_host

# Each link's href on a line of its own, sorted by what it needs: an absolute or protocol-relative URL with a
# plain host (group 1), a relative reference (group 2), or another scheme (group 3). Anything else (escapes,
# IDN, user info, backslashes, "http:path") is resolved in full.
_SPACE = r"[\x00-\x09\x0b-\x20]"
# Each match consumes one line, so the scan never restarts mid-line (hrefs are lowercased first).
_KIND = re.compile(
    rf"{_SPACE}*(?:(?:https?:)?//((?:[a-z0-9-]+\.)*[a-z][a-z0-9-]*)\.?(?::\d*)?(?=[/?#\n]|{_SPACE}+\n)"
    rf"|([#?]|/(?![/\\])|[^\\/#?:\n]+(?=[/?#\n]))|([a-z][a-z0-9+.-]*):)?[^\n]*\n",
)
# The quick sorting reads the host of each absolute or protocol-relative line ("https://host/...") as text, and
# trusts that only on a page where no line needs a URL parser to place: no backslash or tab anywhere, no line
# starting with a space, "http:" without two slashes or three slashes, and every host plain (no port, escapes,
# IDN, trailing dot or IP address). Other pages are sorted line by line with _KIND.
_HOST = re.compile(r"\n(?:https?:)?//([^/?#\n]*)")
_ODD_LINE = re.compile(rf"\n(?:{_SPACE}|https?:(?!//)|(?:https?:)?///)")
_PLAIN_HOSTS = re.compile(r"(?:(?:[a-z0-9-]+\.)*[a-z][a-z0-9-]*\n)*")
# A last label that makes a host an IPv4 address, in any of the forms the URL parser reads.
_NUMERIC_LABEL = re.compile(r"(?:0x[0-9a-f]*|[0-9]+)", re.I)
_C0_AND_SPACE = "".join(map(chr, range(0x21)))
_KEEP = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
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
    # A character the encoding lacks becomes "&#NNNN;", whose digits stay as they are.
    encoded = "".join(ch if ch.isascii() else "".join(chr(b) if chr(b) in _KEEP else f"%{b:02X}"
                                                      for b in ch.encode(codec, "xmlcharrefreplace"))
                      for ch in query)
    return f"{path}?{encoded}{hash_mark}{fragment}"


@lru_cache(maxsize=1024)
def _spellings(site: str) -> frozenset[str]:
    """A registrable domain as an href may spell it: as given, and its punycode labels in Unicode."""
    spellings = {site}
    with contextlib.suppress(UnicodeError):
        spellings.add(site.encode("ascii").decode("idna"))
    return frozenset(spellings)


def _tag_ids() -> tuple[int, int, int, int]:
    found = LexborHTMLParser("<base href><meta><a href></a><area href>").css("a, area, base, meta")
    ids = {node.tag: node.tag_id for node in found}
    return ids["a"], ids["area"], ids["base"], ids["meta"]


_A, _AREA, _BASE, _META = _tag_ids()


@dataclass
class ParsedPage:
    """A page parsed once: the tree, the codec it was read with, its base URL and its links in document order."""

    tree: LexborHTMLParser
    codec: str
    final_url: str
    base_url: str
    headers: dict[str, str] = field(default_factory=dict)
    metas: list[LexborNode] = field(default_factory=list)  # every <meta>, found in the walk that finds <base>
    nodes: list[LexborNode] = field(default_factory=list)  # every <a href> and <area href>, in document order

    @classmethod
    def from_fetch(cls, page: FetchResult) -> ParsedPage:
        """Decode and parse a fetched body the way a browser does, and find its links, <base> and <meta>."""
        tree, codec = parse_html(page.body, page.headers.get("content-type", ""))
        final_url = page.final_url or page.url
        # Two walks in C cost less than sorting one walk's thousands of nodes by tag in Python.
        nodes = tree.css("a[href], area[href]")
        others = tree.css("base[href], meta")
        metas = [node for node in others if node.tag_id == _META]
        base = next((node for node in others if node.tag_id == _BASE), None)
        base_url = (join(final_url, base.attrs.get("href") or "") or final_url) if base is not None else final_url
        return cls(tree, codec, final_url, base_url, page.headers, metas, nodes)

    @cached_property
    def page_site(self) -> str | None:
        """The registrable domain of the page itself."""
        return site_of(self.final_url)

    @cached_property
    def hrefs(self) -> list[str]:
        """Each link's href as written, in the order of `nodes`."""
        return [node.attrs["href"] or "" for node in self.nodes]

    @cached_property
    def _hrefs(self) -> str:
        """All hrefs, lowercased, one per line."""
        text = "\n".join(self.hrefs)
        if "\r" in text or text.count("\n") != len(self.hrefs) - 1:  # newlines inside an href: parse as a URL does
            text = "\n".join(clean_href(href) for href in self.hrefs)
        return (text + "\n").lower()

    @cached_property
    def _plain_hosts(self) -> tuple[list[str], str] | None:
        """The host of each absolute link ("" when it has none), and the distinct hosts one per line, when every
        line reads as text.

        Lines without a host ("/path", "mailto:", "//?q") then lead to the base URL's host or nowhere on the web,
        so on a page whose base is its own site they count for no outside host. None: sort line by line.
        """
        text = self._hrefs
        base_host = host_of(self.base_url)
        lined = "\n" + text
        if (not self.hrefs or "\\" in text or "\t" in text or base_host is None or not self._own(base_host)
                or _ODD_LINE.search(lined)):
            return None
        hosts = _HOST.findall(lined)
        distinct = set(hosts)
        distinct.discard("")
        lines = "\n" + "\n".join(distinct) + "\n"
        if distinct and not _PLAIN_HOSTS.fullmatch(lines, 1):
            return None
        return hosts, lines

    @cached_property
    def _quick_hosts(self) -> tuple[Counter, str] | None:
        """Links per host of the absolute links, and those hosts one per line, when every line reads as text."""
        if self._plain_hosts is None:
            return None
        hosts, lines = self._plain_hosts
        counts = Counter(hosts)
        counts.pop("", None)
        return counts, lines

    def _own_hosts(self, lines: str) -> list[str]:
        """The hosts of a "\\nhost\\nhost\\n" list that are the page's registrable domain or names under it."""
        own = self.page_site or ""
        found, needle = [], own + "\n"
        pos = lines.find(needle, 1)
        while own and pos != -1:
            if lines[pos - 1] in "\n.":
                found.append(lines[lines.rfind("\n", 0, pos) + 1 : pos + len(own)])
            pos = lines.find(needle, pos + 1)
        return found

    @cached_property
    def _kinds(self) -> list[tuple[str, str, str]]:
        kinds = _KIND.findall(self._hrefs) if self.hrefs else []
        if len(kinds) != len(self.hrefs):  # never expected; resolving every link one by one is always right
            return [("", "", "")] * len(self.hrefs)
        return kinds

    @cached_property
    def host_counts(self) -> dict[str | None, int]:
        """How many links lead to each host (None: links that lead nowhere on the web), one line at a time."""
        counts: dict[str | None, int] = {}
        base_host = host_of(self.base_url)
        for (host, relative, scheme), count in Counter(self._kinds).items():
            if host:
                key = host
            elif relative:
                key = base_host
            elif scheme and scheme not in ("http", "https"):
                key = None
            else:
                continue  # resolved one by one below
            counts[key] = counts.get(key, 0) + count
        for index in self._unplain:
            url = self.resolve(self.hrefs[index])
            key = host_of(url).rstrip(".") if url else None
            counts[key] = counts.get(key, 0) + 1
        return counts

    def _own(self, host: str) -> bool:
        own = self.page_site or ""
        # A host shares the page's registrable domain exactly when it is that domain or a name under it,
        # which spares looking up the public suffix of every host a page links to.
        return host == own or host.endswith("." + own)

    @cached_property
    def outside_hosts(self) -> dict[str, int]:
        """How many links lead to each host outside the page's registrable domain."""
        if self._quick_hosts is not None:
            counts, lines = self._quick_hosts
            own = set(self._own_hosts(lines))
            return {host: count for host, count in counts.items() if host not in own}
        return {host: count for host, count in self.host_counts.items() if host is not None and not self._own(host)}

    @cached_property
    def site_counts(self) -> dict[str | None, int]:
        """How many links lead to each registrable domain outside the page's own."""
        counts: dict[str | None, int] = {}
        for host, count in self.outside_hosts.items():
            site = site_of_host(host)
            counts[site] = counts.get(site, 0) + count
        return counts

    @cached_property
    def _unplain(self) -> list[int]:
        """Indexes of links whose href takes a full parse to place."""
        return [i for i, (host, relative, scheme) in enumerate(self._kinds)
                if not (host or relative or (scheme and scheme not in ("http", "https")))]

    @cached_property
    def outbound(self) -> int:
        """Links to registrable domains other than the page's own."""
        if self._plain_hosts is not None:
            hosts, lines = self._plain_hosts
            return len(hosts) - hosts.count("") - sum(hosts.count(host) for host in self._own_hosts(lines))
        return sum(self.outside_hosts.values())

    def candidates(self, sites: set[str]) -> list[int]:
        """Indexes of the links that may lead to one of these registrable domains (a superset; resolve to be sure)."""
        if not self.hrefs or not sites:
            return []
        base_host = (host_of(self.base_url) or "").rstrip(".")
        # A site's own hosts are the site or names under it, so no public-suffix lookup is needed for the base.
        if any(base_host == site or base_host.endswith("." + site) for site in sites):
            return list(range(len(self.hrefs)))  # relative links lead there too
        needles = set().union(*(_spellings(site) for site in sites))
        hrefs = self._hrefs
        hits = set()
        for needle in needles:
            line, counted, pos = 0, 0, hrefs.find(needle)
            while pos != -1:
                line += hrefs.count("\n", counted, pos)
                hits.add(line)
                end = hrefs.find("\n", pos)
                if end == -1:
                    break
                counted, pos = end, hrefs.find(needle, end)
        if not self._spelled(sites) and self._plain_hosts is None:
            # Escaped, IDN or otherwise unusual hrefs: resolve them to be sure. On a plain page the only such
            # lines are empty, scheme-less or hostless ones, which lead to the base URL or nowhere.
            hits.update(self._unplain)
        return sorted(hits)

    def _spelled(self, sites: set[str]) -> bool:
        """Whether a link can only reach these sites (names, not IP addresses) by spelling one of them out.

        An ASCII href without escapes or tabs names its host as written, up to letter case: no percent-decoding or
        IDNA mapping can turn other text into these names. A relative one leads to the base URL, checked above.
        """
        text = self._hrefs
        return ("%" not in text and "\t" not in text and text.isascii()
                and not any(site.startswith("[") or _NUMERIC_LABEL.fullmatch(site.rpartition(".")[2])
                            for site in sites))

    def resolve(self, href: str) -> str | None:
        """A link's absolute URL, resolved against the document base with the document's query encoding."""
        return join(self.base_url, encode_query(href, self.codec))

