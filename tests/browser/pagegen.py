"""Seeded generator of real-world-shaped pages for the verifier's differential test against Chromium."""

# Pages carry navigation menus with responsive (hidden) copies, share buttons with long query strings,
# image links, <base href>, relative and protocol-relative links, equivalent spellings of one URL,
# odd encodings (windows-1252 by header or by <meta>), malformed markup, <template>, <noscript> and
# iframes. Every copy of one page on one host (scheme, www, slash and query aside) carries the same
# text and rel, except hidden copies, which carry their own; so "which copy is best" has one answer.

from __future__ import annotations

import random
from dataclasses import dataclass, field
from urllib.parse import quote

SITES = ("shop-alpha.com", "runners-world.co.uk", "bücher-haus.de", "trail-gear.org", "blog-kitchen.net",
         "news-daily.com", "tools.example-mart.com")
WORDS = ("marathon", "training", "shoe", "trail", "pace", "recovery", "café", "straße", "hill", "tempo",
         "hydration", "coach", "stretch", "résumé", "interval")
HIDERS = ('hidden', 'style="display:none"', 'style="DISPLAY: none !important"', 'style="visibility:hidden"',
          'aria-hidden="true"', 'aria-hidden="TRUE"')
RELS = ("", "", "", "nofollow", "sponsored noopener", "UGC", "noopener  noreferrer", "NoFollow\tExternal")
CHARSETS = ("utf-8-header", "utf-8-meta", "windows-1252-header", "windows-1252-meta", "iso-8859-1-header")


@dataclass
class Page:
    """One generated page: where it is served, its bytes and the Content-Type it is served with."""

    path: str
    body: bytes
    content_type: str


@dataclass
class _Writer:
    rnd: random.Random
    index: int
    base_host: str | None = None  # the host relative links resolve to, when <base href> names one
    looks: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    hidden_looks: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    counter: int = 0

    def unique(self, stem: str) -> str:
        self.counter += 1
        return f"/{stem}-{self.index}-{self.counter}"

    def look(self, host: str, path: str, hidden: bool = False) -> tuple[str, str]:
        """The text and rel every visible (or every hidden) copy of this page's link carries."""
        key = (host.removeprefix("www."), path.rstrip("/") or "/")
        table = self.hidden_looks if hidden else self.looks
        if key not in table:
            words = " ".join(self.rnd.sample(WORDS, self.rnd.randint(1, 3)))
            table[key] = (("mobile " if hidden else "") + words.title(), self.rnd.choice(RELS))
        return table[key]

    def spell(self, host: str, path: str, query: str = "") -> str:
        """One of the spellings a browser resolves to this host and path (an equivalent form at worst)."""
        rnd = self.rnd
        shown = host
        if rnd.random() < 0.3:
            shown = host.removeprefix("www.") if host.startswith("www.") else "www." + host
        if rnd.random() < 0.15:
            shown = shown.upper() if shown.isascii() else shown
        scheme = rnd.choice(("https://", "https://", "http://", "//", "HTTPS://"))
        port = ":443" if scheme.lower() == "https://" and rnd.random() < 0.1 else ""
        if rnd.random() < 0.2 and path != "/":
            path = path + "/" if not path.endswith("/") else path.rstrip("/")
        if rnd.random() < 0.3:
            path = quote(path, safe="/%-._~").lower() if rnd.random() < 0.5 else quote(path, safe="/%-._~")
        tail = ""
        if rnd.random() < 0.15:
            tail = "#" + rnd.choice(("top", "comments", "section-2"))
        href = f"{scheme}{shown}{port}{path}{query}{tail}"
        if rnd.random() < 0.1:
            href = f"  {href}\n"
        return href

    def link(self, href: str, text: str, rel: str, extra: str = "") -> str:
        rel_attr = f' rel="{rel}"' if rel else ""
        return f'<a href="{_attr(href)}"{rel_attr}{extra}>{text}</a>'


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;")


