"""Where on a page a link sits (content, navigation, footer, ...) and whether a reader can see it."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

PLACEMENTS = ("content", "author_bio", "navigation", "header", "footer", "sidebar", "comments", "unknown")

# Class and id tokens themes use for each region. Tokens are matched whole (after splitting on
# whitespace), so "widget_recent_comments" is a sidebar widget, not the comment thread.
_TOKENS = {
    "comments": re.compile(
        r"^(comments?|comments?-(area|list|section|wrapper|container|content|body)|commentlist|comment-(body|text|meta)"
        r"|disqus_thread|respond|reply|replies|discussion)$"
    ),
    "author_bio": re.compile(
        r"^(author-?bio|about-?(the-?)?author|author-?(box|info|card|profile|description|details)|entry-author"
        r"|post-author-bio|byline-bio|bio-?box)$"
    ),
    "navigation": re.compile(
        r"^(nav|navbar|navigation|menu|menus|breadcrumbs?|pagination|pager|(main|site|primary|top|mobile)-(nav|navigation|menu)"
        r"|(nav|menu)-(main|primary|wrapper|container)|post-navigation|nav-links|megamenu|mega-menu)$"
    ),
    "header": re.compile(r"^(header|site-header|page-header|global-header|masthead|topbar|top-bar|banner)$"),
    "footer": re.compile(
        r"^(footer|site-footer|page-footer|global-footer|footer-widgets|footer-(menu|links|bottom|top|wrapper)|colophon)$"
    ),
    "sidebar": re.compile(
        r"^(sidebar|side-bar|sidebar-(left|right|primary|secondary)|widget|widgets|widget-area|secondary|rail"
        r"|right-rail|left-rail|related-posts|blogroll)$"
    ),
    "content": re.compile(
        r"^(entry-content|post-content|article-content|article-body|post-body|entry-body|story-body|post-entry"
        r"|single-content|page-content|main-content|article__body|article-text|td-post-content|content|post|entry)$"
    ),
}
_ROLES = {
    "main": "content",
    "article": "content",
    "navigation": "navigation",
    "menu": "navigation",
    "menubar": "navigation",
    "banner": "header",
    "contentinfo": "footer",
    "complementary": "sidebar",
    "comment": "comments",
}
_TAGS = {"article": "content", "main": "content", "nav": "navigation", "aside": "sidebar"}
# A <header> or <footer> inside these belongs to that section (ARIA maps it to no landmark), not the page.
_SECTIONING = frozenset({"article", "aside", "main", "nav", "section"})
_SPECIFIC = ("comments", "author_bio")
_CHROME = frozenset({"navigation", "header", "footer", "sidebar"})
_PROSE = frozenset({"p", "blockquote"})


def region_labels(node: LexborNode) -> list[str]:
    """Region labels one element carries through its tag, role, class tokens and id."""
    labels = []
    tag = node.tag
    if tag in _TAGS:
        labels.append(_TAGS[tag])
    attrs = node.attributes
    role = (attrs.get("role") or "").strip().lower()
    if role in _ROLES:
        labels.append(_ROLES[role])
    if attrs.get("itemprop") == "articleBody":
        labels.append("content")
    tokens = (attrs.get("class") or "").lower().split()
    if attrs.get("id"):
        tokens.append(attrs["id"].lower())
    for token in tokens:
        for label, pattern in _TOKENS.items():
            if pattern.match(token):
                labels.append(label)
    return labels


# The comment thread and the author box win wherever they are. Otherwise the nearest page chrome
# (navigation, header, footer, sidebar) wins over an enclosing content area, so a widget inside <main>
# is still a sidebar link. A link inside a paragraph of running text with no other clue is content.
def placement(link: LexborNode) -> str:
    """The page region a link sits in, judged from its ancestors; one of PLACEMENTS."""
    found: list[str] = []
    pending: list[tuple[int, str]] = []  # header/footer elements whose scope is decided further up
    node = link.parent
    prose_words = 0
    while node is not None and node.tag not in ("html", "-document", None):
        tag = node.tag
        if tag in _PROSE and not prose_words:
            prose_words = len(node.text(deep=True).split())
        if tag in _SECTIONING:
            pending.clear()
        if tag in ("header", "footer"):
            pending.append((len(found), tag))
            found.append("")
        found.extend(region_labels(node))
        node = node.parent
    for index, tag in pending:
        found[index] = tag
    for label in _SPECIFIC:
        if label in found:
            return label
    for label in found:
        if label in _CHROME:
            return label
    if "content" in found or prose_words >= 8:
        return "content"
    return "unknown"


_END = r"(?:!important)?\s*(?:;|$)"
_STYLE_RULES = (
    ("display_none", re.compile(r"(?:^|;)\s*display\s*:\s*none\b")),
    ("visibility_hidden", re.compile(r"(?:^|;)\s*visibility\s*:\s*(?:hidden|collapse)\b")),
    ("font_size_zero", re.compile(r"(?:^|;)\s*font-size\s*:\s*0(?:\.0*)?(?:px|em|rem|pt|%)?\s*" + _END)),
    ("opacity_zero", re.compile(r"(?:^|;)\s*opacity\s*:\s*0(?:\.0*)?\s*" + _END)),
    # Image-replacement tricks push text far off to the left; small indents are ordinary typography.
    ("text_indent", re.compile(r"(?:^|;)\s*text-indent\s*:\s*-\s*(?:\d{3,}(?:\.\d+)?(?:px|pt)|\d{2,}(?:\.\d+)?"
                               r"(?:em|rem|%|vw))")),
    ("off_screen", re.compile(r"(?:^|;)\s*(?:left|top|right|margin-left|margin-top)\s*:\s*-\s*\d{4,}(?:\.\d+)?px")),
)


_DISPLAY = re.compile(r"(?:^|;)\s*display\s*:\s*([a-z-]+)")
_VISIBILITY = re.compile(r"(?:^|;)\s*visibility\s*:\s*([a-z]+)")


# Only what the markup itself says is checked: stylesheets are not loaded, so a class that a
# stylesheet hides goes unnoticed. Visibility inherits, so the nearest element that sets it decides.
def hidden_kind(link: LexborNode) -> str | None:
    """Why a reader cannot see a link (hidden_attribute, aria_hidden, display_none, ...); None when visible."""
    node: LexborNode | None = link
    visibility_set = False
    while node is not None and node.tag not in ("html", "-document", None):
        if node.tag == "noscript":
            return "noscript"
        attrs = node.attrs
        style = (attrs.get("style") or "").lower()
        display = _DISPLAY.search(style) if style else None
        # An inline display other than none overrides what the hidden attribute does.
        if "hidden" in attrs and (display is None or display.group(1) == "none"):
            return "hidden_attribute"
        if (attrs.get("aria-hidden") or "").strip().lower() == "true":
            return "aria_hidden"
        if style:
            visibility = _VISIBILITY.search(style)
            if visibility is not None and not visibility_set:
                visibility_set = True
                if visibility.group(1) in ("hidden", "collapse"):
                    return "visibility_hidden"
            for kind, pattern in _STYLE_RULES:
                if kind != "visibility_hidden" and pattern.search(style):
                    return kind
        node = node.parent
    return None
