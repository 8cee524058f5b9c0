"""Pages in legacy encodings must read as a browser shows them, or anchor texts come out garbled."""

# Cyrillic letters and typographic dashes are the point of these tests, not look-alike typos.
# ruff: noqa: RUF001

from __future__ import annotations

import codecs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm.links.encoding import codec_for, decode_html, sniff_encoding
from crm.links.verifier import verify

from .pages import TARGET, make_page


def _page_bytes(anchor: str, encoding: str, *, meta: str = "") -> bytes:
    html = (f"<html><head>{meta}<title>t</title></head>"
            f"<body><p>{anchor}: <a href='{TARGET}'>{anchor}</a></p></body></html>")
    return html.encode(encoding)


@pytest.mark.parametrize(
    ("anchor", "encoding", "label"),
    [
        ("ランニングシューズ", "shift_jis", "Shift_JIS"),
        ("кроссовки для бега", "windows-1251", "windows-1251"),
        ("跑鞋推荐", "gb2312", "GB2312"),
        ("러닝화", "euc-kr", "EUC-KR"),
        ("Laufschuhe für Anfänger", "iso-8859-1", "ISO-8859-1"),
        ("ΠΑΠΟΥΤΣΙΑ", "iso-8859-7", "iso-8859-7"),
    ],
)
def test_meta_charset_declares_the_encoding(anchor, encoding, label):
    body = _page_bytes(anchor, encoding, meta=f'<meta charset="{label}">')
    verdict = verify(make_page(body, content_type="text/html"), TARGET)
    assert verdict.status == "live"
    assert verdict.anchor_text == anchor


def test_http_equiv_content_type_declares_the_encoding():
    meta = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'
    verdict = verify(make_page(_page_bytes("бег", "cp1251", meta=meta), content_type="text/html"), TARGET)
    assert verdict.anchor_text == "бег"


def test_header_charset_wins_over_meta():
    # The page lies in its meta; the server's header is what browsers believe.
    body = _page_bytes("ランニング", "shift_jis", meta='<meta charset="utf-8">')
    verdict = verify(make_page(body, content_type='text/html; charset="Shift_JIS"'), TARGET)
    assert verdict.anchor_text == "ランニング"
    assert verdict.encoding == "cp932"


def test_byte_order_mark_wins_over_header_and_meta():
    body = codecs.BOM_UTF8 + _page_bytes("Café", "utf-8", meta='<meta charset="windows-1252">')
    verdict = verify(make_page(body, content_type="text/html; charset=iso-8859-1"), TARGET)
    assert verdict.anchor_text == "Café"


@pytest.mark.parametrize(("bom", "codec"), [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")])
def test_utf16_pages_with_a_byte_order_mark(bom, codec):
    body = bom + _page_bytes("Schuhe – günstig", codec)
    verdict = verify(make_page(body, content_type="text/html"), TARGET)
    assert verdict.status == "live"
    assert verdict.anchor_text == "Schuhe – günstig"


def test_utf16_declared_in_the_header_without_a_bom():
    body = _page_bytes("обувь", "utf-16-le")
    verdict = verify(make_page(body, content_type="text/html; charset=utf-16"), TARGET)
    assert verdict.anchor_text == "обувь"


def test_meta_saying_utf16_in_ascii_means_utf8():
    body = _page_bytes("naïve", "utf-8", meta='<meta charset="utf-16">')
    assert decode_html(body, "text/html")[1] == "utf-8"
    assert verify(make_page(body, content_type="text/html"), TARGET).anchor_text == "naïve"


def test_declaration_inside_a_comment_or_after_1024_bytes_is_ignored():
    commented = b"<!-- <meta charset=shift_jis> -->" + _page_bytes("x", "ascii")
    assert sniff_encoding(commented, "text/html") == ("utf-8", "detected")
    late = b"<html><head><!--" + b" " * 1100 + b'--><meta charset="windows-1251"></head></html>'
    assert sniff_encoding(late, "") == ("utf-8", "detected")


def test_undeclared_pages_fall_back_to_windows_1252_unless_they_are_valid_utf8():
    latin = "<p><a href='/x'>Crème brûlée – “best”</a></p>".encode("cp1252")
    assert sniff_encoding(latin, "text/html") == ("cp1252", "fallback")
    assert "Crème brûlée – “best”" in decode_html(latin, "text/html")[0]
    assert sniff_encoding("Crème".encode(), "text/html") == ("utf-8", "detected")


def test_bytes_windows_1252_leaves_undefined_read_as_c1_controls():
    text, codec = decode_html(b"a\x81b\x9dc", "text/html; charset=windows-1252")
    assert (text, codec) == ("a\x81b\x9dc", "cp1252")


def test_unknown_or_dangerous_labels_are_ignored():
    assert codec_for("rot13") is None
    assert codec_for("base64") is None
    assert codec_for("utf-7") is None
    assert codec_for("no-such-charset") is None
    body = _page_bytes("Grüße", "utf-8")
    assert decode_html(body, "text/html; charset=rot13") == (decode_html(body, "")[0], "utf-8")


@pytest.mark.parametrize(
    ("label", "codec"),
    [("latin1", "cp1252"), ("US-ASCII", "cp1252"), ("sjis", "cp932"), ("gbk", "gb18030"), ("ks_c_5601-1987", "cp949"),
     ("big5", "big5hkscs"), ("ISO-8859-2", "iso8859-2"), (" 'utf8' ", "utf-8")],
)
def test_labels_map_as_browsers_map_them(label, codec):
    assert codec_for(label) == codec


@given(st.text(min_size=1, max_size=40).filter(lambda s: s.strip() and "<" not in s and "&" not in s))
def test_utf8_anchor_text_survives_any_declared_unicode_encoding(text):
    for codec, label in (("utf-8", "utf-8"), ("utf-16-le", "utf-16le"), ("gb18030", "gb18030")):
        body = _page_bytes(text, codec)
        verdict = verify(make_page(body, content_type=f"text/html; charset={label}"), TARGET)
        # The HTML parser drops NUL characters from text, as browsers do.
        assert verdict.anchor_text == " ".join(text.replace("\x00", "").split())