def _nav(w: _Writer) -> str:
    """A menu of relative links, and its mobile copy hidden; some items only in one of them."""
    items = [w.unique("section") for _ in range(w.rnd.randint(3, 7))]
    # With a relative base, "path" spellings resolve under the base's directory: keep them rooted there.
    desktop, mobile = [], []
    for path in items:
        text, rel = w.look("", path)
        desktop.append(f"<li>{w.link(path, text, rel)}</li>")
        if w.rnd.random() < 0.7:
            mtext, mrel = w.look("", path, hidden=True)
            mobile.append(f"<li>{w.link(path, mtext, mrel)}</li>")
    hider = w.rnd.choice(HIDERS)
    only_hidden = w.unique("mobile-only")
    mtext, mrel = w.look("", only_hidden, hidden=True)
    mobile.append(f"<li>{w.link(only_hidden, mtext, mrel)}</li>")
    return (f'<header class="site-header"><nav class="main-nav"><ul>{"".join(desktop)}</ul></nav>'
            f'<div class="mobile-menu" {hider}><ul>{"".join(mobile)}</ul></div></header>')


def _share(w: _Writer, page_url: str) -> str:
    """Share buttons with long query strings, icon-only (aria-label) or with words."""
    encoded = quote(page_url, safe="")
    title = quote("Ten ways to train & recover: a guide", safe="")
    buttons = [
        ("www.facebook.com", "/sharer/sharer.php", f"?u={encoded}&quote={title}&utm_source=share"),
        ("twitter.com", "/intent/tweet", f"?url={encoded}&text={title}&via=runblog&hashtags=running,marathon"),
        ("www.linkedin.com", "/shareArticle", f"?mini=true&url={encoded}&title={title}&source=blog"),
        ("pinterest.com", "/pin/create/button/", f"?url={encoded}&media={encoded}%2Fimg.jpg&description={title}"),
    ]
    out = []
    for host, path, query in buttons:
        if w.rnd.random() < 0.3:
            out.append(f'<a href="https://{host}{path}{query}" aria-label="Share on {host}" title="Share">'
                       f'<svg viewBox="0 0 10 10"><title>{host}</title><path d="M0 0h10v10z"/></svg></a>')
        else:
            _text, rel = w.look(host, path)
            out.append(w.link(f"https://{host}{path}{query}", "Share", rel, ' class="share"'))
    bar = f'<div class="share-bar">{" ".join(out)}</div>'
    return bar


def _content_link(w: _Writer) -> str:
    """A link in running text to another site, in one of many spellings, sometimes twice or as an image."""
    rnd = w.rnd
    host = rnd.choice(SITES)
    host = ("www." + host) if rnd.random() < 0.4 else host
    path = w.unique(rnd.choice(("product", "guide", "blog/post", "café/menü", "p")))
    query = rnd.choice(("", "", f"?id={rnd.randint(1, 99)}", f"?id={rnd.randint(1, 99)}&colour=red",
                        "?utm_source=newsletter&utm_medium=email", f"?q={rnd.choice(WORDS)}"))
    text, rel = w.look(host, path)
    roll = rnd.random()
    if roll < 0.15:
        return f'<a href="{_attr(w.spell(host, path, query))}"><img src="/i/{w.counter}.png" alt="{text}"></a>'
    if roll < 0.2:
        return f'<a href="{_attr(w.spell(host, path, query))}" title="{text}"><img src="/i/x.png"></a>'
    if roll < 0.3:
        return w.link(w.spell(host, path, query), f"<b>{text.split()[0]}</b> <i>{' '.join(text.split()[1:])}</i>", rel)
    first = w.link(w.spell(host, path, query), text, rel)
    if roll < 0.5:  # the same page again further down, spelled another way
        return first + " and again " + w.link(w.spell(host, path, query + ("&" if query else "?") + "ref=2"),
                                             text, rel)
    return first


