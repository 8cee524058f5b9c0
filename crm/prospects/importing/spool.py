"""The backlink rows of one import, kept on disk in batches while the file is read, so memory stays flat in rows.

A million-row backlinks export holds a million links: they go to a temporary file (marshal batches) and are
replayed twice, once to compare with the links already tracked, once to write them. Links come a group of
sites at a time (fold.py), and a repeated link has the same page, so the same site: repeats are found within
the group by their full keys, and the keys are forgotten when the next group starts.
"""

from __future__ import annotations

import marshal
import tempfile
from collections import defaultdict
from collections.abc import Iterator

BATCH = 5000  # links per batch on disk, and per statement when written
URL_MAX, TITLE_MAX = 2048, 500

# One spooled link: (row, domain of the linking page, source URL, target URL, anchor or None).
Link = tuple[int, str, str, str, str | None]


class BacklinkSpool:
    """Backlink rows that could become tracked backlinks, on disk; skip reasons in memory."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the import; closed by close()
        self._pending: list[Link] = []
        self._exact: set[tuple] = set()  # (source, target, anchor) of this group's rows
        self._pairs: set[tuple[str, str]] = set()  # (source, target) of this group's spooled links
        self._kept: list = []  # other temporary storage of the import, closed with the spool
        self.count = 0  # links spooled
        self.skipped: dict[str, int] = defaultdict(int)  # reason -> rows

    def new_group(self) -> None:
        """The next links come from other sites than the earlier ones: forget the keys seen so far."""
        self._exact, self._pairs = set(), set()

    def keep(self, closable) -> None:
        """Close this (the import's other temporary files) with the spool."""
        self._kept.append(closable)

    def add(self, row: int, domain: str, source: str, target: str | None, anchor: str | None, lost: bool) -> bool:
        """Take one backlink row; False (and nothing kept) when it repeats an earlier row of the group exactly."""
        exact = (source, target, anchor)
        if exact in self._exact:
            return False
        self._exact.add(exact)
        if not target:
            self.skipped["the file does not say which of your pages it links to"] += 1
        elif lost:
            self.skipped["the export says the link is lost"] += 1
        elif len(source) > URL_MAX or len(target) > URL_MAX:
            self.skipped["the URL is too long to track"] += 1
        elif (pair := (source, target)) in self._pairs:
            self.skipped["the same page links to the same target on an earlier row"] += 1
        else:
            self._pairs.add(pair)
            self._pending.append((row, domain, source, target, anchor))
            self.count += 1
            if len(self._pending) >= BATCH:
                self._flush()
        return True

    def _flush(self) -> None:
        """Write the pending batch to the file."""
        if self._pending:
            marshal.dump(self._pending, self._file)
            self._pending = []

    def finish(self) -> None:
        """The file has been read: write the last batch and forget the keys."""
        self._flush()
        self.new_group()

    def batches(self) -> Iterator[list[Link]]:
        """The spooled links in file order, a batch at a time (may be replayed)."""
        self._flush()
        self._file.seek(0)
        while True:
            try:
                yield marshal.load(self._file)  # noqa: S302 - our own temporary file, written above
            except EOFError:
                return

    def close(self) -> None:
        """Delete the temporary files."""
        self._file.close()
        for closable in self._kept:
            closable.close()
