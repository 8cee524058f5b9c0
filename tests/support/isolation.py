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


def factory_row(factory, key: str, *endpoints: str, url: dict | None = None, **values) -> RowMaker:
    """Register endpoints whose foreign row one factory makes: the row's id goes in as ``key``."""

    def make(workspace_id: int) -> tuple[dict, object]:
        row = factory(workspace_id=workspace_id, **values)
        return {key: row.id, **(url or {})}, row

    return covers(*endpoints)(make)


def owner_id(workspace_id: int) -> int:
    """The id of a new owner of the given workspace, for rows that name who made them."""
    from tests.accounts.factories import MembershipFactory

    return MembershipFactory(workspace_id=workspace_id, role="owner").user_id
