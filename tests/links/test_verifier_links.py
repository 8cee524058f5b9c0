"""Finding our link the way a browser resolves it, picking the best of several, and surviving real-world HTML."""

from __future__ import annotations

import pytest

from crm.links.verifier import verify

from .pages import SOURCE, TARGET, article, make_page


def _verdict_for(href: str, *, head: str = "", url: str = SOURCE, target: str = TARGET, **kwargs):
    html = article(f'<p>Our pick: <a href="{href}">running shoes</a>.</p>', head=head)
    return verify(make_page(html, url=url), target, **kwargs)


@pytest.mark.parametrize(
    ("href", "match", "difference"),
    [
        (TARGET, "exact", []),
        ("HTTPS://WWW.SHOP.COM/running-shoes/", "exact", []),
        ("//www.shop.com/running-shoes/", "exact", []),
        (" https://www.shop.com/running-\nshoes/ ", "exact", []),
        ("https://www.shop.com/a/../running-shoes/", "exact", []),
        ("https:\\\\www.shop.com\\running-shoes\\", "exact", []),
        ("https://www.shop.com/running-shoes/?", "exact", []),
        ("https://www.shop.com:443/running-shoes/", "equivalent", ["default_port"]),
        ("https://www.shop.com/running%2dshoes/", "equivalent", ["percent_encoding"]),
        ("https://www.shop.com/running-shoes/#sizes", "equivalent", ["fragment"]),
        ("http://www.shop.com/running-shoes/", "equivalent", ["scheme"]),
        ("https://shop.com/running-shoes", "equivalent", ["www", "trailing_slash"]),
        ("http://shop.com/running-shoes/", "equivalent", ["scheme", "www"]),
        ("https://www.shop.com/running-shoes", "equivalent", ["trailing_slash"]),
        ("https://www.shop.com/running-shoes/?utm_source=blog&utm_campaign=spring", "equivalent", ["tracking_query"]),
        ("https://www.shop.com/running-shoes/?colour=red", "other_query", ["extra_query"]),
    ],
)
def test_hrefs_a_browser_resolves_to_our_target(href, match, difference):
    verdict = _verdict_for(href)
    assert verdict.found is True
    assert verdict.match == match
    assert verdict.match_difference == difference
    assert verdict.status == "live"


@pytest.mark.parametrize(
    ("target", "href", "match", "difference"),
    [
        ("https://video.example/watch?v=A", "https://video.example/watch?v=A", "exact", []),
        ("https://video.example/watch?v=A", "https://video.example/watch?v=A&t=30", "other_query", ["extra_query"]),
        ("https://video.example/watch?v=A&list=L", "https://video.example/watch?list=L&v=A", "equivalent",
         ["query_order"]),
        ("https://video.example/watch?v=A", "https://video.example/watch?v=A&utm_source=x&fbclid=1", "equivalent",
         ["tracking_query"]),
        ("https://video.example/watch?v=A&utm_source=mail", "https://video.example/watch?v=A", "equivalent",
         ["tracking_query"]),
        ("https://video.example/search?q=red shoes", "https://video.example/search?q=red+shoes", "equivalent",
         ["percent_encoding"]),
    ],
)
def test_a_link_carries_the_targets_own_query_values(target, href, match, difference):
    verdict = _verdict_for(href, target=target)
    assert (verdict.found, verdict.match, verdict.match_difference) == (True, match, difference)


@pytest.mark.parametrize(
    ("target", "href"),
    [
        ("https://video.example/watch?v=A", "https://video.example/watch?v=B"),
        ("https://video.example/watch?v=A", "https://video.example/watch"),
        ("https://video.example/watch?v=A", "https://video.example/watch?v=A&v=B"),
        ("https://video.example/watch?v=A&list=L", "https://video.example/watch?v=A"),
        ("https://video.example/watch?v=A", "https://video.example/watch?V=A"),
    ],
)
def test_a_link_with_other_values_for_the_targets_query_is_another_page(target, href):
    verdict = _verdict_for(href, target=target)
    assert verdict.found is False
    assert verdict.status == "wrong_target"


