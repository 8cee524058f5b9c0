"""Each score component on constructed links: boundaries, unknown inputs read as neutral, and order."""

import itertools
import math

import pytest

from crm.quality import LinkFacts
from crm.quality.components import (
    authority,
    follow,
    outbound,
    outbound_value,
    placement,
    popularity,
    popularity_value,
    relevance,
    trust,
)
from crm.quality.relevance import relevance_value


def test_authority_is_the_mean_of_known_metrics_on_a_0_to_1_scale(make_link):
    assert authority(make_link(metrics={"dr": 48})).value == pytest.approx(0.48)
    reading = authority(make_link(metrics={"dr": 60, "da": 40, "tf": 20, "as": 40}))
    assert reading.value == pytest.approx(0.40)
    assert reading.raw == {"dr": 60, "da": 40, "as": 40, "tf": 20}
    assert reading.note == "DR 60"


def test_authority_unknown_is_neutral_but_a_known_zero_is_zero(make_link):
    assert authority(make_link(metrics={})).value == 0.5
    assert authority(make_link(metrics={"dr": None, "da": "n/a", "tf": -3, "as": True})).value == 0.5
    assert authority(make_link(metrics={"traffic": 5000})).raw is None
    assert authority(make_link(metrics={"dr": 0})).value == 0.0


def test_authority_clamps_out_of_range_metrics_and_reads_numeric_strings(make_link):
    assert authority(make_link(metrics={"dr": 250})).value == 1.0
    assert authority(make_link(metrics={"DA": "35"})).value == pytest.approx(0.35)


def test_relevance_unknown_is_neutral_and_known_follows_the_curve(make_link):
    assert relevance(make_link(relevance=None)).value == 0.5
    assert relevance(make_link(relevance=0.0)).value == 0.0
    assert relevance(make_link(relevance=0.10)).value == pytest.approx(0.40)
    assert relevance(make_link(relevance=0.35)).value == 1.0
    assert relevance(make_link(relevance=0.9)).value == 1.0
    assert relevance(make_link(relevance=0.31)).note == "relevance 0.31"


def test_relevance_curve_never_falls_and_spreads_the_usual_range():
    values = [relevance_value(i / 1000) for i in range(1001)]
    assert all(a <= b for a, b in itertools.pairwise(values))
    assert relevance_value(0.02) < 0.1  # unrelated pages
    assert 0.6 < relevance_value(0.2) < 0.9  # clearly related pages


@pytest.mark.parametrize(
    ("rel", "page_nofollow", "status", "expected", "note"),
    [
        ((), False, "live", 1.0, "followed"),
        (("noopener", "noreferrer"), False, "live", 1.0, "followed"),
        (("nofollow",), False, "live", 0.2, "nofollow"),
        (("sponsored",), False, "live", 0.2, "sponsored"),
        (("ugc",), False, "live", 0.2, "ugc"),
        ("Sponsored NOFOLLOW", False, "live", 0.2, "sponsored + nofollow"),
        ((), True, "live", 0.2, "page-level nofollow"),
        ((), False, "live_nofollow", 0.2, "nofollow"),
    ],
)
def test_follow(make_link, rel, page_nofollow, status, expected, note):
    reading = follow(make_link(rel=rel, page_nofollow=page_nofollow, status=status))
    assert reading.value == expected
    assert reading.note == note


def test_placement_values_rank_content_first(make_link):
    value = {p: placement(make_link(placement=p)).value for p in
             ("content", "author_bio", "unknown", "sidebar", "navigation", "header", "footer", "comments")}
    assert value["content"] == 1.0
    assert value["content"] > value["author_bio"] > value["unknown"] > value["sidebar"] > value["comments"] > 0
    assert value["sidebar"] == value["navigation"] == value["header"] == value["footer"]
    assert placement(make_link(placement="somewhere odd")).value == 0.5


@pytest.mark.parametrize("hidden", ["noscript", "display_none", True])
def test_hidden_link_is_worth_nothing_even_in_the_article(make_link, hidden):
    reading = placement(make_link(placement="content", hidden=hidden))
    assert reading.value == 0.0
    assert reading.note.startswith("hidden")


def test_outbound_dilution_curve_points():
    assert outbound_value(0) == outbound_value(10) == 1.0
    assert outbound_value(11) < 1.0
    assert outbound_value(50) == pytest.approx(0.5, abs=0.03)
    assert outbound_value(300) < 0.15
    assert 0.1 < outbound_value(100_000) < 0.101


def test_outbound_dilution_never_rises_with_more_links():
    values = [outbound_value(n) for n in range(0, 3000)]
    assert all(a >= b for a, b in itertools.pairwise(values))


def test_outbound_unknown_is_neutral_and_count_is_kept_raw(make_link):
    assert outbound(make_link(outbound_links=None)).value == 0.5
    reading = outbound(make_link(outbound_links=74))
    assert reading.raw == 74
    assert reading.note == "74 outbound links"
    assert outbound(make_link(outbound_links=1)).note == "1 outbound link"


def test_popularity_is_log_scaled_and_neutral_when_unknown(make_link):
    assert popularity(make_link(metrics={"dr": 40})).value == 0.5
    assert popularity(make_link(metrics={"traffic": 0})).value == 0.0
    assert popularity_value(1000) == pytest.approx(0.5, abs=0.01)
    assert popularity_value(10_000_000) == 1.0
    assert popularity_value(100) < popularity_value(1000) < popularity_value(100_000)
    assert popularity(make_link(metrics={"traffic": 1200})).note == "traffic 1.2k"
    assert popularity(make_link(metrics={"traffic": 950})).note == "traffic 950"


def test_trust_is_full_without_spam_signals(make_link):
    reading = trust(make_link())
    assert reading.value == 1.0
    assert reading.raw == []


def test_trust_names_each_spam_signal(make_link):
    reading = trust(
        make_link(
            word_count=180,
            spam_topics=("casino",),
            page_markers=("write_for_us",),
            link_farm_markers=("link_exchange",),
            language="de",
            target_language="en-GB",
        )
    )
    assert reading.value == 0.0
    assert reading.raw == [
        "thin page (180 words)",
        "casino content",
        "link farm: link exchange",
        "'write for us' page",
        "language de vs en",
    ]


def test_trust_penalties_add_up_and_thinner_pages_cost_more(make_link):
    thin = trust(make_link(word_count=200)).value
    very_thin = trust(make_link(word_count=40)).value
    assert 0 < very_thin < thin < 1.0
    assert trust(make_link(word_count=250)).value == 1.0
    assert math.isclose(trust(make_link(page_markers=("sponsored_post", "guest_post"))).value, 0.6)


def test_link_facts_rejects_unknown_status_and_bad_counts():
    with pytest.raises(ValueError, match="unknown link status"):
        LinkFacts(status="alive")
    with pytest.raises(ValueError, match="outbound_links"):
        LinkFacts(status="live", outbound_links=-1)
    with pytest.raises(ValueError, match="relevance"):
        LinkFacts(status="live", relevance=float("nan"))
