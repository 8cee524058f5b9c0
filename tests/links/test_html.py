"""Where a link sits, whether readers can see it, and the page's main text and language."""

from __future__ import annotations

import pytest
from selectolax.lexbor import LexborHTMLParser

from crm.links.html import link_text, main_text, page_language, parse_html, snippet, word_count
from crm.links.placement import hidden_kind, placement


def _link(html: str):
    tree = LexborHTMLParser(f"<html><body>{html}</body></html>", scripting=True)
    node = tree.css_first("a#t")
    assert node is not None
    return tree, node


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<article><p><a id="t" href="/">x</a></p></article>', "content"),
        ('<main><div><a id="t" href="/">x</a></div></main>', "content"),
        ('<div role="main"><a id="t" href="/">x</a></div>', "content"),
        ('<div class="entry-content"><a id="t" href="/">x</a></div>', "content"),
        ('<div class="wrap post-content"><span><a id="t" href="/">x</a></span></div>', "content"),
        ('<div itemprop="articleBody"><a id="t" href="/">x</a></div>', "content"),
        ("<div><p>Plenty of running prose in a plain paragraph with a link <a id=t href=/>here</a> too.</p></div>",
         "content"),
        ('<nav><a id="t" href="/">x</a></nav>', "navigation"),
        ('<div role="navigation"><a id="t" href="/">x</a></div>', "navigation"),
        ('<ul class="menu"><li><a id="t" href="/">x</a></li></ul>', "navigation"),
        ('<div id="main-menu"><a id="t" href="/">x</a></div>', "navigation"),
        ('<header><a id="t" href="/">x</a></header>', "header"),
        ('<div id="masthead"><a id="t" href="/">x</a></div>', "header"),
        ('<footer><p><a id="t" href="/">x</a></p></footer>', "footer"),
        ('<div class="site-footer"><a id="t" href="/">x</a></div>', "footer"),
        ('<div role="contentinfo"><a id="t" href="/">x</a></div>', "footer"),
        ('<aside><a id="t" href="/">x</a></aside>', "sidebar"),
        ('<div class="sidebar"><div class="widget"><a id="t" href="/">x</a></div></div>', "sidebar"),
        ('<main><div class="widget"><a id="t" href="/">x</a></div></main>', "sidebar"),
        ('<div class="widget_recent_comments widget"><a id="t" href="/">x</a></div>', "sidebar"),
        ('<div id="comments" class="comments-area"><article class="comment"><p><a id="t" href="/">x</a></p>'
         "</article></div>", "comments"),
        ('<ol class="commentlist"><li><a id="t" href="/">x</a></li></ol>', "comments"),
        ('<article><div class="entry-content">text</div><div class="author-bio"><a id="t" href="/">x</a></div>'
         "</article>", "author_bio"),
        ('<section class="about-author"><a id="t" href="/">x</a></section>', "author_bio"),
        ('<div><a id="t" href="/">x</a></div>', "unknown"),
    ],
)
def test_placement_vocabulary(html, expected):
    _, node = _link(html)
    assert placement(node) == expected


def test_header_and_footer_inside_an_article_belong_to_the_article():
    # ARIA gives these no landmark: an article's byline footer is not the site footer.
    _, node = _link('<article><header><a id="t" href="/">by Ann</a></header><p>Body</p></article>')
    assert placement(node) == "content"
    _, node = _link('<main><article><footer><a id="t" href="/">tag</a></footer></article></main>')
    assert placement(node) == "content"


def test_page_footer_holding_an_article_list_is_still_the_footer():
    _, node = _link('<footer><article><a id="t" href="/">x</a></article></footer>')
    assert placement(node) == "footer"


