"""The whole score: live-only, the indexability gate, weights, explanation, storage and stability."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm.quality import DEFAULT_WEIGHTS, SCORE_VERSION, QualityScore, score_link, validate_weights

# Derandomised and without an example database, so every run checks exactly the same cases.
DETERMINISTIC = settings(derandomize=True, database=None, max_examples=150, deadline=None)

links = st.fixed_dictionaries(
    {
        "status": st.sampled_from(["live", "live_nofollow", "not_indexable"]),
        "rel": st.lists(st.sampled_from(["nofollow", "sponsored", "ugc", "noopener"]), max_size=2),
        "placement": st.sampled_from(["content", "author_bio", "sidebar", "footer", "comments", "unknown"]),
        "hidden": st.sampled_from([None, "noscript"]),
        "outbound_links": st.none() | st.integers(0, 5000),
        "noindex": st.booleans(),
        "canonical_elsewhere": st.booleans(),
        "word_count": st.none() | st.integers(0, 5000),
        "spam_topics": st.lists(st.sampled_from(["casino", "pharma"]), max_size=1),
        "metrics": st.fixed_dictionaries(
            {"dr": st.none() | st.integers(0, 100), "traffic": st.none() | st.integers(0, 10**7)}
        ),
        "relevance": st.none() | st.floats(0, 1),
    }
)


@DETERMINISTIC
@given(link=links, more=st.integers(1, 2000))
def test_more_outbound_links_never_raise_the_score(make_link, link, more):
    base = link["outbound_links"] or 0
    fewer = score_link(make_link(**{**link, "outbound_links": base}))
    many = score_link(make_link(**{**link, "outbound_links": base + more}))
    assert many.score <= fewer.score


@DETERMINISTIC
@given(link=links)
def test_a_followed_link_scores_at_least_as_much_as_a_nofollow_one(make_link, link):
    followed = score_link(make_link(**{**link, "status": "live", "rel": []}))
    nofollow = score_link(make_link(**{**link, "status": "live", "rel": ["nofollow"]}))
    assert followed.score >= nofollow.score


@DETERMINISTIC
@given(link=links, low=st.integers(0, 100), high=st.integers(0, 100))
def test_higher_dr_never_lowers_the_score(make_link, link, low, high):
    low, high = sorted((low, high))
    weaker = score_link(make_link(**{**link, "metrics": {**link["metrics"], "dr": low}}))
    stronger = score_link(make_link(**{**link, "metrics": {**link["metrics"], "dr": high}}))
    assert stronger.score >= weaker.score


@DETERMINISTIC
@given(link=links)
def test_score_is_a_whole_number_from_0_to_100(make_link, link):
    result = score_link(make_link(**link))
    assert isinstance(result.score, int)
    assert 0 <= result.score <= 100


@pytest.mark.parametrize("status", ["missing", "wrong_target", "page_error", "blocked", "unverified"])
def test_a_link_that_is_not_live_gets_no_score_only_its_status(make_link, status):
    result = score_link(make_link(status=status))
    assert result.score is None
    assert result.status == status
    assert result.components == ()
    assert result.explain() == f"no score: {status.replace('_', ' ')}"
    assert QualityScore.from_dict(json.loads(json.dumps(result.to_dict()))) == result


def test_the_best_possible_link_scores_100_and_a_worthless_one_close_to_0(make_link):
    best = make_link(metrics={"dr": 100, "da": 100, "tf": 100, "as": 100, "traffic": 10**7}, relevance=0.8,
                     outbound_links=3)
    worst = make_link(metrics={"dr": 0, "traffic": 0}, relevance=0.0, rel=["nofollow"], placement="comments",
                      hidden="display_none", outbound_links=5000, word_count=20, spam_topics=["pharma", "casino"])
    assert score_link(best).score == 100
    assert score_link(worst).score <= 5


def test_noindex_scales_the_score_down_hard(make_link):
    open_page = score_link(make_link(metrics={"dr": 90, "traffic": 10**6}))
    closed = score_link(make_link(metrics={"dr": 90, "traffic": 10**6}, noindex=True))
    assert open_page.score >= 80
    assert closed.score <= 10
    assert closed.score == pytest.approx(open_page.score * 0.1, abs=1)
    assert closed.gate.factor == 0.1
    assert closed.gate.reasons == ("noindex",)


@pytest.mark.parametrize(
    ("flag", "reason"),
    [("robots_disallowed", "blocked by robots.txt"), ("soft_404", "soft 404"), ("parked", "parked domain")],
)
def test_every_unindexable_page_gets_the_hard_gate(make_link, flag, reason):
    result = score_link(make_link(**{flag: True}))
    assert result.gate.factor == 0.1
    assert result.gate.reasons == (reason,)


def test_not_indexable_status_alone_gets_the_hard_gate(make_link):
    result = score_link(make_link(status="not_indexable"))
    assert result.gate.factor == 0.1
    assert result.gate.reasons == ("not indexable",)
    assert result.score <= 10


def test_canonical_elsewhere_or_a_redirect_halves_the_score_once(make_link):
    plain = score_link(make_link()).score
    canonical = score_link(make_link(canonical_elsewhere=True))
    both = score_link(make_link(canonical_elsewhere=True, redirected=True))
    assert canonical.score == pytest.approx(plain / 2, abs=1)
    assert both.score == canonical.score
    assert both.gate.reasons == ("canonical points elsewhere", "source page redirects")


def test_noindex_and_canonical_elsewhere_multiply(make_link):
    result = score_link(make_link(metrics={"dr": 100, "traffic": 10**7}, relevance=0.9, noindex=True,
                                  canonical_elsewhere=True))
    assert result.gate.factor == pytest.approx(0.05)
    assert result.score == 5
    assert result.explain().startswith("5: noindex, canonical points elsewhere (score cut to 5%), ")


def test_weights_default_and_merge_partial_settings():
    assert validate_weights(None) == DEFAULT_WEIGHTS
    assert sum(DEFAULT_WEIGHTS.values()) == 100
    merged = validate_weights({"Relevance": "30", "trust": 0})
    assert merged["relevance"] == 30.0
    assert merged["trust"] == 0.0
    assert merged["authority"] == 25.0


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ({"pagerank": 10}, "unknown score weight"),
        ({"authority": -1}, "zero or more"),
        ({"authority": float("nan")}, "zero or more"),
        ({"authority": float("inf")}, "zero or more"),
        ({"authority": True}, "must be a number"),
        ({"authority": "lots"}, "must be a number"),
        (dict.fromkeys(DEFAULT_WEIGHTS, 0), "above zero"),
    ],
)
def test_invalid_weights_are_refused_with_a_clear_message(make_link, weights, message):
    with pytest.raises(ValueError, match=message):
        validate_weights(weights)
    with pytest.raises(ValueError, match=message):
        score_link(make_link(), weights)


def test_weights_change_what_counts(make_link):
    strong, weak = make_link(metrics={"dr": 95}), make_link(metrics={"dr": 5})
    assert score_link(strong).score - score_link(weak).score >= 20
    no_authority = {"authority": 0}
    assert score_link(strong, no_authority).score == score_link(weak, no_authority).score
    doubled = {name: 2 * weight for name, weight in DEFAULT_WEIGHTS.items()}
    assert score_link(strong, doubled).score == score_link(strong).score


def test_components_carry_raw_input_value_weight_and_points(make_link):
    result = score_link(make_link(outbound_links=74, metrics={"dr": 48, "traffic": 1200}, relevance=0.31))
    by_name = {c.name: c for c in result.components}
    assert list(by_name) == list(DEFAULT_WEIGHTS)
    assert by_name["authority"].raw == {"dr": 48}
    assert by_name["authority"].points == pytest.approx(12.0)
    assert by_name["outbound"].raw == 74
    assert by_name["follow"].weight == 15
    assert sum(c.points for c in result.components) == pytest.approx(result.score, abs=1)


def test_explanation_names_what_matters_most_first(make_link):
    result = score_link(make_link(outbound_links=74, metrics={"dr": 48}, relevance=0.31))
    text = result.explain()
    assert text == f"{result.score}: relevance 0.31, followed, in the article, 74 outbound links, DR 48"


def test_explanation_leads_with_a_hidden_link_and_leaves_unknowns_out(make_link):
    result = score_link(make_link(hidden="noscript", metrics={}, relevance=None, outbound_links=None))
    text = result.explain()
    assert text.split(": ", 1)[1].startswith("hidden (noscript)")
    assert "unknown" not in text
    assert "DR" not in text


def test_explanation_mentions_spam_signals_and_is_short(make_link):
    text = score_link(make_link(word_count=90, spam_topics=["casino"], rel=["sponsored"])).explain()
    assert "thin page (90 words)" in text
    assert "casino content" in text
    assert "sponsored" in text
    assert text.count(",") <= 8


def test_score_survives_a_json_round_trip(make_link):
    result = score_link(make_link(noindex=True, rel=["ugc"], outbound_links=74, word_count=120,
                                  metrics={"dr": 33.5, "tf": 12, "traffic": 800}, relevance=0.1234567))
    stored = json.loads(json.dumps(result.to_dict()))
    again = QualityScore.from_dict(stored)
    assert again == result
    assert again.explain() == result.explain()
    assert stored["version"] == SCORE_VERSION
    assert stored["gate"] == {"factor": 0.1, "reasons": ["noindex"]}


def test_same_inputs_give_the_same_score_in_a_fresh_process_with_another_hash_seed(make_link):
    script = """
import json
from crm.quality import IdfModel, LinkFacts, score_link, similarity
idf = IdfModel.fit(["running shoes for trail runners", "mortgage rates today", "shoes and socks"])
facts = LinkFacts(status="live", rel="nofollow", placement="sidebar", outbound_links=74, word_count=120,
                  spam_topics=["loans", "casino"], page_markers=["guest_post"], noindex=True, redirected=True,
                  metrics={"tf": 22, "as": 35, "dr": 48, "da": 40, "traffic": 1200},
                  relevance=similarity("trail running shoes review", "best running shoes", idf))
result = score_link(facts)
print(json.dumps([result.to_dict(), result.explain(), idf.to_json()], sort_keys=True))
"""
    root = Path(__file__).resolve().parents[2]
    outputs = set()
    for seed in ("1", "2", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(root)}
        run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
        outputs.add(run.stdout)
    assert len(outputs) == 1
    payload, explanation, _ = json.loads(outputs.pop())
    assert explanation == QualityScore.from_dict(payload).explain()
