"""Backlinks a prospect import brings: which of its links are tracked already, and tracking the new ones in bulk.

Called by the import with plain values (URL pairs, row dicts), inside the import's one transaction: nothing here
commits, so a failed import leaves no backlink behind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from sqlalchemy import func, select, tuple_

from crm import bulkwrite, spill
from crm.extensions import db
from crm.links.models import Backlink

CHUNK = 500  # pairs per IN (...) list
READ_BATCH = 10_000  # tracked links read at a time
Pair = tuple[str, str]  # (source URL, target URL)


def count_tracked(workspace_id: int, batches: Callable[[], Iterable[list[Pair]]], count: int) -> int:
    """How many of `count` distinct (source, target) pairs (given again by each call of `batches`) are tracked already.

    Exact: pairs are compared by their full URLs. When the workspace tracks few links beside the file's, they are
    read once, READ_BATCH at a time, and compared on disk partition by partition (crm.spill); when it tracks
    many more, the file's pairs are looked up instead.
    """
    if not count:
        return 0
    tracked = db.session.scalar(select(func.count()).where(Backlink.workspace_id == workspace_id))
    if not tracked:
        return 0
    connection = db.session.connection()
    if tracked <= 2 * count:  # reading them all is cheaper than many lookups
        query = select(Backlink.source_url, Backlink.target_url).where(Backlink.workspace_id == workspace_id)
        rows = connection.execution_options(yield_per=READ_BATCH).execute(query)
        return spill.count_common((tuple(row) for row in rows), lambda: (p for batch in batches() for p in batch))
    found = 0
    for batch in batches():
        for start in range(0, len(batch), CHUNK):
            query = select(func.count()).where(
                Backlink.workspace_id == workspace_id,
                tuple_(Backlink.source_url, Backlink.target_url).in_(batch[start : start + CHUNK]))
            found += connection.execute(query).scalar_one()
    return found


def track(workspace_id: int, batches: Iterable[list[dict]], now: datetime, count: Callable[[int], None], *,
          none_tracked: bool = False) -> int:
    """Track links as unchecked natural backlinks, leaving alone those tracked already; returns how many were added.

    Each row holds source_url, source_domain, target_url, expected_anchor and site_id; the pairs are distinct.
    With none_tracked (the caller found none of the pairs tracked) the rows go straight in, without the merge
    that skips tracked ones; a pair tracked meanwhile by someone else then fails the whole import. Not committed.
    """
    constants = {"workspace_id": workspace_id, "expected_rel": "", "acquisition": "natural", "currency": "USD",
                 "status": "unchecked", "next_check_at": now, "check_count": 0, "score_explanation": "", "etag": "",
                 "last_modified": "", "created_at": now, "updated_at": now}
    if none_tracked:
        written = [0]

        def counted(rows: int) -> None:
            """Count the rows inserted as well as report them."""
            written[0] += rows
            count(rows)

        bulkwrite.insert_rows(Backlink.__table__, (row for batch in batches for row in batch), counted, constants)
        return written[0]
    return bulkwrite.insert_new(Backlink.__table__, batches, ("workspace_id", "source_url", "target_url"), count,
                                constants)