@pytest.mark.parametrize(
    ("html", "kind"),
    [
        ('<a id="t" href="/">visible</a>', None),
        ('<a id="t" href="/" hidden>x</a>', "hidden_attribute"),
        ('<div hidden><a id="t" href="/">x</a></div>', "hidden_attribute"),
        ('<a id="t" href="/" aria-hidden="TRUE">x</a>', "aria_hidden"),
        ('<a id="t" href="/" style="DISPLAY: none !important">x</a>', "display_none"),
        ('<div style="color:red;display:none"><p><a id="t" href="/">x</a></p></div>', "display_none"),
        ('<span style="visibility:hidden"><a id="t" href="/">x</a></span>', "visibility_hidden"),
        ('<a id="t" href="/" style="font-size:0px">x</a>', "font_size_zero"),
        ('<a id="t" href="/" style="font-size: 0">x</a>', "font_size_zero"),
        ('<a id="t" href="/" style="text-indent:-9999px">x</a>', "text_indent"),
        ('<div style="position:absolute;left:-10000px"><a id="t" href="/">x</a></div>', "off_screen"),
        ('<a id="t" href="/" style="opacity:0">x</a>', "opacity_zero"),
        ('<a id="t" href="/" style="font-size:0.9em;text-indent:2em;opacity:0.5">x</a>', None),
        ('<a id="t" href="/" style="display:inline-block">x</a>', None),
    ],
)
def test_hidden_kind(html, kind):
    _, node = _link(html)
    assert hidden_kind(node) == kind


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ('<a id="t" href="/">  Best\n\t running&nbsp;shoes </a>', "Best running shoes"),
        ('<a id="t" href="/"><strong>Best</strong> <em>running</em> shoes</a>', "Best running shoes"),
        ('<a id="t" href="/"><div>Best</div><div>shoes</div></a>', "Best shoes"),
        ('<a id="t" href="/"><img src="l.png" alt=" Shop  logo "></a>', "Shop logo"),
        ('<a id="t" href="/"><img src="l.png" alt=""><img src="m.png" alt="Shop"></a>', "Shop"),
        ('<a id="t" href="/" aria-label="Shop home"><svg></svg></a>', ""),
        ('<a id="t" href="/" title="best running shoes"></a>', ""),
        ('<a id="t" href="/" title="best running shoes">Shop</a>', "Shop"),
        ('<a id="t" href="/">R&eacute;sum&#233; &amp; &lt;tips&gt;</a>', "Résumé & <tips>"),
        ('<a id="t" href="/">Go<script>document.write("x")</script><style>a{}</style></a>', "Go"),
    ],
)
def test_link_text_as_readers_see_it(html, text):
    _, node = _link(html)
    assert link_text(node) == text


def test_snippet_shows_the_words_around_the_link():
    filler = " ".join(f"word{i}" for i in range(80))
    _, node = _link(f'<p>{filler} see <a id="t" href="/">best running shoes</a> for details. {filler}</p>')
    text = snippet(node)
    assert "see best running shoes for details." in text
    assert len(text) <= 165
    assert text.startswith("…") and text.endswith("…")


def test_snippet_of_a_short_paragraph_is_the_paragraph():
    _, node = _link('<p>Read <a id="t" href="/">our guide</a>\n today.</p>')
    assert snippet(node) == "Read our guide today."


ARTICLE_PAGE = """<!doctype html><html lang="en-GB"><head><title>T</title><script>var x = 1;</script></head><body>
<header><nav><a href="/">Home</a> Menu words</nav></header>
<main><article><header><h1>Marathon training</h1></header>
<div class="entry-content"><p>Training for a marathon takes months.</p><p>Rest days matter.</p>
<script>console.log("tracking")</script><style>p { color: red }</style>
<div class="author-bio">About the author</div></div>
<div id="comments"><p>Nice post!</p></div></article>
<aside class="sidebar">Sidebar words</aside></main>
<footer>Footer words</footer></body></html>"""


def test_main_text_is_the_article_without_chrome():
    tree, _ = parse_html(ARTICLE_PAGE.encode())
    text = main_text(tree)
    assert text == "Marathon training Training for a marathon takes months. Rest days matter."
    assert word_count(text) == 11


def test_main_text_of_a_page_without_semantic_markup_drops_chrome_by_class():
    html = ("<html><body><div class='nav'>Menu</div><div>" + "Plain words here. " * 20 + "</div>"
            "<div class='footer'>Copyright</div></body></html>")
    tree, _ = parse_html(html.encode())
    text = main_text(tree)
    assert text.startswith("Plain words here.")
    assert "Menu" not in text and "Copyright" not in text
    assert word_count(text) == 60


def test_word_count_counts_cjk_characters():
    assert word_count("東京 marathon 練習") == 5
    assert word_count("") == 0


@pytest.mark.parametrize(
    ("html", "header", "lang"),
    [
        ('<html lang="en-GB"><body>x</body></html>', "", "en-gb"),
        ('<html lang="de_AT"><body>x</body></html>', "", "de-at"),
        ('<html xml:lang="fr"><body>x</body></html>', "", "fr"),
        ('<html><head><meta http-equiv="Content-Language" content="es, en"></head></html>', "", "es"),
        ("<html><body>x</body></html>", "pt-BR", "pt-br"),
        ('<html lang=""><body>x</body></html>', "", None),
        ('<html lang="not a language!"><body>x</body></html>', "", None),
    ],
)
def test_page_language(html, header, lang):
    tree, _ = parse_html(html.encode())
    assert page_language(tree, header) == lang