def _oddities(w: _Writer) -> str:
    """Malformed markup, <template>, <noscript>, iframes, image maps and a duplicate hidden in the content."""
    rnd = w.rnd
    host = rnd.choice(SITES)
    parts = []
    a, b, c = w.unique("unclosed"), w.unique("nested"), w.unique("reparented")
    parts.append(f"<p>Unclosed <b>bold <a href={a} rel=nofollow>link <i>text</p>")
    parts.append(f'<div><a href="https://{host}{b}">outer <a href="https://{host}{b}x">inner</a> tail</a></div>')
    parts.append(f'<table><tr><td>cell</td><a href="{c}">foster parented</a></tr></table>')
    tpl, ns, frame = w.unique("template"), w.unique("noscript"), w.unique("iframe")
    parts.append(f'<template><a href="https://{host}{tpl}">in template</a></template>')
    parts.append(f'<noscript><p><a href="https://{host}{ns}">without scripts</a></p></noscript>')
    parts.append(f'<iframe srcdoc="&lt;a href=&quot;https://{host}{frame}&quot;&gt;framed&lt;/a&gt;"></iframe>')
    area = w.unique("map")
    parts.append(f'<map name="m{w.index}"><area shape="rect" coords="0,0,9,9" href="{area}" alt="Map spot">'
                 f'</map><img usemap="#m{w.index}" src="/i/map.png">')
    dup = w.unique("responsive")
    text, rel = w.look(host, dup)
    htext, hrel = w.look(host, dup, hidden=True)
    copies = [f'<span {rnd.choice(HIDERS)}>{w.link(f"https://{host}{dup}", htext, hrel)}</span>',
              w.link(f"https://{host}{dup}", text, rel)]
    rnd.shuffle(copies)
    parts.append(f"<p>Responsive: {' '.join(copies)}</p>")
    odd = w.unique("odd")
    otext, orel = w.look(host, odd)
    parts.append(w.link(f"https:\\\\{host}{odd}".replace("/", "\\"), otext, orel))
    enc = w.unique("search")
    etext, erel = w.look("", enc)
    parts.append(w.link(f"{enc}?q={rnd.choice(WORDS)}&sort=asc", etext, erel))
    return "\n".join(parts)


def make_page(rnd: random.Random, index: int, origin: str) -> Page:
    """One page; `origin` is where the test serves it (http://127.0.0.1:PORT), for its share links."""
    w = _Writer(rnd, index)
    path = f"/pages/{index}/post.html"
    base_tag = ""
    roll = rnd.random()
    if roll < 0.15:
        w.base_host = rnd.choice(SITES)
        base_tag = f'<base href="https://{w.base_host}/dir/">'
    elif roll < 0.25:
        base_tag = '<base href="/pages/base/">'
    paragraphs = []
    for _ in range(rnd.randint(3, 8)):
        links = [_content_link(w) for _ in range(rnd.randint(1, 4))]
        paragraphs.append("<p>" + " ".join(f"Training matters. {link}" for link in links) + " Rest days too.</p>")
    charset = rnd.choice(CHARSETS)
    codec = "cp1252" if "1252" in charset or "8859" in charset else "utf-8"
    label = {"cp1252": "windows-1252", "utf-8": "utf-8"}[codec] if "8859" not in charset else "iso-8859-1"
    meta = f'<meta charset="{label}">' if charset.endswith("meta") else ""
    share = _share(w, origin + path)
    html = (f'<!doctype html><html lang="en"><head>{meta}<title>Post {index} \u2013 café</title>{base_tag}</head>'
            f"<body>{_nav(w)}<main><article><h1>Post {index}</h1>{share}"
            f'<div class="entry-content">{"".join(paragraphs)}{_oddities(w)}</div>{share}</article></main>'
            f'<footer class="site-footer">{w.link("/privacy", "Privacy", "")} {w.link("#top", "Top", "")}</footer>'
            "</body></html>")
    content_type = f"text/html; charset={label}" if charset.endswith("header") else "text/html"
    return Page(path, html.encode(codec, "xmlcharrefreplace"), content_type)


def generate(origin: str, count: int = 320, seed: int = 20251207) -> list[Page]:
    """`count` pages from one seed: the same pages on every run."""
    rnd = random.Random(seed)
    return [make_page(rnd, index, origin) for index in range(count)]
