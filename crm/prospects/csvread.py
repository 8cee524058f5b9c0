"""Reading uploaded CSV exports: decoding, refusing hostile files, finding the header, streaming the rows."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

MB = 1024 * 1024


class ImportFileError(ValueError):
    """A file the importer refuses as a whole; `message` is written for the person who uploaded it."""

    def __init__(self, message: str, *, row: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.row = row


@dataclass(frozen=True)
class Limits:
    """How much one upload may hold; the web form and the CLI share these."""

    # Counted as the text would weigh in UTF-8: a UTF-16 file (Ahrefs) is allowed twice the bytes,
    # because the same export is twice as heavy there and carries no more rows.
    max_bytes: int = 50 * MB
    max_rows: int = 200_000
    max_line_chars: int = 100_000
    header_scan_lines: int = 25


# File signatures of things people rename to .csv or pick by mistake, named the way they know them.
_MAGIC = (
    (b"PK\x03\x04", "an Excel workbook (.xlsx) or a zip archive"),
    (b"\xd0\xcf\x11\xe0", "an old-style Excel workbook (.xls)"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
)
# (byte-order mark, codec that reads it, name reported); UTF-32's marks start like UTF-16's, so they come first.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32", "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32", "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16", "utf-16-be"),
)
_SAVE_AS = "Export it again, or in Excel use File > Save As > 'CSV UTF-8 (comma delimited)'."
# Control characters that never belong in a spreadsheet export, plus the replacement character a broken
# conversion leaves behind.
_JUNK = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]")
# UTF-8 text that was read as Windows-1252 and saved again: a right quote turns into "â€™", "é" into "Ã©".
# The second byte of a two-byte UTF-8 sequence is 0x80-0xBF, which Windows-1252 shows as these characters.
_CP1252_CONTINUATION = bytes(range(0x80, 0xC0)).decode("cp1252", "ignore")
_MOJIBAKE = re.compile(f"\u00e2\u20ac|\u00c3[{_CP1252_CONTINUATION}]|\u00c2[\u00a0-\u00bf]")


def _utf16_without_bom(head: bytes) -> str | None:
    """Name the UTF-16 byte order when every other byte is NUL, as Latin text in UTF-16 looks."""
    pairs = len(head) // 2
    if pairs < 2:
        return None
    zeros_even, zeros_odd = head[0 : pairs * 2 : 2].count(0), head[1 : pairs * 2 : 2].count(0)
    if zeros_odd >= pairs * 0.2 and zeros_even <= pairs * 0.02:
        return "utf-16-le"
    if zeros_even >= pairs * 0.2 and zeros_odd <= pairs * 0.02:
        return "utf-16-be"
    return None


def decode(data: bytes, *, max_bytes: int = Limits.max_bytes) -> tuple[str, str]:
    """Decode an uploaded file to text and name its encoding, refusing binary, oversized and garbled files."""
    head = data[:4096]
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise ImportFileError(f"This file is {what}, not a CSV file. {_SAVE_AS}")
    codec, encoding = next(((c, name) for bom, c, name in _BOMS if head.startswith(bom)), (None, None))
    if codec is None:
        codec = encoding = _utf16_without_bom(head)
    weight = len(data) // 2 if encoding and encoding.startswith("utf-16") else len(data)
    if weight > max_bytes:
        raise ImportFileError(f"The file is {len(data) / MB:.1f} MB; files up to {max_bytes // MB} MB can be imported.")
    if encoding is None and b"\x00" in head:
        raise ImportFileError("This is a binary file, not a CSV file. " + _SAVE_AS)
    if codec is not None:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as exc:
            position = exc.start + (len(codecs.BOM_UTF8) if codec == "utf-8-sig" else 0)  # that codec skips its BOM
            raise ImportFileError(
                f"The file starts like {codec.upper().replace('-SIG', '')} text but byte {position:,} is not. "
                + _SAVE_AS
            ) from None
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            try:
                # Excel's plain "CSV" on Windows saves Windows-1252, smart quotes included.
                text, encoding = data.decode("cp1252"), "cp1252"
            except UnicodeDecodeError:
                raise ImportFileError("The file is not text in an encoding we can read. " + _SAVE_AS) from None
    _refuse_garbage(text)
    return text.lstrip("\ufeff"), encoding


def _refuse_garbage(text: str) -> None:
    """Refuse text that decoded but cannot be what a person exported (binary data, double-encoded UTF-8)."""
    if "\x00" in text:
        raise ImportFileError("This is a binary file (it contains NUL bytes), not a CSV file. " + _SAVE_AS)
    junk = len(_JUNK.findall(text))
    # A few stray control characters happen in scraped titles; a binary file has them everywhere.
    if junk > 10 and junk * 200 > len(text):
        raise ImportFileError("The file is full of unreadable characters; it is probably not a CSV file. " + _SAVE_AS)
    found = _MOJIBAKE.findall(text, 0, 2 * MB)
    if len(found) >= 3:
        raise ImportFileError(
            f"The file's accents and quotes are garbled (it contains '{found[0]}…'): it was saved in the wrong "
            "encoding somewhere along the way. " + _SAVE_AS
        )


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


_LINE_END = re.compile(r"\r\n|\r|\n")


def _first_lines(text: str, count: int) -> list[tuple[int, int, str]]:
    """The first non-empty physical lines as (line number, offset after the line, text)."""
    found, pos, number = [], 0, 0
    while pos < len(text) and len(found) < count:
        match = _LINE_END.search(text, pos)
        line_end, end = (match.start(), match.end()) if match else (len(text), len(text))
        number += 1
        line = text[pos:line_end]
        if line.strip().strip(",;\t"):
            found.append((number, end, line))
        pos = end
    return found


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
    text: str = field(default="", repr=False)
    data_start: int = field(default=0, repr=False)

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """Yield (line number, cells) for each non-blank data row, enforcing the row and line limits."""
        limit, max_rows = self.limits.max_line_chars, self.limits.max_rows
        width = len(self.headers)

        body = self.text[self.data_start :]
        # One pass in C finds an over-long line before the CSV reader has to hold it.
        if max(map(len, body.splitlines()), default=0) > limit:
            self._refuse_long_line(body, limit)
        reader = csv.reader(io.StringIO(body, newline=""), delimiter=self.delimiter)
        count, consumed, last = 0, 0, ""
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
        # A quote never closed runs to the end of the file, so the last cell holds line breaks and the file
        # does not end with the closing quote; the reader accepts that silently and rows would be lost.
        if ("\n" in last or "\r" in last) and not body.rstrip().endswith('"'):
            raise ImportFileError(
                f"Row {start:,} cannot be read as CSV: a quote is opened but never closed, so the rest of the file "
                "would be read as one cell.",
                row=start,
            )

    def _refuse_long_line(self, body: str, limit: int) -> None:
        """Name the first over-long line, counting lines the way the CSV reader does."""
        pos, number = 0, self.header_line
        while pos < len(body):
            match = _LINE_END.search(body, pos)
            end = match.start() if match else len(body)
            number += 1
            if end - pos > limit:
                raise ImportFileError(
                    f"Line {number:,} is {end - pos:,} characters long; lines up to {limit:,} can be imported.",
                    row=number,
                )
            pos = match.end() if match else len(body)
        raise ImportFileError(f"A line is longer than {limit:,} characters.")

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


def find_header(
    text: str, limits: Limits, matcher: Callable[[Sequence[str]], bool] | None
) -> tuple[int, int, str, list[str]]:
    """Locate the header among the first lines: a known export's header first, else the first header-like line."""
    lines = _first_lines(text, limits.header_scan_lines + 1)
    if not lines:
        raise ImportFileError("The file is empty.")
    split = []
    for position, (number, end, line) in enumerate(lines[: limits.header_scan_lines]):
        if len(line) > limits.max_line_chars:
            if not split:
                raise ImportFileError(
                    f"Line {number:,} is {len(line):,} characters long; lines up to {limits.max_line_chars:,} "
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
        next_line = lines[position + 1][2] if position + 1 < len(lines) else None
        following = _split(next_line, delimiter) if next_line and len(next_line) <= limits.max_line_chars else None
        if _looks_like_header(cells, following):
            return number, end, delimiter, cells
    return split[0][1:]


def open_table(
    data: bytes, *, limits: Limits | None = None, header_matcher: Callable[[Sequence[str]], bool] | None = None
) -> Table:
    """Decode an upload, find its header (skipping any preamble) and return a Table ready to stream rows."""
    limits = limits or Limits()
    text, encoding = decode(data, max_bytes=limits.max_bytes)
    if not text.strip():
        raise ImportFileError("The file is empty.")
    number, end, delimiter, cells = find_header(text, limits, header_matcher)
    if not text[end:].strip().strip(",;\t\r\n"):
        raise ImportFileError("The file has a header row but no data rows.")
    preamble = tuple(line for n, _, line in _first_lines(text, number) if n < number)
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
