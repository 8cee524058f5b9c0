"""Reading uploads: every encoding the tools write, hostile files refused with a clear message, headers found."""

from __future__ import annotations

import codecs

import pytest

from crm.prospects.importing.decode import decode
from crm.prospects.importing.detect import is_header_row
from crm.prospects.importing.limits import ImportFileError, Limits
from crm.prospects.importing.read import normalise_header, open_table, sniff_delimiter
from tests.prospects.samples import build_csv, sample_bytes, sample_table, sample_text

ENCODINGS = {
    "utf-8": lambda text: text.encode("utf-8"),
    "utf-8 with BOM": lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
    "utf-16 le with BOM": lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
    "utf-16 be with BOM": lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
    "utf-16 le without BOM": lambda text: text.encode("utf-16-le"),
    "utf-16 be without BOM": lambda text: text.encode("utf-16-be"),
    "cp1252": lambda text: text.encode("cp1252"),
}


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("name", ["ahrefs-backlinks-v3.csv", "semrush-backlinks.csv", "moz-inbound-links-ose-2016.csv"])
def test_every_encoding_reads_back_the_same_cells(name, encoding):
    text = sample_text(name)
    table = open_table(ENCODINGS[encoding](text), header_matcher=is_header_row)
    original = open_table(sample_bytes(name), header_matcher=is_header_row)
    assert table.headers == original.headers
    assert list(table.rows()) == list(original.rows())
    # The en dash of "Cycling links - Velo College" survives every encoding that can hold it.
    assert any("Cycling links \u2013 Velo College" in cells for _, cells in table.rows())


def test_ahrefs_sample_is_utf16_tab_separated():
    table = open_table(sample_bytes("ahrefs-backlinks-v3.csv"))
    assert table.encoding == "utf-16-le"
    assert table.delimiter == "\t"
    assert table.headers[:2] == ("referring page title", "referring page url")


def test_windows_1252_smart_quotes_import_fine():
    text = "Website,Notes\r\nhttps://blog.example.com/,\u201cGreat\u201d editor \u2013 replies fast\u2026\r\n"
    decoded, encoding = decode(text.encode("cp1252"))
    assert encoding == "cp1252"
    assert "\u201cGreat\u201d editor \u2013 replies fast\u2026" in decoded


def test_utf8_read_as_windows_1252_and_saved_again_is_refused():
    garbled = "Website,Notes\r\n" + "".join(f"https://s{i}.example.com/,It\u2019s caf\u00e9 time\r\n" for i in range(5))
    data = garbled.encode("utf-8").decode("cp1252").encode("utf-8")
    with pytest.raises(ImportFileError, match="garbled"):
        decode(data)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 200, "Excel workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old-style Excel"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "PNG image"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF"),
        (b"\x1f\x8b\x08\x00" + bytes(range(256)), "gzip"),
    ],
)
def test_known_binary_formats_are_named(data, words):
    with pytest.raises(ImportFileError, match=words) as caught:
        decode(data)
    assert "CSV" in caught.value.message


def test_nul_bytes_mean_a_binary_file():
    data = b"Website,DR\r\nhttps://a.example.com/,5\x00\x00\x01\x02\x00\xff\xfe\x00\x00\r\n"
    with pytest.raises(ImportFileError, match="binary"):
        decode(data)


def test_random_control_characters_are_refused():
    data = bytes((i * 7) % 32 or 1 for i in range(5000))
    with pytest.raises(ImportFileError, match="unreadable characters"):
        decode(data)


def test_files_over_the_size_limit_are_refused():
    data = b"Website\r\n" + b"https://a.example.com/\r\n" * 100
    with pytest.raises(ImportFileError, match="files up to 1 MB"):
        decode(data * 500, max_bytes=1024 * 1024)


def test_utf16_files_may_be_twice_the_byte_limit():
    # The same rows weigh twice as much in UTF-16; the limit counts what the text weighs in UTF-8.
    text = "Website\r\n" + "https://a.example.com/\r\n" * 30000
    assert len(text.encode("utf-16")) > 1024 * 1024 > len(text.encode("utf-8"))
    decoded, _ = decode(text.encode("utf-16"), max_bytes=1024 * 1024)
    assert decoded == text


@pytest.mark.parametrize("data", [b"", b"   \r\n\r\n", codecs.BOM_UTF8, codecs.BOM_UTF16_LE])
def test_empty_files_are_refused(data):
    with pytest.raises(ImportFileError, match="empty"):
        open_table(data)


def test_header_only_is_refused():
    with pytest.raises(ImportFileError, match="header row but no data rows"):
        open_table(b"Source url,Target url,Page ascore\r\n\r\n,,\r\n")


def test_a_huge_line_is_refused_with_its_line_number():
    data = ("Website,Notes\r\nhttps://a.example.com/,ok\r\nhttps://b.example.com/," + "x" * 5000 + "\r\n").encode()
    table = open_table(data, limits=Limits(max_line_chars=1000))
    with pytest.raises(ImportFileError, match="Line 3 is 5,023 characters long") as caught:
        list(table.rows())
    assert caught.value.row == 3


