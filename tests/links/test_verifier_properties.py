"""Properties the verifier keeps on any input: it never crashes, never cries "missing" on a failed fetch."""

from __future__ import annotations

import html as html_lib

from hypothesis import given, settings
from hypothesis import strategies as st

from crm.links.verifier import STATUSES, verify
from crm.net.result import FETCH_ERRORS

from .pages import TARGET, article, make_page

_FOUND_STATUSES = {"live", "live_nofollow", "not_indexable"}
_tags = st.sampled_from(["<p>", "</p>", "<div>", "</div>", "<a href='/x'>", "</a>", "<b>", "<table>", "<td>",
                         "<script>", "</script>", "<!--", "-->", "<noscript>", "</noscript>", f"<a href='{TARGET}'>",
                         "<base href='https://www.shop.com/'>", "<a href='running-shoes/'>", "&amp;", "&#0;", "<"])
_soup = st.lists(st.one_of(_tags, st.text(max_size=12)), max_size=40).map("".join)


@settings(max_examples=150)
@given(_soup)
def test_any_markup_gives_a_known_status_without_crashing(markup):
    verdict = verify(make_page(markup), TARGET)
    assert verdict.status in STATUSES
    assert verdict.found == (verdict.status in _FOUND_STATUSES)
    assert verdict.links_to_target >= int(verdict.found)
    if verdict.found:
        assert verdict.match in ("exact", "equivalent", "other_query")


@given(st.binary(max_size=2000), st.sampled_from(["text/html", "text/html; charset=shift_jis", "",
                                                   "text/html; charset=utf-16"]))
def test_any_bytes_in_any_declared_encoding(body, content_type):
    verdict = verify(make_page(body, content_type=content_type), TARGET)
    assert verdict.status in STATUSES


@given(st.sampled_from(FETCH_ERRORS), st.binary(max_size=200))
def test_fetch_errors_never_say_the_link_is_gone_or_live(error, body):
    verdict = verify(make_page(body, status=None, error=error), TARGET)
    assert verdict.status in ("unverified", "page_error", "blocked")
    assert verdict.found is False
    assert (verdict.status == "blocked") == (error == "robots_disallowed")


@given(st.one_of(st.integers(500, 599), st.sampled_from([403, 408, 429])), _soup)
def test_transient_http_answers_are_unverified_whatever_the_page_says(status, markup):
    assert verify(make_page(markup, status=status), TARGET).status == "unverified"


@given(st.text(min_size=1, max_size=60))
def test_anchor_text_comes_back_as_written_with_whitespace_collapsed(text):
    escaped = html_lib.escape(text.replace("\x00", "").replace("\r", "\n"))
    verdict = verify(make_page(article(f'<p><a href="{TARGET}">{escaped}</a></p>')), TARGET)
    expected = " ".join(text.replace("\x00", "").split())
    if expected:
        assert verdict.anchor_text == expected


_rel_tokens = st.lists(st.sampled_from(["nofollow", "sponsored", "ugc", "noopener", "noreferrer", "external"]),
                       max_size=5)


@given(_rel_tokens, st.randoms(use_true_random=False), st.sampled_from([" ", "  ", "\t", "\n "]))
def test_rel_reads_the_same_whatever_the_case_order_and_spacing(tokens, rnd, sep):
    shuffled = [t.upper() if rnd.random() < 0.5 else t for t in tokens]
    rnd.shuffle(shuffled)
    rel_attr = sep + sep.join(shuffled) + sep
    verdict = verify(make_page(article(f'<p><a rel="{rel_attr}" href="{TARGET}">x</a></p>')), TARGET)
    assert verdict.rel == sorted(set(tokens))
    nofollow = bool({"nofollow", "sponsored", "ugc"} & set(tokens))
    assert verdict.status == ("live_nofollow" if nofollow else "live")


@given(st.integers(0, 30), st.integers(1, 5))
def test_every_link_to_the_target_is_counted_and_others_do_not_disturb(noise, ours):
    others = "".join(f'<p><a href="https://other{i}.example/running-shoes/">o{i}</a></p>' for i in range(noise))
    mine = "".join(f'<p><a href="{TARGET}">m{i}</a></p>' for i in range(ours))
    verdict = verify(make_page(article(others + mine)), TARGET)
    assert verdict.status == "live"
    assert verdict.links_to_target == ours
    assert verdict.outbound_links == noise + ours + 1
