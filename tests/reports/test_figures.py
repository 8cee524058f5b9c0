"""The pure report figures: funnel levels, rates, money per unit, quality bands, month history, risks."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from crm.campaigns.reporting import figures
from crm.reports.filters import money, number, percent


def test_funnel_rates_from_counts():
    steps = figures.funnel_from_counts({"prospects": 10, "pitched": 4, "replied": 1, "won": 1, "live": 2})
    assert [(s.key, s.count) for s in steps] == [("prospects", 10), ("pitched", 4), ("replied", 1), ("won", 1),
                                                 ("live", 2)]
    assert steps[0].rate == 1.0 and steps[1].rate == 0.4 and steps[2].rate == 0.25 and steps[4].rate == 2.0
    assert steps[4].share == 0.2


def test_empty_funnel_has_no_rates():
    steps = figures.funnel_from_counts({})
    assert all(s.count == 0 and s.rate is None and s.share is None for s in steps)


def test_rates_and_costs_do_not_divide_by_zero():
    assert figures.rate(1, 4) == 0.25 and figures.rate(3, 0) is None
    assert figures.cost_per(76500, 148) == 76500 / 148 and figures.cost_per(500, 0) is None
    assert figures.Spend(100, 20, other_currency_items=3).total_cents == 120


def test_average_ignores_unknown_values():
    assert figures.average([10, None, 20]) == 15 and figures.average([None]) is None


def test_quality_bands_include_both_ends():
    buckets, unscored = figures.quality_distribution([0, 19, 20, 59, 60, 79, 80, 100, None])
    assert [b.count for b in buckets] == [2, 1, 1, 2, 2] and unscored == 1


def test_months_between_caps_the_span_and_crosses_years():
    assert figures.months_between(date(2023, 11, 20), date(2024, 2, 3)) == [
        date(2023, 11, 1), date(2023, 12, 1), date(2024, 1, 1), date(2024, 2, 1)]
    capped = figures.months_between(date(2020, 1, 1), date(2024, 12, 1), limit=12)
    assert capped[0] == date(2024, 1, 1) and len(capped) == 12
    assert figures.add_months(date(2024, 1, 1), -1) == date(2023, 12, 1)


def test_timeline_counts_went_live_lost_and_live_at_month_end():
    def at(month, day=15):
        return datetime(2024, month, day, tzinfo=UTC)

    months = figures.months_between(date(2024, 2, 1), date(2024, 4, 1))
    points = figures.timeline([(at(1), None), (at(2), at(3)), (at(3, 1), at(3, 30)), (None, None), (at(4), None)],
                              months)
    # Jan's link predates the range: live at every month end, never counted as going live here.
    assert [(p.went_live, p.lost, p.live_at_end) for p in points] == [(1, 0, 2), (1, 2, 1), (1, 0, 2)]


@pytest.mark.parametrize(
    ("paid", "status", "rel", "risky"),
    [
        (True, "live", [], True),
        (True, "live", ["noopener"], True),
        (True, "live", ["sponsored"], False),
        (True, "live", ["NOFOLLOW"], False),
        (True, "live_nofollow", [], False),  # the page or the link is nofollow already
        (True, "not_indexable", [], True),
        (True, "missing", [], False),
        (False, "live", [], False),
    ],
)
def test_paid_links_that_pass_credit_are_a_risk(paid, status, rel, risky):
    assert figures.paid_follow_risk(paid, status, rel) is risky


def test_what_counts_as_paid():
    assert figures.is_paid("paid", None, None) and figures.is_paid("outreach", 500, None)
    assert figures.is_paid("outreach", None, 100) and not figures.is_paid("natural", 0, None)


def test_lost_and_harm_reasons():
    when = datetime(2024, 1, 1, tzinfo=UTC)
    assert figures.is_lost("missing", None) and figures.is_lost("unverified", when)
    assert not figures.is_lost("live", when) and not figures.is_lost("unverified", None)
    assert not figures.is_lost("not_indexable", when)  # the link is on the page, on a page that is noindexed
    assert figures.lost_reason("wrong_target") == "Link points somewhere else"
    assert figures.harm_reasons(["casino content"], 9, "live") == ["casino content", "very low score (9 < 15)"]
    assert figures.harm_reasons(["very low score (9 < 15)"], 9, "live") == ["very low score (9 < 15)"]
    assert figures.harm_reasons(None, 9, "missing") == [] and figures.harm_reasons([], 40, "live") == []
    assert figures.harm_reasons(None, 4, "not_indexable") == ["very low score (4 < 15)"]


def test_display_filters():
    assert money(76500, "USD") == "765.00 USD" and money(76500 / 148, "EUR") == "5.17 EUR" and money(None) == "—"
    assert percent(0.25) == "25%" and percent(1 / 3) == "33.3%" and percent(None) == "—"
    assert number(29.6) == "29.6" and number(30.0) == "30" and number(None) == "—"
