"""Anchor classification against wanted anchors and brand terms, and the exact-match risk."""

from __future__ import annotations

import pytest

from crm.campaigns.reporting.anchors import anchor_mix, brand_terms, classify_anchor, exact_match_risk, normalise_anchor

WANTED = ["best running shoes", "trail running guide", "Acme Running"]
BRANDS = brand_terms(["Acme"], ["https://www.acme-running.example/guide", "https://shop.acme.co.uk/"])


def test_brand_terms_come_from_names_and_target_domains():
    assert BRANDS == ("acme", "acmerunning")
    assert brand_terms(["AB"], ["not a url"]) == ()  # too short to tell a brand from a word


@pytest.mark.parametrize(
    ("anchor", "expected"),
    [
        ("best running shoes", "exact"),
        ("  “Best   Running Shoes!” ", "exact"),
        ("Trail Running Guide", "exact"),
        ("the best running shoes for 2024", "partial"),
        ("guide to trail shoes", "partial"),
        ("Acme Running", "branded"),  # a wanted anchor naming the brand carries no exact-match risk
        ("ACME-running shoes", "branded"),
        ("https://acme-running.example/guide", "naked_url"),
        ("www.acme-running.example", "naked_url"),
        ("acme-running.example/guide", "naked_url"),
        ("click here", "generic"),
        ("Read more.", "generic"),
        ("", "empty"),
        (None, "empty"),
        ("marathon nutrition", "other"),
    ],
)
def test_classify_anchor(anchor, expected):
    assert classify_anchor(anchor, WANTED, BRANDS) == expected


def test_stopwords_alone_do_not_make_a_partial_match():
    assert classify_anchor("the best of the year", WANTED, BRANDS) == "other"


def test_normalise_anchor():
    assert normalise_anchor("  «Best\u00a0Running\nShoes»  ") == "best running shoes"


@pytest.mark.parametrize(("share", "risk"), [(None, "none"), (0.0, "low"), (0.10, "low"), (0.11, "moderate"),
                                             (0.20, "moderate"), (0.21, "high")])
def test_exact_match_risk_levels(share, risk):
    assert exact_match_risk(share) == risk


def test_anchor_mix_counts_and_shares():
    mix = anchor_mix(["exact", "branded", "exact", "other"])
    assert mix.total == 4 and mix.exact_share == 0.5 and mix.risk == "high"
    rows = {key: (count, share) for key, _, count, share in mix.rows()}
    assert rows["branded"] == (1, 0.25) and rows["empty"] == (0, 0.0)
    assert anchor_mix([]).rows()[0][3] is None and anchor_mix([]).risk == "none"
