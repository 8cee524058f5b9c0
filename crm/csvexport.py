"""Spreadsheet-safe CSV export shared by every feature: UTF-8 with BOM, formula injection neutralised.

A cell a spreadsheet would run as a formula gets a leading single quote, as OWASP's "CSV Injection" page
advises for cells starting with = + - @ tab or carriage return. We go further in two ways:

- line feed is treated like carriage return, and a cell whose first non-blank character is = + - @ (or
  their full-width forms) is neutralised too, because spreadsheet programs differ in whether they trim
  leading blanks before deciding a cell is a formula;
- a text cell that already starts with the quote, followed by something we would neutralise, gets one
  more quote, so `unneutralise` can always give the exact original text back.

Only text is touched. Numbers (int, float, Decimal) are written as numbers, so -5 stays a negative number
in the spreadsheet; booleans are written as true/false, dates in ISO form and None as an empty cell.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, BinaryIO

_TRIGGERS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")
_FORMULA_START = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")
_BLANKS = " \t\r\n\u00a0\u3000"

Column = str | tuple[str, str]  # a key, or (key, header shown in the file)


def _dangerous(text: str) -> bool:
    """True when a spreadsheet could read the text as a formula (or as a quoted one we must keep apart)."""
    if not text:
        return False
    first = text[0]
    if first in _TRIGGERS:
        return True
    if first == "'":
        return _dangerous(text[1:])
    stripped = text.lstrip(_BLANKS)
    return bool(stripped) and stripped[0] in _FORMULA_START


def neutralise(text: str) -> str:
    """The text as written to a cell: prefixed with a single quote when a spreadsheet could run it."""
    return "'" + text if _dangerous(text) else text


def unneutralise(cell: str) -> str:
    """The original text of a cell written by `neutralise` (for re-importing our own exports)."""
    if cell.startswith("'") and _dangerous(cell[1:]):
        return cell[1:]
    return cell


def cell_text(value: Any) -> str:
    """One value as cell text: numbers as numbers, text neutralised, None empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return neutralise(str(value))


def _keys_and_headers(columns: Sequence[Column]) -> tuple[list[str], list[str]]:
    """Split column specs into row keys and the header line."""
    keys = [c if isinstance(c, str) else c[0] for c in columns]
    headers = [c if isinstance(c, str) else c[1] for c in columns]
    return keys, headers


def iter_csv(rows: Iterable[Mapping[str, Any] | Sequence[Any]], columns: Sequence[Column]) -> Iterator[bytes]:
    """Yield the file in chunks (BOM and header first), for streaming a download."""
    keys, headers = _keys_and_headers(columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in headers])
    yield codecs.BOM_UTF8 + _drain(buffer)
    for count, row in enumerate(rows, 1):
        if isinstance(row, Mapping):
            values = [row.get(k) for k in keys]
        else:
            values = list(row)
        writer.writerow([cell_text(v) for v in values])
        if count % 500 == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> bytes:
    """Take what the writer has buffered, as UTF-8."""
    # A lone surrogate (text that came from undecodable bytes) must not abort a download half-way.
    data = buffer.getvalue().encode("utf-8", "replace")
    buffer.seek(0)
    buffer.truncate()
    return data


def write_csv(rows: Iterable[Mapping[str, Any] | Sequence[Any]], columns: Sequence[Column], stream: BinaryIO) -> int:
    """Write rows (dicts by key, or sequences in column order) to a binary stream; return the row count."""
    count = 0

    def counted():
        """The rows, counted as they pass."""
        nonlocal count
        for row in rows:
            count += 1
            yield row

    for chunk in iter_csv(counted(), columns):
        stream.write(chunk)
    return count


def csv_bytes(rows: Iterable[Mapping[str, Any] | Sequence[Any]], columns: Sequence[Column]) -> bytes:
    """The whole file as bytes, for small exports and tests."""
    return b"".join(iter_csv(rows, columns))