def test_relative_href_on_our_own_site():
    verdict = _verdict_for("../running-shoes/", url="https://www.shop.com/blog/post", target=TARGET)
    assert verdict.match == "exact"
    assert verdict.link_url == TARGET


def test_idn_target_matches_unicode_and_punycode_hrefs():
    target = "https://bücher.de/laufschuhe"
    punycode = _verdict_for("https://xn--bcher-kva.de/laufschuhe", target=target)
    assert (punycode.match, punycode.match_difference) == ("equivalent", ["idn"])
    assert _verdict_for("https://BÜCHER.de/laufschuhe", target=target).match == "exact"


def test_absolute_base_href_changes_where_relative_links_go():
    head = '<base href="https://www.shop.com/">'
    assert _verdict_for("running-shoes/", head=head).match == "exact"


def test_relative_base_href_resolves_against_the_page():
    head = '<base href="/partners/">'
    verdict = _verdict_for("running-shoes/", head=head, url="https://www.shop.com/blog/post")
    assert verdict.status == "wrong_target"
    assert verdict.link_url == "https://www.shop.com/partners/running-shoes/"


def test_only_the_first_base_href_counts():
    head = '<base target="_blank"><base href="https://www.shop.com/"><base href="https://elsewhere.example/">'
    assert _verdict_for("running-shoes/", head=head).match == "exact"


def test_base_href_applies_to_relative_canonical():
    head = '<base href="https://mirror.example.net/"><link rel="canonical" href="2024/guest-post">'
    verdict = _verdict_for(TARGET, head=head)
    assert verdict.canonical == "https://mirror.example.net/2024/guest-post"
    assert verdict.status == "not_indexable"


def test_final_url_after_redirect_is_the_base():
    html = article('<p><a href="../running-shoes/">shoes</a></p>')
    page = make_page(html, url="https://shop.example/go", final_url="https://www.shop.com/blog/post")
    assert verify(page, TARGET).match == "exact"


def test_alias_of_our_target_counts_as_equivalent():
    verdict = _verdict_for("https://shop.com/old-running-shoes", aliases=["https://shop.com/old-running-shoes"])
    assert verdict.status == "live"
    assert verdict.match == "equivalent"


@pytest.mark.parametrize("href", ["javascript:location='https://www.shop.com/running-shoes/'",
                                  "mailto:sales@shop.com?subject=https://www.shop.com/running-shoes/",
                                  "https://shop.com.evil.example/running-shoes/",
                                  "https://www.google.com/url?q=https://www.shop.com/running-shoes/"])
def test_links_that_only_mention_our_url_do_not_count(href):
    assert _verdict_for(href).status == "missing"


def test_image_link_uses_alt_text():
    html = article(f'<p><a href="{TARGET}"><img src="/shoe.jpg" alt="Trail runner 3"></a></p>')
    verdict = verify(make_page(html), TARGET)
    assert verdict.anchor_text == "Trail runner 3"
    assert verdict.status == "live"


def test_link_without_text_or_alt_is_flagged_empty():
    verdict = verify(make_page(article(f'<p><a href="{TARGET}"><img src="/pixel.gif"></a></p>')), TARGET)
    assert verdict.anchor_text == ""
    assert "empty_anchor" in verdict.reasons


def test_nested_markup_in_anchor_text():
    html = article(f'<p><a href="{TARGET}"><span class="x"><b>Best</b>\n <i>running</i></span>&#160;shoes'
                   "<sup>2024</sup></a></p>")
    assert verify(make_page(html), TARGET).anchor_text == "Best running shoes2024"


def test_area_links_count_but_are_flagged():
    html = article(f'<map name="m"><area shape="rect" coords="0,0,10,10" href="{TARGET}" alt="Shoes"></map>')
    verdict = verify(make_page(html), TARGET)
    assert verdict.status == "live"
    assert "area_link" in verdict.reasons
    assert verdict.anchor_text == "Shoes"


