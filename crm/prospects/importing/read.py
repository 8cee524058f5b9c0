"""Reading decoded exports: finding the header (past any preamble), then streaming the rows."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import BinaryIO, TextIO

from crm.prospects.importing.decode import READ_BLOCK, open_text
from crm.prospects.importing.limits import ImportFileError, Limits

_SPACES = str.maketrans(dict.fromkeys("\xa0\u2007\u202f\u2009\u200a\u3000\t\r\n", " "))
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212", "-"))
# Sort markers tools add to the sorted column: "Total Traffic (desc)", "DR ↓", "Traffic ▼".
_SORT_SUFFIX = re.compile(r"\s*(?:\((?:asc|desc|ascending|descending)\)|[↓↑▲▼⬇⬆⇣⇡])\s*$", re.IGNORECASE)


def normalise_header(name: str) -> str:
    """The comparable form of a column name: no BOM, quotes, sort marker or odd spaces; dashes plain; case-folded."""
    name = name.replace("\ufeff", "")
    if name.startswith("ï»¿"):  # a UTF-8 BOM that went through Windows-1252
        name = name[3:]
    name = name.translate(_SPACES).strip().strip("\"'").strip()
    while True:
        shorter = _SORT_SUFFIX.sub("", name)
        if shorter == name:
            break
        name = shorter
    return " ".join(name.translate(_DASHES).split()).casefold()


def _count_outside_quotes(line: str, char: str) -> int:
    """Count a delimiter candidate, ignoring any inside double-quoted cells."""
    return sum(part.count(char) for part in line.split('"')[::2])


def sniff_delimiter(line: str) -> str:
    """Pick tab, comma or semicolon from a header line: the one that splits it most."""
    counts = {d: _count_outside_quotes(line, d) for d in ("\t", ",", ";")}
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else ","


def _split(line: str, delimiter: str) -> list[str]:
    """One line as cells."""
    return next(csv.reader([line], delimiter=delimiter), [])


_DATA_CELL = re.compile(r"^[\d\s.,%+-]+$|://|^www\.|@|[a-z0-9-]\.[a-z]{2,}(?:/|$)|^\d{4}-\d\d-\d\d", re.IGNORECASE)


def _looks_like_header(cells: Sequence[str], following: Sequence[str] | None) -> bool:
    """A plausible header: several named cells, none of them data-like, and a next row as wide."""
    named = [c.strip() for c in cells if c.strip()]
    return (
        len(cells) >= 2
        and len(named) * 5 >= len(cells) * 4
        and not any(_DATA_CELL.search(c) for c in named)
        and following is not None
        and len(following) == len(cells)
    )


def _physical_lines(text: TextIO, limit: int) -> Iterator[tuple[str, int]]:
    """(line with its ending, length without it) of each physical line; an over-long line comes cut at limit + 1.

    Lines end at CR LF, CR or LF, as the CSV reader counts them. An over-long line is never held whole.
    """
    while line := text.readline(limit + 2):
        length = len(line.rstrip("\r\n"))
        if length > limit:
            rest = line
            while rest and not rest.endswith(("\n", "\r")):
                rest = text.readline(READ_BLOCK)
                length += len(rest.rstrip("\r\n"))
            yield line[: limit + 1], length
        else:
            yield line, length


@dataclass
class Table:
    """A decoded export with its header found; `rows()` streams the data rows after it."""

    encoding: str
    delimiter: str
    raw_headers: tuple[str, ...]
    headers: tuple[str, ...]  # normalised, made unique ("traffic", "traffic #2")
    header_line: int  # 1-based line number of the header in the file
    preamble: tuple[str, ...] = ()
    limits: Limits = field(default_factory=Limits)
    text: TextIO | None = field(default=None, repr=False)
    data_start: int = field(default=0, repr=False)  # the text stream's position after the header line

    def _lines(self, state: dict) -> Iterator[str]:
        """The physical lines after the header, refusing an over-long one by its line number."""
        limit, number = self.limits.max_line_chars, self.header_line
        for line, length in _physical_lines(self.text, limit):
            number += 1
            if length > limit:
                raise ImportFileError(
                    f"Line {number:,} is {length:,} characters long; lines up to {limit:,} can be imported.",
                    row=number,
                )
            if length:
                state["last"] = line
            yield line

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """Yield (line number, cells) for each non-blank data row, enforcing the row and line limits."""
        max_rows, width = self.limits.max_rows, len(self.headers)
        self.text.seek(self.data_start)
        state = {"last": ""}
        reader = csv.reader(self._lines(state), delimiter=self.delimiter)
        count, consumed, last, start = 0, 0, "", self.header_line
        try:
            for cells in reader:
                start, consumed = self.header_line + consumed + 1, reader.line_num
                if not cells or (not cells[0].strip() and not any(c.strip() for c in cells)):
                    continue
                count, last = count + 1, cells[-1]
                if count > max_rows:
                    raise ImportFileError(
                        f"The file has more than {max_rows:,} rows; split it into smaller files.", row=start
                    )
                if len(cells) < width:
                    cells.extend([""] * (width - len(cells)))
                yield start, cells
        except csv.Error as exc:
            line = self.header_line + reader.line_num
            raise ImportFileError(
                f"Row {line:,} cannot be read as CSV ({exc}); a quote may be left open.", row=line
            ) from None
        if not count:
            raise ImportFileError("The file has a header row but no data rows.")
        # A quote never closed runs to the end of the file, so the last cell holds line breaks and the file
        # does not end with the closing quote; the reader accepts that silently and rows would be lost.
        if ("\n" in last or "\r" in last) and not state["last"].rstrip().endswith('"'):
            raise ImportFileError(
                f"Row {start:,} cannot be read as CSV: a quote is opened but never closed, so the rest of the file "
                "would be read as one cell.",
                row=start,
            )

    def dicts(self) -> Iterator[tuple[int, dict[str, str]]]:
        """Yield (line number, {normalised header: cell}) for each data row."""
        headers = self.headers
        for number, cells in self.rows():
            yield number, dict(zip(headers, cells, strict=False))


def _unique(names: Sequence[str]) -> tuple[str, ...]:
    """Keep repeated column names apart so no cell is lost when rows become dicts."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} #{seen[name]}")
    return tuple(out)


