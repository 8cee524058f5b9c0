"""The monitoring rules as pure decisions: first results, improvements, confirmations, and what each change says."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crm.links.schedule import next_check_at, retry_delay
from crm.links.transitions import decide, describe, moved, state_key

SOURCE = "https://blog.example.org/post/"


def _decide(status, new_status, pending=None, final=SOURCE, new_final=SOURCE):
    return decide(status=status, final_url=final, pending=pending, source_url=SOURCE, new_status=new_status,
                  new_final_url=new_final)


@pytest.mark.parametrize("new", ["live", "live_nofollow", "missing", "page_error", "blocked", "wrong_target"])
def test_the_first_known_status_applies_at_once(new):
    for old in ("unchecked", "unverified"):
        decision = _decide(old, new)
        assert decision.action == "apply" and decision.status == new


@pytest.mark.parametrize("new", ["missing", "page_error", "live_nofollow", "not_indexable", "wrong_target", "blocked"])
def test_a_worse_status_waits_for_a_second_check(new):
    first = _decide("live", new)
    assert (first.action, first.status, first.pending, first.change) == ("pending", "live", new, None)
    second = _decide("live", new, pending=first.pending)
    assert second.action == "apply" and second.status == new and second.change.alert


def test_a_different_second_finding_restarts_the_wait():
    decision = _decide("live", "wrong_target", pending="missing")
    assert (decision.action, decision.pending) == ("pending", "wrong_target")


@pytest.mark.parametrize(("old", "new"), [("missing", "live"), ("live_nofollow", "live"), ("not_indexable", "live"),
                                          ("page_error", "live_nofollow"), ("missing", "not_indexable")])
def test_a_better_status_applies_at_once(old, new):
    decision = _decide(old, new)
    assert decision.action == "apply" and decision.status == new


def test_unreadable_checks_never_move_a_known_status_and_keep_what_is_pending():
    assert _decide("live", "unverified").action == "inconclusive"
    decision = _decide("live", "unverified", pending="missing")
    assert (decision.action, decision.status, decision.pending) == ("inconclusive", "live", "missing")
    assert _decide("unchecked", "unverified").status == "unverified"


def test_an_agreeing_check_dismisses_a_pending_change():
    decision = _decide("live", "live", pending="missing")
    assert decision.action == "same" and decision.pending is None and decision.change is None


@pytest.mark.parametrize(("old", "new", "kind", "signal"), [
    ("unchecked", "live", "live", "link_live"),
    ("missing", "live", "live", "link_live"),
    ("live", "missing", "removed", "link_lost"),
    ("live_nofollow", "page_error", "page_gone", "link_lost"),
    ("live", "live_nofollow", "nofollow_added", "link_changed"),
    ("live", "not_indexable", "noindex", "link_changed"),
    ("live", "wrong_target", "wrong_target", "link_changed"),
    ("live", "blocked", "blocked", "link_changed"),
    ("not_indexable", "live", "improved", "link_live"),
    ("live_nofollow", "live", "improved", "link_changed"),
    ("wrong_target", "missing", "removed", "link_lost"),
])
def test_each_change_has_its_alert_kind_and_signal(old, new, kind, signal):
    change = describe(old, new, page_moved=False)
    assert (change.kind, change.signal, change.old_status, change.new_status) == (kind, signal, old, new)
    assert change.alert is (old != "unchecked")


def test_a_first_result_that_is_not_live_says_nothing():
    assert describe("unchecked", "missing", page_moved=False) is None
    assert describe("unverified", "wrong_target", page_moved=False) is None


def test_a_page_that_moved_is_a_redirect_change_and_housekeeping_redirects_are_not():
    assert not moved(SOURCE, "https://www.blog.example.org/post")  # www and slash only
    assert not moved(SOURCE, "http://blog.example.org/post/")
    assert moved(SOURCE, "https://blog.example.org/2025/new-post/")
    new_final = "https://blog.example.org/2025/new-post/"
    assert state_key("live", SOURCE, new_final) == "live+moved" and len("not_indexable+moved") <= 20
    first = _decide("live", "live", new_final=new_final)
    assert first.action == "pending" and first.pending == "live+moved"
    second = _decide("live", "live", pending="live+moved", new_final=new_final)
    assert second.action == "apply" and second.change.kind == "redirect" and second.final_url == new_final
    assert describe("live", "missing", page_moved=True).kind == "redirect"
    back = _decide("live", "live", final=new_final)  # the redirect went away again: good news, at once
    assert back.action == "apply" and back.change.kind == "improved"


NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def test_new_links_are_checked_one_three_and_seven_days_after_placement_then_weekly_then_monthly():
    placed = NOW
    assert next_check_at(NOW, placed_at=placed, status_since=NOW) == placed + timedelta(days=1)
    day1 = placed + timedelta(days=1)
    assert next_check_at(day1, placed_at=placed, status_since=NOW) == placed + timedelta(days=3)
    day3 = placed + timedelta(days=3, minutes=5)
    assert next_check_at(day3, placed_at=placed, status_since=NOW) == placed + timedelta(days=7)
    day7 = placed + timedelta(days=7)
    assert next_check_at(day7, placed_at=placed, status_since=NOW) == day7 + timedelta(days=7)
    later = placed + timedelta(days=90)
    assert next_check_at(later, placed_at=placed, status_since=placed) == later + timedelta(days=30)
    assert next_check_at(later, placed_at=placed, status_since=later - timedelta(days=3)) == later + timedelta(days=7)


def test_unverified_checks_back_off_and_pending_ones_come_back_within_the_hour():
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [timedelta(hours=h) for h in (1, 2, 4, 8)]
    assert retry_delay(30) == timedelta(days=1)
    placed = NOW - timedelta(days=100)
    assert next_check_at(NOW, placed_at=placed, status_since=placed, unverified_streak=3) == NOW + timedelta(hours=4)
    assert next_check_at(NOW, placed_at=placed, status_since=placed, pending=True) == NOW + timedelta(hours=1)
    assert next_check_at(NOW, placed_at=placed, status_since=placed, pending=True,
                         unverified_streak=5) == NOW + timedelta(hours=1)
