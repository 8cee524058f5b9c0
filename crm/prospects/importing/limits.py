"""What one upload may hold, and the error for a file the importer refuses as a whole."""

from __future__ import annotations

from dataclasses import dataclass

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
