"""Decoding an uploaded export: refusing binary, oversized and garbled files, naming the encoding, streaming text."""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterator
from typing import BinaryIO, TextIO

from crm.prospects.importing.limits import MB, ImportFileError, Limits

READ_BLOCK = MB  # bytes (or characters) read at a time

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


def _sniff(head: bytes, size: int, max_bytes: int) -> tuple[str | None, str | None]:
    """Refuse binary and oversized files from their first bytes and size; the codec and name a BOM or NULs give."""
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise ImportFileError(f"This file is {what}, not a CSV file. {_SAVE_AS}")
    codec, encoding = next(((c, name) for bom, c, name in _BOMS if head.startswith(bom)), (None, None))
    if codec is None:
        codec = encoding = _utf16_without_bom(head)
    weight = size // 2 if encoding and encoding.startswith("utf-16") else size
    if weight > max_bytes:
        raise ImportFileError(f"The file is {size / MB:.1f} MB; files up to {max_bytes // MB} MB can be imported.")
    if encoding is None and b"\x00" in head:
        raise ImportFileError("This is a binary file, not a CSV file. " + _SAVE_AS)
    return codec, encoding


def _chunks(stream: BinaryIO) -> Iterator[bytes]:
    """The stream's bytes from the start, a block at a time."""
    stream.seek(0)
    while block := stream.read(READ_BLOCK):
        yield block


def _check_decoding(stream: BinaryIO, codec: str | None) -> tuple[str, str | None]:
    """Decode the whole stream once, a block at a time, refusing garbage; the codec to read it with and its name.

    Without a byte-order mark a file is UTF-8 when every byte decodes so, else Windows-1252: that is only known
    at the end, so this pass runs before any row is read. It holds one block of text at a time.
    """
    names = [codec] if codec is not None else ["utf-8", "cp1252"]
    for name in names:
        decoder, checker, offset = codecs.getincrementaldecoder(name)(), _GarbageCheck(), 0
        try:
            for block in _chunks(stream):
                checker.feed(decoder.decode(block))
                offset += len(block)
            checker.feed(decoder.decode(b"", final=True))
        except UnicodeDecodeError as exc:
            if codec is None:
                continue  # Excel's plain "CSV" on Windows saves Windows-1252, smart quotes included.
            position = offset + exc.start + (len(codecs.BOM_UTF8) if codec == "utf-8-sig" else 0)
            raise ImportFileError(
                f"The file starts like {codec.upper().replace('-SIG', '')} text but byte {position:,} is not. "
                + _SAVE_AS
            ) from None
        checker.finish()
        return name, None
    raise ImportFileError("The file is not text in an encoding we can read. " + _SAVE_AS)


def open_text(stream: BinaryIO, *, max_bytes: int = Limits.max_bytes) -> tuple[TextIO, str]:
    """A seekable binary upload as text to stream (checked for garbage first) and the name of its encoding."""
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    codec, encoding = _sniff(stream.read(4096), size, max_bytes)
    codec, _ = _check_decoding(stream, codec)
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding=codec, newline="")
    if text.read(1) not in ("\ufeff", ""):  # a BOM the codec kept (UTF-8 without -sig never strips it)
        text.seek(0)
    return text, encoding or codec


def decode(data: bytes, *, max_bytes: int = Limits.max_bytes) -> tuple[str, str]:
    """Decode an uploaded file to text and name its encoding, refusing binary, oversized and garbled files."""
    text, encoding = open_text(io.BytesIO(data), max_bytes=max_bytes)
    return text.read().lstrip("\ufeff"), encoding


class _GarbageCheck:
    """Refuses text that decoded but cannot be what a person exported (binary data, double-encoded UTF-8)."""

    def __init__(self) -> None:
        self.junk, self.length, self.head = 0, 0, ""

    def feed(self, text: str) -> None:
        """Check the next piece of decoded text."""
        if "\x00" in text:
            raise ImportFileError("This is a binary file (it contains NUL bytes), not a CSV file. " + _SAVE_AS)
        self.junk += len(_JUNK.findall(text))
        self.length += len(text)
        if len(self.head) < 2 * MB:
            self.head += text[: 2 * MB - len(self.head)]

    def finish(self) -> None:
        """Judge the whole text."""
        # A few stray control characters happen in scraped titles; a binary file has them everywhere.
        if self.junk > 10 and self.junk * 200 > self.length:
            raise ImportFileError(
                "The file is full of unreadable characters; it is probably not a CSV file. " + _SAVE_AS)
        found = _MOJIBAKE.findall(self.head)
        if len(found) >= 3:
            raise ImportFileError(
                f"The file's accents and quotes are garbled (it contains '{found[0]}…'): it was saved in the wrong "
                "encoding somewhere along the way. " + _SAVE_AS
            )