def test_best_link_is_the_followed_visible_one_in_content_and_all_are_counted():
    html = article(
        f'<p><a rel="nofollow" href="{TARGET}">first</a></p>'
        f'<p style="display:none"><a href="{TARGET}">hidden</a></p>'
        f'<p><a href="{TARGET}">editorial</a></p>'
    ).replace("</footer>", f'<a href="{TARGET}">footer</a></footer>')
    verdict = verify(make_page(html), TARGET)
    assert verdict.status == "live"
    assert verdict.anchor_text == "editorial"
    assert verdict.placement == "content"
    assert verdict.links_to_target == 4


def test_all_links_nofollow_gives_live_nofollow_even_with_many():
    html = article("".join(f'<p><a rel="ugc" href="{TARGET}?p={i}">{i}</a></p>' for i in range(5)))
    verdict = verify(make_page(html), TARGET)
    assert verdict.status == "live_nofollow"
    assert verdict.links_to_target == 5
    assert verdict.match == "other_query"


def test_outbound_links_count_other_sites_only():
    inner = (f'<a href="{TARGET}">a</a><a href="https://news.example.com/">b</a><a href="https://cdn.example.org/x">'
             'same site</a><a href="/local">c</a><a href="mailto:x@y.z">d</a><a href="http://198.51.100.7/">ip</a>')
    verdict = verify(make_page(article(inner)), TARGET)
    # ours, news.example.com, the IP, and the sidebar sponsor; example.org is the page's own site
    assert verdict.outbound_links == 4


def test_malformed_html_still_finds_the_link():
    html = (f"<html><body><div><p>Unclosed <b>bold <a href={TARGET} rel=nofollow>shoes <i>now</p>"
            "<table><tr><td>cell<div></table><a href='/x'>after")
    verdict = verify(make_page(html), TARGET)
    assert verdict.status == "live_nofollow"
    assert verdict.anchor_text.startswith("shoes now")


def test_hostile_html_scripts_comments_and_entities():
    html = article(
        "<script>document.write('<a href=\"https://www.shop.com/running-shoes/\">fake</a>')</script>"
        f"<!-- <a href='{TARGET}'>commented</a> -->"
        "<textarea><a href='https://www.shop.com/running-shoes/'>in textarea</a></textarea>"
        "<template><a href='https://www.shop.com/running-shoes/'>template</a></template>"
        "<p><a href='https&#58;//www.shop.com/running&#45;shoes/'>Shoes &amp; &quot;more&quot; &#x1F45F;</a></p>"
    )
    verdict = verify(make_page(html), TARGET)
    assert verdict.status == "live"
    assert verdict.links_to_target == 1
    assert verdict.anchor_text == 'Shoes & "more" 👟'


def test_script_only_link_is_missing():
    html = article(f"<script>var a = '<a href=\"{TARGET}\">x</a>';</script>")
    assert verify(make_page(html), TARGET).status == "missing"


def test_huge_page_with_many_links():
    filler = "".join(f'<li><a href="https://site{i}.example/p/{i}">Link {i}</a> text</li>' for i in range(5000))
    sitewide = "".join(f'<p><a href="{TARGET}">dup {i}</a></p>' for i in range(400))
    html = article(f"<ul>{filler}</ul>{sitewide}<p><a href='https://www.shop.com/running-shoes'>last</a></p>")
    assert len(html) > 300_000
    verdict = verify(make_page(html), TARGET)
    assert verdict.status == "live"
    assert verdict.links_to_target == 401
    assert verdict.outbound_links == 5000 + 401 + 1
    assert verdict.anchor_text == "dup 0"


def test_empty_and_binary_bodies_do_not_crash():
    assert verify(make_page(b""), TARGET).status == "missing"
    assert verify(make_page(bytes(range(256)) * 10), TARGET).status == "missing"
