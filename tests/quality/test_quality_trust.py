"""Trust signals read from a page's text: spam topics, paid-post markers, link farms and language."""

from crm.quality import page_signals
from crm.quality.trust import (
    count_words,
    language_mismatch,
    link_farm_markers,
    page_markers,
    page_trust,
    primary_language,
    spam_topics,
)

ARTICLE = " ".join(
    ["Choosing a running shoe starts with your gait, your weekly mileage and the surfaces you train on."] * 30
)

CASINO_PAGE = """Play at the best online casino tonight. Our casino reviews cover roulette, blackjack and poker,
with free spins on every slot machine. Betting has never been easier: claim your jackpot bonus now."""

FINANCE_ARTICLE = """Before you take out a loan, compare the interest rate, fees and term. A mortgage broker can help,
and a personal loan is cheaper than a credit card for large purchases. """ * 10


def test_casino_page_is_flagged_and_an_ordinary_finance_article_is_not():
    assert spam_topics(CASINO_PAGE) == ("casino",)
    assert spam_topics(FINANCE_ARTICLE) == ()
    assert spam_topics(ARTICLE) == ()


def test_a_spam_word_in_the_title_is_enough_but_one_passing_mention_in_a_long_text_is_not():
    assert spam_topics(ARTICLE, title="Cheap Viagra online") == ("pharma",)
    assert spam_topics(ARTICLE + " We once played poker after a race.") == ()


def test_pharma_and_loan_spam_are_told_apart():
    pharma = "Buy viagra and cialis from our online pharmacy with no prescription."
    loans = "Payday loans with instant approval and no credit check: get a cash advance today."
    assert spam_topics(pharma) == ("pharma",)
    assert spam_topics(loans) == ("loans",)
    assert spam_topics(pharma + " " + loans) == ("pharma", "loans")


def test_page_markers_find_sponsored_and_guest_post_pages():
    assert page_markers("This is a sponsored post written with our partner.") == ("sponsored_post",)
    assert page_markers(ARTICLE, title="Write for us - Runner's Blog") == ("write_for_us",)
    assert page_markers("About the guest author: Jane runs ultras.") == ("guest_post",)
    assert page_markers(ARTICLE) == ()


def test_link_farm_markers_from_phrases_and_link_counts():
    farm = "Link exchange welcome! Submit your site for free."
    assert link_farm_markers(farm) == ("link_exchange", "link_submission")
    assert link_farm_markers(ARTICLE, outbound_domains=80) == ("many_outbound_domains",)
    assert link_farm_markers("Top resources list", outbound_links=120) == ("link_dense",)
    assert link_farm_markers(ARTICLE, outbound_links=40, outbound_domains=12) == ()


def test_languages_compare_by_primary_subtag():
    assert primary_language("en-GB") == "en"
    assert primary_language("") is None
    assert not language_mismatch("en-GB", "en_US")
    assert language_mismatch("de", "en")
    assert not language_mismatch(None, "en")


def test_page_signals_bundle_everything_for_link_facts():
    signals = page_signals(CASINO_PAGE, "Online casino bonus - write for us", "EN-us", outbound_links=150,
                           outbound_domains=90)
    assert signals.word_count == count_words(CASINO_PAGE) == 32
    assert signals.language == "en"
    assert signals.spam_topics == ("casino",)
    assert signals.page_markers == ("write_for_us",)
    assert signals.link_farm_markers == ("many_outbound_domains", "link_dense")


def test_page_trust_is_one_minus_named_penalties():
    assert page_trust(word_count=1200) == (1.0, [])
    assert page_trust(word_count=None) == (1.0, [])
    value, names = page_trust(word_count=1200, page_markers=["guest_post"], language="fr", target_language="en")
    assert value == 0.5
    assert names == ["'guest post' page", "language fr vs en"]