def _first_lines(text: TextIO, count: int, limit: int) -> list[tuple[int, int, str, int]]:
    """The first non-empty physical lines as (line number, stream position after it, text, length)."""
    found, number = [], 0
    while len(found) < count:
        got = next(_physical_lines(text, limit), None)
        if got is None:
            break
        line, length = got
        number += 1
        if line.strip().strip(",;\t"):
            found.append((number, text.tell(), line.rstrip("\r\n"), length))
    return found


def find_header(
    lines: list[tuple[int, int, str, int]], limits: Limits, matcher: Callable[[Sequence[str]], bool] | None
) -> tuple[int, int, str, list[str]]:
    """Locate the header among the first lines: a known export's header first, else the first header-like line."""
    if not lines:
        raise ImportFileError("The file is empty.")
    split = []
    for position, (number, end, line, length) in enumerate(lines[: limits.header_scan_lines]):
        if length > limits.max_line_chars:
            if not split:
                raise ImportFileError(
                    f"Line {number:,} is {length:,} characters long; lines up to {limits.max_line_chars:,} "
                    "can be imported.",
                    row=number,
                )
            continue  # cannot be the header; reading the rows refuses it with its line number
        delimiter = sniff_delimiter(line)
        split.append((position, number, end, delimiter, _split(line, delimiter)))
    if matcher is not None:
        for _, number, end, delimiter, cells in split:
            if matcher([normalise_header(c) for c in cells]):
                return number, end, delimiter, cells
    for position, number, end, delimiter, cells in split:
        following = None
        if position + 1 < len(lines) and lines[position + 1][3] <= limits.max_line_chars:
            following = _split(lines[position + 1][2], delimiter)
        if _looks_like_header(cells, following):
            return number, end, delimiter, cells
    return split[0][1:]


def open_table(
    data: bytes | BinaryIO, *, limits: Limits | None = None,
    header_matcher: Callable[[Sequence[str]], bool] | None = None,
) -> Table:
    """Open an upload (bytes or a seekable binary file), find its header (skipping any preamble) and return a
    Table ready to stream rows; the file is read in blocks, never held whole."""
    limits = limits or Limits()
    stream = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    text, encoding = open_text(stream, max_bytes=limits.max_bytes)
    start = text.tell()
    lines = _first_lines(text, limits.header_scan_lines + 1, limits.max_line_chars)
    if not any(line.strip() for _, _, line, _ in lines):
        raise ImportFileError("The file is empty.")
    number, end, delimiter, cells = find_header(lines, limits, header_matcher)
    text.seek(end)
    if not any(line.strip().strip(",;\t") for line, _ in _physical_lines(text, limits.max_line_chars)):
        raise ImportFileError("The file has a header row but no data rows.")
    text.seek(start)
    preamble = tuple(line for n, _, line, _ in lines if n < number)
    return Table(
        encoding=encoding,
        delimiter=delimiter,
        raw_headers=tuple(cells),
        headers=_unique([normalise_header(c) for c in cells]),
        header_line=number,
        preamble=preamble,
        limits=limits,
        text=text,
        data_start=end,
    )
