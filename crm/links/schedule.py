"""When to check a backlink next: often right after placement, then weekly, then monthly once stable."""

from __future__ import annotations

from datetime import datetime, timedelta

# New links are checked at these ages after placement: publishers edit posts in the first days.
EARLY_CHECKS = (timedelta(days=1), timedelta(days=3), timedelta(days=7))
WEEKLY = timedelta(days=7)
MONTHLY = timedelta(days=30)
# A link whose status has not changed for this long is checked monthly instead of weekly.
STABLE_AFTER = timedelta(days=60)
# An unverified check (timeout, bot wall, 5xx) is retried after 1 h, 2 h, 4 h ... up to a day.
RETRY_FIRST = timedelta(hours=1)
RETRY_MAX = timedelta(days=1)
CONFIRM_AFTER = timedelta(hours=1)


def retry_delay(failures: int) -> timedelta:
    """Back-off after `failures` unverified checks in a row (1 -> 1 h, 2 -> 2 h, ... capped at a day)."""
    if failures < 1:
        return RETRY_FIRST
    return min(RETRY_FIRST * (2 ** min(failures - 1, 16)), RETRY_MAX)


def next_check_at(
    now: datetime,
    *,
    placed_at: datetime,
    status_since: datetime | None,
    pending: bool = False,
    unverified_streak: int = 0,
    confirm_after: timedelta = CONFIRM_AFTER,
) -> datetime:
    """The time of the next check of one backlink, given what the last check found."""
    if pending:
        # A suspected change is confirmed (or dismissed) by a second check soon after the first.
        if unverified_streak:
            return now + min(confirm_after, retry_delay(unverified_streak))
        return now + confirm_after
    if unverified_streak:
        return now + retry_delay(unverified_streak)
    age = now - placed_at
    for milestone in EARLY_CHECKS:
        # A minute of slack so a check made at a milestone does not schedule the same milestone again.
        if age + timedelta(minutes=1) < milestone:
            return placed_at + milestone
    stable_for = now - (status_since or placed_at)
    return now + (MONTHLY if stable_for >= STABLE_AFTER else WEEKLY)
