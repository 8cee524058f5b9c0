"""Page parsing as a browser does it: decoding, the DOM, link text, evidence snippets, main text and language."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from selectolax.lexbor import LexborHTMLParser, LexborNode

from crm.links.encoding import decode_html, sniff_encoding
from crm.links.placement import region_labels

# Never part of what a reader reads.
_INVISIBLE = frozenset({"script", "style", "noscript", "template", "head", "title", "meta", "link", "iframe", "object",
                        "embed", "svg", "canvas", "select", "textarea", "button", "datalist"})
_BLOCK = frozenset({"address", "article", "aside", "blockquote", "br", "dd", "details", "div", "dl", "dt", "fieldset",
                    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
                    "main", "nav", "ol", "p", "pre", "section", "summary", "table", "td", "th", "tr", "ul"})
_SNIPPET_BLOCKS = frozenset({"p", "li", "td", "th", "dd", "dt", "blockquote", "figcaption", "h1", "h2", "h3", "h4",
                             "h5", "h6", "div", "section", "article", "main", "aside", "nav", "header", "footer",
                             "body"})
_CONTENT_ROOTS = ("article, main, [role=main], [itemprop=articleBody], .entry-content, .post-content, "
                  ".article-content, .article-body, .post-body")
_NOT_MAIN = frozenset({"navigation", "sidebar", "comments", "footer", "header", "author_bio"})
_SECTIONING = frozenset({"article", "aside", "main", "nav", "section"})
_CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]")
_LANG = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{1,8})*$")


def parse_html(body: bytes, content_type: str = "") -> tuple[LexborHTMLParser, str]:
    """Decode and parse a response body into the DOM a browser with scripting on builds; returns (tree, codec)."""
    codec, source = sniff_encoding(body, content_type)
    # Scripting on, as in a browser: <noscript> holds text, so it cannot push <head> elements into <body>.
    if codec == "utf-8" and source != "bom" and (source == "detected" or body.isascii() or _valid_utf8(body)):
        return LexborHTMLParser(body, scripting=True), codec  # the parser reads UTF-8 bytes as they are
    text, codec = decode_html(body, content_type)
    return LexborHTMLParser(text, scripting=True), codec


def _valid_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def collapse(text: str | None) -> str:
    """Collapse runs of whitespace (including no-break spaces) to single spaces and trim."""
    return " ".join(text.split()) if text else ""


def _text(root: LexborNode, skip: Callable[[LexborNode, bool], bool] | None = None) -> str:
    """Rendered-ish text of a subtree: invisible elements dropped, block boundaries become spaces."""
    out: list[str] = []
    stack: list[tuple[LexborNode, bool] | None] = [(root, False)]
    while stack:
        item = stack.pop()
        if item is None:
            out.append(" ")
            continue
        node, sectioned = item
        if node.is_text_node:
            out.append(node.text_content or "")
            continue
        tag = node.tag
        if tag in _INVISIBLE or (skip is not None and skip(node, sectioned)):
            continue
        if tag in _BLOCK:
            out.append(" ")
            stack.append(None)
        inner = sectioned or tag in _SECTIONING
        stack.extend((child, inner) for child in reversed(list(node.iter(include_text=True))))
    return collapse("".join(out))


def link_text(link: LexborNode) -> str:
    """A link's anchor text as search engines read it: its text, or for an image link the images' alt text.

    The title attribute and aria-label are not anchor text: a link whose only words are there carries none.
    """
    text = _text(link)
    if text:
        return text
    alts = [collapse(img.attrs.get("alt")) for img in link.css("img[alt]")]
    text = " ".join(alt for alt in alts if alt)
    if text:
        return text
    # An <area> speaks through its own alt, as an image does.
    return collapse(link.attrs.get("alt")) if link.tag == "area" else ""


def snippet(link: LexborNode, width: int = 160, anchor: str | None = None) -> str:
    """About `width` characters of the text around a link, as evidence of where and how it appears.

    `anchor` is the link's text when the caller has it already (link_text(link)).
    """
    block = link.parent
    while block is not None and block.tag not in _SNIPPET_BLOCKS:
        block = block.parent
    text = _text(block) if block is not None else ""
    anchor = link_text(link) if anchor is None else anchor
    if not text:
        return anchor[:width]
    if len(text) <= width:
        return text
    pos = max(text.find(anchor), 0) if anchor else 0
    start = max(0, min(pos - (width - len(anchor)) // 2, len(text) - width))
    piece = text[start : start + width]
    # Cut at word boundaries so the evidence does not start or end mid-word.
    if start > 0 and " " in piece[:20]:
        piece = piece[piece.index(" ") + 1 :]
    if start + width < len(text) and " " in piece[-20:]:
        piece = piece[: piece.rindex(" ")]
    return ("…" if start > 0 else "") + piece + ("…" if start + width < len(text) else "")


def _skip_chrome(node: LexborNode, sectioned: bool) -> bool:
    """Drop page chrome from the main text; a <header> inside an article is its title block and stays."""
    tag = node.tag
    if tag in ("nav", "aside", "form"):
        return True
    if tag in ("header", "footer"):
        return not sectioned
    return any(label in _NOT_MAIN for label in region_labels(node))


def main_text(tree: LexborHTMLParser) -> str:
    """The readable body of a page (the article without navigation, header, footer, sidebars, comments, scripts)."""
    body = tree.body
    if body is None:
        return ""
    best, best_len = None, 0
    for node in tree.css(_CONTENT_ROOTS):
        size = len(node.text(deep=True))
        if size > best_len:
            best, best_len = node, size
    # A listing page's tiny <article> teasers are not the page; below this the whole body reads better.
    root = best if best is not None and best_len >= 200 else body
    return _text(root, _skip_chrome)


def word_count(text: str) -> int:
    """Words in a text, counting each CJK character as one word since those scripts do not use spaces."""
    spaced, cjk = _CJK.subn(" ", text)
    return cjk + len(spaced.split())


def page_language(tree: LexborHTMLParser, content_language: str = "", metas: list | None = None) -> str | None:
    """The page's language tag, lowercase ("en-gb"): <html lang>, then a Content-Language meta or header."""
    candidates = []
    root = tree.root  # the document element, which the HTML parser always makes an <html>
    if root is not None and root.tag == "html":
        candidates.append(root.attrs.get("lang") or root.attrs.get("xml:lang"))
    meta = next((m for m in (tree.css("meta") if metas is None else metas)
                 if (m.attrs.get("http-equiv") or "").strip().lower() == "content-language"), None)
    if meta is not None:
        candidates.append(meta.attrs.get("content"))
    candidates.append(content_language)
    for value in candidates:
        tag = (value or "").split(",")[0].strip().replace("_", "-").lower()
        if _LANG.match(tag):
            return tag
    return None


def noscript_links(tree: LexborHTMLParser) -> Iterator[LexborNode]:
    """Links written inside <noscript>: text to a browser running scripts, so parsed here on their own."""
    for holder in tree.css("body noscript"):
        markup = holder.text(deep=True)
        if "<a" not in markup.lower():
            continue
        fragment = LexborHTMLParser(markup, is_fragment=True)
        yield from fragment.css("a[href]")
