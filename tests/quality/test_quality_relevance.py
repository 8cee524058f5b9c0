"""Relevance: tokenizer, workspace IDF (fitting, updating, JSON) and similarity on realistic pages."""

import json

import pytest

from crm.quality import IdfModel, relevance_value, shared_terms, similarity, tokenize

TARGET = """The best running shoes for marathon training. We tested twenty pairs over three months of road
running, measuring cushioning, stability and how the midsole holds up after hundreds of miles. Runners with
flat feet should look for stability shoes, while neutral runners can pick lighter trainers with more cushioning."""

TRAIL_SHOES = """How to choose trail running shoes. Trail runners need grip, a protective rock plate and a durable
upper. Compared with road shoes, trail shoes trade some cushioning for stability on rough ground. Replace your
running shoes every 300 to 500 miles, and try them on in the afternoon when your feet are largest."""

MORTGAGES = """How to compare mortgage rates. A fixed-rate mortgage keeps your monthly payment the same, while an
adjustable-rate mortgage can change after the introductory period. Lenders look at your credit score, your
deposit and your debt-to-income ratio before they approve a home loan. Refinancing can lower your interest rate."""

PASTA = """Easy weeknight pasta recipes. Boil the pasta in salted water, fry garlic in olive oil, add tomatoes and
simmer for ten minutes. Finish with basil and parmesan. Kids love this quick dinner and it takes twenty minutes."""

MARATHON_PLAN = """A beginner's guide to marathon training plans. Build your weekly mileage slowly, add one long
run each week and rest properly. Good shoes and proper running form help prevent injury during training."""

CORPUS = [TARGET, TRAIL_SHOES, MORTGAGES, PASTA, MARATHON_PLAN]


@pytest.fixture(scope="module")
def idf():
    """IDF fitted on the pages a running-gear workspace has fetched."""
    return IdfModel.fit(CORPUS)


def test_tokenizer_lowercases_splits_unicode_and_drops_stopwords_and_numbers():
    assert tokenize("The Café in Zürich, 2024: naïve coffee_beans!") == ["café", "zürich", "naïve", "coffee", "bean"]


def test_light_stemming_joins_inflections_and_can_be_turned_off():
    assert tokenize("shoes shoe running runs runners planned stories") == [
        "shoe", "shoe", "run", "run", "runner", "plan", "story"
    ]
    assert tokenize("shoes running", stemming=False) == ["shoes", "running"]
    assert tokenize("glass analysis bus need string") == ["glass", "analysis", "bus", "need", "string"]


def test_a_running_shoes_page_is_more_relevant_to_running_shoes_than_a_mortgage_page(idf):
    shoes, plan = similarity(TARGET, TRAIL_SHOES, idf), similarity(TARGET, MARATHON_PLAN, idf)
    mortgages, pasta = similarity(TARGET, MORTGAGES, idf), similarity(TARGET, PASTA, idf)
    assert shoes > plan > max(mortgages, pasta)
    assert relevance_value(shoes) >= 0.75
    assert relevance_value(mortgages) < 0.2
    assert relevance_value(pasta) < 0.2


def test_similarity_bounds_and_symmetry(idf):
    assert similarity(TARGET, TARGET, idf) == pytest.approx(1.0)
    assert similarity(TARGET, "", idf) == 0.0
    assert similarity("the and of", TARGET, idf) == 0.0
    assert similarity("pasta garlic basil", "mortgage lender deposit", idf) == 0.0
    assert similarity(TARGET, TRAIL_SHOES, idf) == similarity(TRAIL_SHOES, TARGET, idf)
    assert 0.0 < similarity(TARGET, TRAIL_SHOES) < 1.0  # works without a fitted model too


def test_idf_makes_words_common_in_the_workspace_count_less(idf):
    assert idf.idf("run") < idf.idf("mortgage") < idf.idf("never-seen")
    niche = IdfModel.fit([TRAIL_SHOES, TARGET] + [f"running shoes review number {i}" for i in range(30)])
    # Among pages all about running shoes, sharing "shoe" says little; sharing "midsole" says more.
    assert shared_terms(TARGET, TRAIL_SHOES, niche, limit=1) != ["shoe"]
    assert "shoe" in shared_terms(TARGET, TRAIL_SHOES, None, limit=2)


def test_shared_terms_explain_why_pages_match(idf):
    terms = shared_terms(TARGET, TRAIL_SHOES, idf)
    assert "shoe" in terms
    assert "cushion" in terms
    assert shared_terms(TARGET, MORTGAGES, idf, limit=3) == ["look"]


def test_idf_round_trips_through_json_and_gives_the_same_similarity(idf):
    text = idf.to_json()
    again = IdfModel.from_json(text)
    assert again == idf
    assert again.to_json() == text
    assert similarity(TARGET, TRAIL_SHOES, again) == similarity(TARGET, TRAIL_SHOES, idf)
    assert json.loads(text)["documents"] == len(CORPUS)


def test_idf_json_does_not_depend_on_the_order_pages_were_seen():
    assert IdfModel.fit(CORPUS).to_json() == IdfModel.fit(reversed(CORPUS)).to_json()


def test_idf_updates_incrementally():
    growing = IdfModel.fit(CORPUS[:2])
    for text in CORPUS[2:]:
        growing.add(text)
    assert growing == IdfModel.fit(CORPUS)
    growing.remove(PASTA)
    assert growing == IdfModel.fit([t for t in CORPUS if t is not PASTA])
    assert "pasta" not in growing.df


@pytest.mark.parametrize(
    "payload",
    [
        "{}",
        '{"format": 99, "documents": 1, "df": {}}',
        '{"format": 1, "documents": -1, "df": {}}',
        '{"format": 1, "documents": 2, "df": {"shoe": 3}}',
        '{"format": 1, "documents": 2, "df": ["shoe"]}',
    ],
)
def test_malformed_idf_json_is_refused(payload):
    with pytest.raises(ValueError, match="IDF model"):
        IdfModel.from_json(payload)
