"""The registry behind the workspace-isolation matrix: how to make another workspace's row for each id route.

Each feature's tests add theirs in tests/<feature>/isolation_rows.py with @covers("endpoint", ...).
"""

from __future__ import annotations

from collections.abc import Callable

RowMaker = Callable[[int], tuple[dict, object]]
FOREIGN_ROWS: dict[str, RowMaker] = {}


def covers(*endpoints: str):
    """Register a function that makes a row in the given workspace and returns (url kwargs, row)."""

    def decorator(fn: RowMaker) -> RowMaker:
        for endpoint in endpoints:
            FOREIGN_ROWS[endpoint] = fn
        return fn

    return decorator
