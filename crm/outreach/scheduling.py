"""When to send: business days, sending windows, daily caps and the next step of a contact's sequence.

Every function takes and returns UTC-aware datetimes; local calendars (weekends, window hours, the
day a cap resets) are worked out in the time zone passed in, usually the sender identity's and
optionally the recipient's.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

MONDAY_TO_FRIDAY = frozenset(range(5))
_SEARCH_DAYS = 15  # two weeks always holds a window day, even one a DST jump swallowed

SEND = "send"
PAUSED = "paused"
STOPPED = "stopped"


def _require_aware(moment: datetime, name: str = "datetime") -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")


def is_business_day(day: date, holidays: Collection[date] = ()) -> bool:
    """Monday to Friday and not one of the given holidays."""
    return day.weekday() in MONDAY_TO_FRIDAY and day not in holidays


def add_business_days(start: datetime, days: int, tz: tzinfo, holidays: Collection[date] = ()) -> datetime:
    """Move forward N business days on the local calendar, keeping the local time of day."""
    _require_aware(start, "start")
    if days < 0:
        raise ValueError("days must not be negative")
    local = start.astimezone(tz)
    day = local.date()
    added = 0
    while added < days:
        day += timedelta(days=1)
        if is_business_day(day, holidays):
            added += 1
    if days == 0:
        return start.astimezone(UTC)
    return datetime.combine(day, local.time(), tzinfo=tz).astimezone(UTC)


@dataclass(frozen=True)
class SendingWindow:
    """Days of the week (Monday is 0) and local hours [start, end) in which mail may go out."""

    days: frozenset[int] = MONDAY_TO_FRIDAY
    start: time = time(9)
    end: time = time(17)
    use_recipient_zone: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "days", frozenset(self.days))
        if not self.days or not self.days <= frozenset(range(7)):
            raise ValueError("a sending window needs at least one day, numbered 0 (Monday) to 6 (Sunday)")
        if self.start.tzinfo or self.end.tzinfo:
            raise ValueError("window hours are local times without a zone")
        if not self.start < self.end:
            raise ValueError("a sending window must start before it ends")

    def zone(self, sender_tz: tzinfo, recipient_tz: tzinfo | None = None) -> tzinfo:
        """The zone the window is read in: the recipient's when asked for and known, else the sender's."""
        return recipient_tz if self.use_recipient_zone and recipient_tz is not None else sender_tz

    def contains(self, moment: datetime, tz: tzinfo) -> bool:
        """Whether this instant falls inside the window on the local clock."""
        local = moment.astimezone(tz)
        return local.weekday() in self.days and self.start <= local.time() < self.end


def next_send_time(due: datetime, window: SendingWindow, tz: tzinfo) -> datetime:
    """The earliest instant at or after `due` inside the sending window (UTC-aware in and out)."""
    _require_aware(due, "due")
    due = due.astimezone(UTC)
    first_day = due.astimezone(tz).date()
    for offset in range(_SEARCH_DAYS):
        day = first_day + timedelta(days=offset)
        if day.weekday() not in window.days:
            continue
        opens = datetime.combine(day, window.start, tzinfo=tz).astimezone(UTC)
        closes = datetime.combine(day, window.end, tzinfo=tz).astimezone(UTC)
        candidate = max(due, opens)
        # the round trip through the clock catches a window a DST jump pushed past its own end
        if candidate < closes and window.contains(candidate, tz):
            return candidate
    raise ValueError("the sending window never opens")


def day_bounds(now: datetime, tz: tzinfo) -> tuple[datetime, datetime]:
    """Start and end (UTC) of the local day holding `now`, for counting today's sends in a query."""
    _require_aware(now, "now")
    today = now.astimezone(tz).date()
    start = datetime.combine(today, time(0), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(today + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    return start, end


def count_by_day(sent_times: Iterable[datetime], tz: tzinfo) -> dict[date, int]:
    """How many messages went out on each local day."""
    return dict(Counter(moment.astimezone(tz).date() for moment in sent_times))


def remaining_today(sent_counts: Mapping[date, int], cap: int, now: datetime, tz: tzinfo) -> int:
    """How many more messages the daily cap allows on the local day holding `now`."""
    _require_aware(now, "now")
    if cap < 0:
        raise ValueError("a daily cap cannot be negative")
    return max(0, cap - sent_counts.get(now.astimezone(tz).date(), 0))


def next_day_send_time(now: datetime, window: SendingWindow, tz: tzinfo) -> datetime:
    """When a sender whose cap is used up today may send again: the first window slot from tomorrow."""
    return next_send_time(day_bounds(now, tz)[1], window, tz)


@dataclass(frozen=True)
class Step:
    """One step of a sequence: wait this many business days after the previous message (or enrolment)."""

    delay_days: int

    def __post_init__(self) -> None:
        if self.delay_days < 0:
            raise ValueError("a step's delay cannot be negative")


@dataclass(frozen=True)
class ContactState:
    """What has happened to one contact in one sequence so far."""

    enrolled_at: datetime
    sent_at: tuple[datetime, ...] = ()  # when each step went out, in step order
    replied_at: datetime | None = None  # a human reply, from this contact or anyone at the site
    bounced_at: datetime | None = None
    unsubscribed_at: datetime | None = None
    suppressed: bool = False  # address or domain on a suppression list
    out_of_office_until: date | None = None  # return date from an auto-reply, on the window's calendar


@dataclass(frozen=True)
class Plan:
    """The decision for one contact: send step N at a time, paused until a time, or stopped and why."""

    action: str
    step: int | None = None
    at: datetime | None = None
    reason: str = ""

    def is_due(self, now: datetime) -> bool:
        """Whether the step should go out now."""
        return self.action == SEND and self.at is not None and self.at <= now


def _stop_reason(state: ContactState, steps: Sequence[Step]) -> str | None:
    # the order matters only for what a user reads: the most lasting reason wins
    if state.unsubscribed_at is not None:
        return "unsubscribed"
    if state.suppressed:
        return "suppressed"
    if state.bounced_at is not None:
        return "bounced"
    if state.replied_at is not None:
        return "replied"
    if len(state.sent_at) >= len(steps):
        return "finished"
    return None


def plan_next(
    steps: Sequence[Step],
    state: ContactState,
    now: datetime,
    window: SendingWindow,
    tz: tzinfo,
    holidays: Collection[date] = (),
) -> Plan:
    """Say which step to send next and when, why the sequence is paused, or why it stopped."""
    _require_aware(now, "now")
    reason = _stop_reason(state, steps)
    if reason is not None:
        return Plan(STOPPED, reason=reason)
    index = len(state.sent_at)  # only the first unsent step is ever offered, so nothing goes twice
    previous = state.sent_at[-1] if state.sent_at else state.enrolled_at
    due = add_business_days(previous, steps[index].delay_days, tz, holidays)
    at = next_send_time(max(due, now), window, tz)
    if state.out_of_office_until is not None:
        # one business day after they are back, so the message isn't buried in their returning inbox
        back = datetime.combine(state.out_of_office_until, time(0), tzinfo=tz)
        resume = add_business_days(back, 1, tz, holidays)
        if resume > at:
            return Plan(PAUSED, index, next_send_time(resume, window, tz), f"out of office until {back.date()}")
    return Plan(SEND, index, at, "due" if at <= now else "waiting for its delay and the sending window")
