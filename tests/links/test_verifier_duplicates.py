"""Responsive pages repeat a link with one copy hidden: the copy a reader sees is the one reported."""

from __future__ import annotations

import pytest

from crm.links.verifier import verify

from .pages import TARGET, article, make_page


@pytest.mark.parametrize(
    ("hidden_copy", "kind"),
    [
        (f'<div hidden><a href="{TARGET}">mobile menu</a></div>', "hidden_attribute"),
        (f'<div style="display: none !important"><a href="{TARGET}">mobile menu</a></div>', "display_none"),
        (f'<li style="visibility:hidden"><a href="{TARGET}">mobile menu</a></li>', "visibility_hidden"),
        (f'<div aria-hidden="TRUE"><a href="{TARGET}">mobile menu</a></div>', "aria_hidden"),
        (f'<a hidden href="{TARGET}">mobile menu</a>', "hidden_attribute"),
    ],
)
def test_the_visible_copy_wins_even_when_the_hidden_one_is_followed_and_first(hidden_copy, kind):
    html = article(f'{hidden_copy}<p>See <a rel="nofollow" href="{TARGET}">desktop menu</a> here.</p>')
    verdict = verify(make_page(html), TARGET)
    assert (verdict.anchor_text, verdict.rel, verdict.hidden) == ("desktop menu", ["nofollow"], False)
    assert verdict.status == "live_nofollow"
    assert verdict.links_to_target == 2
    alone = verify(make_page(article(hidden_copy)), TARGET)
    assert (alone.found, alone.hidden, alone.hidden_kind, alone.anchor_text) == (True, True, kind, "mobile menu")
    assert "hidden_link" in alone.reasons


@pytest.mark.parametrize(
    "markup",
    [
        f'<div hidden style="display:block"><a href="{TARGET}">shown</a></div>',
        f'<div style="visibility:hidden"><span style="visibility: visible"><a href="{TARGET}">shown</a></span></div>',
        f'<div aria-hidden="false"><a href="{TARGET}">shown</a></div>',
    ],
)
def test_markup_that_looks_hidden_but_shows_the_link(markup):
    verdict = verify(make_page(article(markup)), TARGET)
    assert (verdict.found, verdict.hidden, verdict.anchor_text) == (True, False, "shown")


def test_template_copies_are_not_links_and_noscript_copies_lose_to_visible_ones():
    html = article(f'<template><a href="{TARGET}">tpl</a></template><noscript><a href="{TARGET}">ns</a></noscript>'
                   f'<p><a href="{TARGET}">real</a></p>')
    verdict = verify(make_page(html), TARGET)
    assert (verdict.anchor_text, verdict.links_to_target, verdict.hidden) == ("real", 1, False)
    only_template = verify(make_page(article(f'<template><a href="{TARGET}">tpl</a></template>')), TARGET)
    assert (only_template.found, only_template.status) == (False, "missing")


def test_title_and_aria_label_are_reported_but_are_not_anchor_text():
    html = article(f'<p><a href="{TARGET}" title="best running shoes" aria-label="Shop now"><svg></svg></a></p>')
    verdict = verify(make_page(html), TARGET)
    assert verdict.anchor_text == ""
    assert (verdict.link_title, verdict.link_aria_label) == ("best running shoes", "Shop now")
    assert "empty_anchor" in verdict.reasons
    mismatch = verify(make_page(html), TARGET, expected_anchor="best running shoes")
    assert "anchor_mismatch" in mismatch.reasons


def test_rel_splits_on_ascii_whitespace_only():
    html = article(f'<p><a rel="NoFollow\u00a0sponsored\tUGC" href="{TARGET}">x</a></p>')
    verdict = verify(make_page(html), TARGET)
    assert verdict.rel == ["nofollow\u00a0sponsored", "ugc"]
    assert verdict.status == "live_nofollow"
