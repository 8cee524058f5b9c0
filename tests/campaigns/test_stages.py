"""Stage rules: what each event may do to a card, so a person's decision always wins."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crm.campaigns import stages
from crm.campaigns.models import STAGES

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("current", "event", "expected"),
    [
        # A sent message pitches a prospect, and never pulls a card back.
        ("prospect", "sent", "pitched"),
        ("pitched", "sent", None),
        ("replied", "sent", None),
        ("negotiating", "sent", None),
        ("won", "sent", None),
        ("live", "sent", None),
        ("declined", "sent", None),
        ("no_response", "sent", None),
        ("lost", "sent", None),
        # A human reply moves forward to replied, and proves "no response" wrong.
        ("prospect", "reply", "replied"),
        ("pitched", "reply", "replied"),
        ("replied", "reply", None),
        ("negotiating", "reply", None),
        ("won", "reply", None),
        ("no_response", "reply", "replied"),
        ("declined", "reply", None),
        ("lost", "reply", None),
        # A verified live link is the end of the funnel, from any open stage.
        ("prospect", "live", "live"),
        ("negotiating", "live", "live"),
        ("won", "live", "live"),
        ("live", "live", None),
        ("no_response", "live", "live"),
        ("declined", "live", None),
        ("lost", "live", None),  # a person closed it: stays closed
        # A lost link closes only a card whose link existed.
        ("won", "lost", "lost"),
        ("live", "lost", "lost"),
        ("negotiating", "lost", None),
        ("prospect", "lost", None),
        ("declined", "lost", None),
        ("lost", "lost", None),
    ],
)
def test_automatic_moves(current, event, expected):
    assert stages.automatic_move(current, event) == expected


def test_a_live_link_reopens_a_card_only_the_verifier_closed_as_lost():
    assert stages.automatic_move("lost", "live", lost_by_event=True) == "live"
    assert stages.automatic_move("lost", "live", lost_by_event=False) is None


def test_no_event_ever_moves_an_open_card_backwards():
    for current in stages.RANK:
        for event in stages.EVENT_TARGETS:
            moved = stages.automatic_move(current, event)
            if moved is not None and moved in stages.RANK:
                assert stages.RANK[moved] > stages.RANK[current], (current, event)


def test_won_date_is_kept_while_won_and_cleared_when_moved_back():
    earlier = datetime(2026, 1, 5, tzinfo=UTC)
    assert stages.won_at_after("won", None, NOW) == NOW
    assert stages.won_at_after("live", earlier, NOW) == earlier
    assert stages.won_at_after("negotiating", earlier, NOW) is None
    assert stages.won_at_after("lost", earlier, NOW) == earlier  # a lost link was still won (and paid for)
    assert stages.won_at_after("declined", None, NOW) is None


def test_funnel_counts_every_step_a_card_has_passed():
    by_stage = {"prospect": 4, "pitched": 3, "replied": 2, "negotiating": 1, "won": 2, "live": 1,
                "declined": 1, "no_response": 2, "lost": 2}
    funnel = stages.funnel_counts(by_stage, won_but_lost=1)
    assert funnel == {
        "prospects": 18,
        "pitched": 14,  # all but the 4 prospects
        "replied": 9,  # replied 2 + negotiating 1 + won 2 + live 1 + declined 1 + lost 2
        "won": 4,  # won 2 + live 1 + one lost link that had been won
        "live_stage": 1,
    }


def test_labels_and_checks():
    assert [stages.label(s) for s in STAGES][:3] == ["Prospect", "Pitched", "Replied"]
    assert stages.label("no_response") == "No response"
    assert stages.check_stage("won") == "won"
    with pytest.raises(ValueError, match="Unknown stage"):
        stages.check_stage("maybe")
