"""Business days, sending windows, daily caps and which step a contact gets next."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm.outreach.scheduling import (
    PAUSED,
    SEND,
    STOPPED,
    ContactState,
    SendingWindow,
    Step,
    add_business_days,
    count_by_day,
    day_bounds,
    next_day_send_time,
    next_send_time,
    plan_next,
    remaining_today,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")
OFFICE_HOURS = SendingWindow(start=time(9), end=time(17))
SEQUENCE = [Step(0), Step(3), Step(5)]


def berlin(*args):
    return datetime(*args, tzinfo=BERLIN).astimezone(UTC)


def test_friday_plus_one_business_day_is_monday_same_local_time():
    assert add_business_days(berlin(2026, 11, 20, 10, 0), 1, BERLIN) == berlin(2026, 11, 23, 10, 0)


def test_weekend_start_counts_from_monday():
    assert add_business_days(berlin(2026, 11, 21, 12, 0), 1, BERLIN) == berlin(2026, 11, 23, 12, 0)
    assert add_business_days(berlin(2026, 11, 18, 12, 0), 5, BERLIN) == berlin(2026, 11, 25, 12, 0)


def test_holidays_are_skipped():
    christmas = {date(2026, 12, 24), date(2026, 12, 25)}
    assert add_business_days(berlin(2026, 12, 23, 9, 0), 1, BERLIN, christmas) == berlin(2026, 12, 28, 9, 0)


def test_business_days_keep_local_time_across_a_dst_change():
    result = add_business_days(berlin(2026, 3, 27, 10, 0), 1, BERLIN)
    assert result.astimezone(BERLIN).hour == 10
    assert result == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        add_business_days(datetime(2026, 1, 1), 1, BERLIN)
    with pytest.raises(ValueError):
        next_send_time(datetime(2026, 1, 1), OFFICE_HOURS, BERLIN)


def test_inside_the_window_sends_at_once():
    due = berlin(2026, 11, 24, 11, 15)
    assert next_send_time(due, OFFICE_HOURS, BERLIN) == due


def test_before_opening_waits_for_nine_and_after_friday_close_waits_for_monday():
    assert next_send_time(berlin(2026, 11, 24, 6, 0), OFFICE_HOURS, BERLIN) == berlin(2026, 11, 24, 9, 0)
    assert next_send_time(berlin(2026, 11, 27, 17, 0), OFFICE_HOURS, BERLIN) == berlin(2026, 11, 30, 9, 0)


def test_window_in_the_recipients_zone():
    window = SendingWindow(days=frozenset({0, 1, 2, 3, 4}), start=time(9), end=time(12), use_recipient_zone=True)
    zone = window.zone(BERLIN, NEW_YORK)
    assert zone is NEW_YORK
    sent = next_send_time(berlin(2026, 11, 24, 10, 0), window, zone)
    assert sent.astimezone(NEW_YORK) == datetime(2026, 11, 24, 9, 0, tzinfo=NEW_YORK)
    assert SendingWindow().zone(BERLIN, NEW_YORK) is BERLIN


def test_invalid_windows_are_refused():
    with pytest.raises(ValueError):
        SendingWindow(days=frozenset())
    with pytest.raises(ValueError):
        SendingWindow(start=time(17), end=time(9))
    with pytest.raises(ValueError):
        SendingWindow(days=frozenset({7}))


def test_daily_cap_counts_the_senders_local_day():
    sent = [datetime(2026, 11, 24, 14, 0, tzinfo=UTC), datetime(2026, 11, 24, 16, 0, tzinfo=UTC)]
    counts = count_by_day(sent, TOKYO)  # 23:00 and 01:00 in Tokyo: two different days
    now = datetime(2026, 11, 24, 16, 30, tzinfo=UTC)
    assert remaining_today(counts, 2, now, TOKYO) == 1
    assert remaining_today(count_by_day(sent, BERLIN), 2, now, BERLIN) == 0
    assert remaining_today({}, 0, now, BERLIN) == 0


def test_day_bounds_follow_the_local_day_even_on_a_short_day():
    start, end = day_bounds(berlin(2026, 3, 29, 12, 0), BERLIN)
    assert start == berlin(2026, 3, 29, 0, 0)
    assert end - start == timedelta(hours=23)


def test_when_the_cap_is_used_up_the_next_slot_is_tomorrow_morning():
    assert next_day_send_time(berlin(2026, 11, 24, 10, 0), OFFICE_HOURS, BERLIN) == berlin(2026, 11, 25, 9, 0)
    assert next_day_send_time(berlin(2026, 11, 27, 10, 0), OFFICE_HOURS, BERLIN) == berlin(2026, 11, 30, 9, 0)


ENROLLED = berlin(2026, 11, 23, 10, 0)  # a Monday


def plan(state, now):
    return plan_next(SEQUENCE, state, now, OFFICE_HOURS, BERLIN)


def test_first_step_goes_out_at_once_inside_the_window():
    result = plan(ContactState(enrolled_at=ENROLLED), ENROLLED)
    assert (result.action, result.step, result.at) == (SEND, 0, ENROLLED)
    assert result.is_due(ENROLLED)


def test_follow_up_waits_its_business_days():
    state = ContactState(enrolled_at=ENROLLED, sent_at=(berlin(2026, 11, 26, 16, 0),))  # Thursday
    result = plan(state, berlin(2026, 11, 26, 16, 1))
    assert (result.action, result.step) == (SEND, 1)
    assert result.at == berlin(2026, 12, 1, 16, 0)  # Thu + 3 business days = Tue
    assert not result.is_due(berlin(2026, 11, 30, 12, 0))


def test_overdue_step_goes_at_the_next_window_slot_not_in_the_past():
    state = ContactState(enrolled_at=ENROLLED, sent_at=(ENROLLED,))
    now = berlin(2026, 12, 10, 20, 0)
    result = plan(state, now)
    assert result.step == 1 and result.at == berlin(2026, 12, 11, 9, 0)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"replied_at": ENROLLED}, "replied"),
        ({"bounced_at": ENROLLED}, "bounced"),
        ({"unsubscribed_at": ENROLLED}, "unsubscribed"),
        ({"suppressed": True}, "suppressed"),
        ({"sent_at": (ENROLLED, ENROLLED, ENROLLED)}, "finished"),
        ({"replied_at": ENROLLED, "unsubscribed_at": ENROLLED}, "unsubscribed"),
    ],
)
def test_sequence_stops_and_says_why(change, reason):
    result = plan(ContactState(enrolled_at=ENROLLED, **change), ENROLLED)
    assert (result.action, result.reason, result.at) == (STOPPED, reason, None)


def test_out_of_office_pauses_until_the_business_day_after_return():
    state = ContactState(enrolled_at=ENROLLED, sent_at=(ENROLLED,), out_of_office_until=date(2026, 12, 4))  # Friday
    result = plan(state, berlin(2026, 11, 24, 12, 0))
    assert (result.action, result.step) == (PAUSED, 1)
    assert result.at == berlin(2026, 12, 7, 9, 0)
    assert "2026-12-04" in result.reason


def test_out_of_office_in_the_past_no_longer_pauses():
    state = ContactState(enrolled_at=ENROLLED, sent_at=(ENROLLED,), out_of_office_until=date(2026, 11, 20))
    assert plan(state, berlin(2026, 11, 24, 12, 0)).action == SEND


ZONES = [ZoneInfo(name) for name in ("UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe")]
FIXED_ZONES = [ZoneInfo("UTC"), ZoneInfo("Asia/Kolkata"), ZoneInfo("Asia/Tokyo")]
instants = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC))


@st.composite
def windows(draw):
    days = draw(st.frozensets(st.integers(0, 6), min_size=1))
    start = draw(st.times(max_value=time(22, 59)))
    minutes = draw(st.integers(1, 24 * 60 - (start.hour * 60 + start.minute) - 1))
    end_minutes = start.hour * 60 + start.minute + minutes
    return SendingWindow(days=days, start=start.replace(second=0, microsecond=0), end=time(*divmod(end_minutes, 60)))


@given(due=instants, window=windows(), tz=st.sampled_from(ZONES))
def test_next_send_time_is_inside_the_window_and_never_early(due, window, tz):
    sent = next_send_time(due, window, tz)
    assert sent >= due
    assert sent.tzinfo is UTC
    assert window.contains(sent, tz)
    if window.contains(due, tz):
        assert sent == due


@given(due=instants, window=windows(), tz=st.sampled_from(FIXED_ZONES))
def test_next_send_time_is_the_earliest_slot(due, window, tz):
    sent = next_send_time(due, window, tz)
    one_minute_before = sent - timedelta(minutes=1)
    if one_minute_before >= due:
        assert not window.contains(one_minute_before, tz)


@given(start=instants, days=st.integers(1, 60), tz=st.sampled_from(ZONES))
def test_business_days_never_land_on_a_weekend_and_count_exactly(start, days, tz):
    result = add_business_days(start, days, tz)
    local_start, local_result = start.astimezone(tz).date(), result.astimezone(tz).date()
    assert local_result.weekday() < 5
    between = [local_start + timedelta(days=n) for n in range(1, (local_result - local_start).days + 1)]
    assert sum(d.weekday() < 5 for d in between) == days


@settings(max_examples=200)
@given(
    enrolled=instants,
    sent_count=st.integers(0, 3),
    gaps=st.lists(st.integers(0, 20), min_size=3, max_size=3),
    wait=st.integers(0, 60 * 24 * 30),
    replied=st.booleans(),
    tz=st.sampled_from(ZONES),
)
def test_plan_never_repeats_a_step_and_never_schedules_in_the_past(enrolled, sent_count, gaps, wait, replied, tz):
    sent = tuple(enrolled + timedelta(days=sum(gaps[: i + 1])) for i in range(sent_count))
    now = (sent[-1] if sent else enrolled) + timedelta(minutes=wait)
    state = ContactState(enrolled_at=enrolled, sent_at=sent, replied_at=now if replied else None)
    result = plan_next(SEQUENCE, state, now, OFFICE_HOURS, tz)
    if replied:
        assert (result.action, result.reason) == (STOPPED, "replied")
    elif sent_count == len(SEQUENCE):
        assert (result.action, result.reason) == (STOPPED, "finished")
    else:
        assert result.step == sent_count
        assert result.at >= now and OFFICE_HOURS.contains(result.at, tz)