def test_an_unclosed_quote_cannot_swallow_the_file():
    data = ('Website,Notes\r\nhttps://a.example.com/,"never closed\r\n' + "more text\r\n" * 20000).encode()
    table = open_table(data)
    with pytest.raises(ImportFileError, match="quote may be left open"):
        list(table.rows())


def test_too_many_rows_are_refused():
    data = ("Website\r\n" + "".join(f"https://s{i}.example.com/\r\n" for i in range(11))).encode()
    table = open_table(data, limits=Limits(max_rows=10))
    with pytest.raises(ImportFileError, match="more than 10 rows"):
        list(table.rows())
    assert len(list(open_table(data, limits=Limits(max_rows=11)).rows())) == 11


@pytest.mark.parametrize(
    ("line", "delimiter"),
    [
        ("Page ascore,Source title,Source url", ","),
        ("Page ascore;Source title;Source url", ";"),
        ('"Referring page URL"\t"Target URL"\t"Anchor"', "\t"),
        ('"Payment, Amount";"Name";"Domain"', ";"),
        ("Linking page", ","),
    ],
)
def test_delimiter_is_sniffed_from_the_header(line, delimiter):
    assert sniff_delimiter(line) == delimiter


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("\ufeffLinking page", "linking page"),
        ("\u00ef\u00bb\u00bfLinking page", "linking page"),
        ('"Traffic "', "traffic"),
        ("Total Traffic (desc)", "total traffic"),
        ("Total Keywords (asc)", "total keywords"),
        ("DR \u2193", "dr"),
        ("Domain Rating (desc) \u25bc", "domain rating"),
        ("Referring\u00a0page  URL", "referring page url"),
        ("Link Partner \u2013 Name", "link partner - name"),
        ("  DOMAIN   Authority ", "domain authority"),
    ],
)
def test_header_names_are_normalised(raw, normal):
    assert normalise_header(raw) == normal


def test_title_lines_above_the_header_are_skipped():
    header, rows, _ = sample_table("moz-inbound-links-ose-2016.csv")
    preamble = [
        "Open Site Explorer Inbound Links report for ourshop.example",
        "Created on 2016-04-02",
        "Filters: all links, external, all pages",
        "",
        "Sort: Page Authority",
        "Total links: 5",
    ]
    table = open_table(build_csv(header, rows, preamble=preamble).encode(), header_matcher=is_header_row)
    assert table.header_line == 7
    assert table.headers[0] == "url"
    first_row, cells = next(table.rows())
    assert first_row == 8
    assert cells[0] == "https://blog.spokewise.com/truing-stands/"
    assert len(table.preamble) == 5


def test_a_header_of_an_unknown_file_is_found_below_its_title():
    text = (
        "My prospects, June\r\nexported 2025-06-01\r\nSite,Owner,Notes\r\nexample.com,Ann,good\r\nexample.org,Bo,x\r\n"
    )
    table = open_table(text.encode(), header_matcher=is_header_row)
    assert table.headers == ("site", "owner", "notes")
    assert table.header_line == 3


def test_row_numbers_count_blank_lines_and_skip_blank_rows():
    text = "Website,DR\r\nhttps://a.example.com/,5\r\n\r\n,\r\nhttps://b.example.com/,6\r\n"
    rows = list(open_table(text.encode()).rows())
    assert [number for number, _ in rows] == [2, 5]


def test_rows_as_dicts_pad_short_rows_and_keep_repeated_headers_apart():
    text = "Website,Traffic,Traffic\r\nhttps://a.example.com/,5\r\n"
    table = open_table(text.encode())
    assert list(table.dicts()) == [(2, {"website": "https://a.example.com/", "traffic": "5", "traffic #2": ""})]


def test_old_mac_line_endings_are_read():
    table = open_table(b"Website,DR\rhttps://a.example.com/,5\rhttps://b.example.com/,6\r")
    assert [cells for _, cells in table.rows()] == [["https://a.example.com/", "5"], ["https://b.example.com/", "6"]]


@pytest.mark.parametrize(
    ("encode", "name"),
    [
        (lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"), "utf-16-le"),
        (lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"), "utf-16-be"),
        (lambda t: t.encode("utf-16-le"), "utf-16-le"),
        (lambda t: t.encode("utf-16-be"), "utf-16-be"),
        (lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), "utf-8-sig"),
        (lambda t: t.encode("utf-8"), "utf-8"),
        (lambda t: t.encode("cp1252"), "cp1252"),
    ],
)
def test_the_encoding_is_named(encode, name):
    text = "Website,Notes\r\nhttps://a.example.com/,caf\u00e9\r\n"
    assert decode(encode(text)) == (text, name)


def test_a_file_that_breaks_its_own_encoding_is_refused():
    with pytest.raises(ImportFileError, match="starts like UTF-8 text but byte 21 is not"):
        decode(codecs.BOM_UTF8 + b"Website,Notes\r\nab,\xff\xfe\xfd\r\n")
