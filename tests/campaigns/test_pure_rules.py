"""Guards, roles, money and target pages: the pure rules behind the campaign pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crm.campaigns import guards, money, targets
from crm.campaigns.guards import SiteFacts

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def reason(**facts):
    return guards.skip_reason(SiteFacts(site_id=1, domain="a.example", **facts), now=NOW, recontact_days=90)


def test_guard_reasons():
    assert reason() is None
    assert reason(in_this_campaign=True) == "already in this campaign"
    assert reason(status="blocked") == "site is blocked"
    assert reason(status="do_not_contact") == "site is marked do-not-contact"
    assert reason(other_active_campaigns=("Spring", "Autumn")) == "already in another active campaign (Autumn, Spring)"
    assert reason(last_contacted_at=NOW - timedelta(days=12)) == (
        "contacted 12 days ago (the workspace waits 90 days before contacting a site again)"
    )
    assert reason(last_contacted_at=NOW - timedelta(hours=3)).startswith("contacted today")
    assert reason(last_contacted_at=NOW - timedelta(days=90)) is None  # the window has passed


def test_the_first_reason_wins():
    assert reason(in_this_campaign=True, status="blocked") == "already in this campaign"
    assert reason(status="blocked", last_contacted_at=NOW) == "site is blocked"


def test_a_zero_day_window_turns_the_recontact_guard_off():
    facts = SiteFacts(site_id=1, domain="a.example", last_contacted_at=NOW - timedelta(days=1))
    assert guards.skip_reason(facts, now=NOW, recontact_days=0) is None


def test_screen_keeps_order_and_splits():
    candidates = [SiteFacts(1, "a.example"), SiteFacts(2, "b.example", status="blocked"), SiteFacts(3, "c.example")]
    allowed, skipped = guards.screen(candidates, now=NOW, recontact_days=90)
    assert [f.site_id for f in allowed] == [1, 3]
    assert skipped == [guards.Skip(2, "b.example", "site is blocked")]


def test_best_contact_prefers_a_usable_named_person():
    contacts = [
        (1, True, "ok", "Info"),  # role address
        (2, False, "bounced", "Ana"),  # bounced
        (3, False, "ok", ""),  # a person without a name
        (4, False, "ok", "Ben"),
    ]
    assert guards.best_contact(contacts) == 4
    assert guards.best_contact(contacts[:3]) == 3
    assert guards.best_contact(contacts[:2]) == 1
    assert guards.best_contact([(2, False, "unsubscribed", "Ana")]) is None


@pytest.mark.parametrize(
    ("role", "owner", "expected"),
    [("viewer", None, False), ("viewer", 7, False), ("member", None, True), ("member", 7, True),
     ("member", 8, False), ("admin", 8, True), ("owner", 8, True), (None, None, False)],
)
def test_who_may_work_a_row(role, owner, expected):
    assert guards.may_work(role, 7, owner) is expected


def test_members_take_or_unassign_but_only_admins_hand_work_to_others():
    assert guards.may_assign("member", 7, 7) and guards.may_assign("member", 7, None)
    assert not guards.may_assign("member", 7, 8)
    assert guards.may_assign("admin", 7, 8)
    assert guards.refused_ids("member", 7, {1: 7, 2: None, 3: 8, 4: 9}) == [3, 4]


@pytest.mark.parametrize(
    ("text", "cents"),
    [("1250", 125000), ("1,250.50", 125050), (" $99.9 ", 9990), ("0", 0), ("", None), ("€12", 1200)],
)
def test_amounts_are_read_as_cents(text, cents):
    assert money.parse_amount(text) == cents


@pytest.mark.parametrize("text", ["ten", "-5", "1.005", "1e40", "NaN"])
def test_bad_amounts_say_why(text):
    with pytest.raises(ValueError):
        money.parse_amount(text)


def test_money_is_shown_with_its_currency():
    assert money.format_money(125050, "USD") == "$1,250.50"
    assert money.format_money(99, "EUR") == "€0.99"
    assert money.format_money(100000, "CHF") == "1,000.00 CHF"
    assert money.format_money(None, "USD") == "—"
    assert money.cents_to_text(125005) == "1250.05"
    assert money.check_currency("gbp") == "GBP"
    with pytest.raises(ValueError):
        money.check_currency("pounds")


def test_target_pages_are_read_line_by_line():
    text = "https://shop.example/boots | hiking boots, best boots, hiking boots\n\nhttps://shop.example/guide\n"
    parsed = targets.parse_targets(text)
    assert parsed == [
        targets.Target("https://shop.example/boots", ("hiking boots", "best boots")),
        targets.Target("https://shop.example/guide", ()),
    ]
    assert targets.format_targets([(t.url, list(t.anchors)) for t in parsed]) == (
        "https://shop.example/boots | hiking boots, best boots\nhttps://shop.example/guide"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [("shop.example/boots", "Line 1"), ("https://a.example/x\nftp://a.example/y", "Line 2"),
     ("https://a.example/x\nhttps://a.example/x", "listed twice")],
)
def test_bad_target_lines_are_named(text, message):
    with pytest.raises(ValueError, match=message):
        targets.parse_targets(text)
