"""Items kept on disk while a large import runs, so its memory does not grow with the rows of the file.

Plain helpers for any feature: a run of items in temporary-file batches, and an exact count of the items two
streams have in common, partitioned by hash so only a partition's items are ever in memory.
"""

from __future__ import annotations

import marshal
import tempfile
from collections.abc import Callable, Hashable, Iterable, Iterator
from typing import Any

HELD = 250  # items a run holds in memory before they go to disk
PARTS = 32  # partitions of an exact count in common


class Run:
    """Items in the order added: in memory while few, then in batches in a temporary file (marshal or pickle)."""

    def __init__(self, codec: Any = marshal) -> None:
        self._codec, self._held, self._file = codec, [], None

    def add(self, item: Any) -> None:
        """Keep one item."""
        self._held.append(item)
        if len(self._held) >= HELD:
            self.spill()

    def spill(self) -> None:
        """Write the items held to the file (none are left in memory)."""
        if not self._held:
            return
        if self._file is None:
            self._file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
        self._codec.dump(self._held, self._file)
        self._held = []

    def __iter__(self) -> Iterator[Any]:
        """The items in the order added (the file's batches, then those held)."""
        if self._file is not None:
            self._file.seek(0)
            while True:
                try:
                    batch = self._codec.load(self._file)  # our own temporary file
                except EOFError:
                    break
                yield from batch
        yield from self._held

    def clear(self, codec: Any) -> None:
        """Forget the items; the next ones are stored with this codec (the file is kept, empty, for them)."""
        self._codec, self._held = codec, []
        if self._file is not None:
            self._file.seek(0)
            self._file.truncate()

    def close(self) -> None:
        """Delete the temporary file."""
        if self._file is not None:
            self._file.close()
            self._file = None


def count_common(known: Iterable[Hashable], wanted: Callable[[], Iterable[Hashable]]) -> int:
    """How many items of `wanted` (distinct; given by each call) are among `known`, compared by their full value.

    Both streams go to PARTS runs by hash; each partition's known items become a set, the wanted ones of the same
    partition are looked up in it. Memory holds one partition, exact whatever the hashes: a hash only picks the
    partition, equality decides.
    """
    parts = [Run() for _ in range(PARTS)]
    seen = False
    for item in known:
        parts[hash(item) % PARTS].add(item)
        seen = True
    if not seen:
        return 0
    asked = [Run() for _ in range(PARTS)]
    try:
        for item in wanted():
            asked[hash(item) % PARTS].add(item)
        common = 0
        for part, questions in zip(parts, asked, strict=True):
            here = set(part)
            common += sum(1 for item in questions if item in here)
            part.clear(marshal)
            questions.clear(marshal)
        return common
    finally:
        for run in (*parts, *asked):
            run.close()
