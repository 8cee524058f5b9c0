"""Harm flags for the disavow review, and the Google disavow file built from the picks."""

import pytest

from crm.quality import DisavowEntry, disavow_file, harm_flags, normalise_domain, score_link


def test_a_good_link_raises_no_flags(make_link):
    facts = make_link()
    assert harm_flags(facts, score_link(facts)) == []


def test_spam_content_and_link_farms_are_flagged_with_reasons(make_link):
    facts = make_link(spam_topics=["casino", "pharma"], link_farm_markers=["link_exchange", "many_outbound_domains"])
    flags = harm_flags(facts, score_link(facts))
    assert flags[:4] == [
        "casino content",
        "pharma content",
        "link farm: link exchange",
        "link farm: links to many domains",
    ]
    assert flags[4].startswith("strong spam signals: casino content, pharma content")


def test_strong_spam_signals_without_a_spam_topic(make_link):
    facts = make_link(word_count=60, page_markers=["write_for_us", "sponsored_post"], language="ru")
    flags = harm_flags(facts, None)
    assert flags == [
        "strong spam signals: thin page (60 words), 'sponsored post' page, 'write for us' page, language ru vs en"
    ]


def test_one_mild_signal_is_not_harmful(make_link):
    assert harm_flags(make_link(page_markers=["guest_post"]), 60) == []


def test_very_low_score_is_flagged_below_the_chosen_threshold(make_link):
    weak = make_link(noindex=True)
    result = score_link(weak)
    assert result.score < 15
    assert harm_flags(weak, result) == [f"very low score ({result.score} < 15)"]
    assert harm_flags(weak, result, low_score_below=result.score) == []
    assert harm_flags(weak, 30, low_score_below=40) == ["very low score (30 < 40)"]
    assert harm_flags(make_link(status="missing"), score_link(make_link(status="missing"))) == []


def test_disavow_file_has_comments_then_domains_then_urls():
    text = disavow_file(
        [
            "https://spam.example.net/page?id=7#top",
            DisavowEntry("domain:Casino-Links.COM", comment="casino content"),
            "# Links reviewed in March",
            DisavowEntry("http://blog.other.org/post", comment="link farm\nurl:https://injected.example/"),
        ],
        header=["Disavow file for Acme Running"],
    )
    assert text == (
        "# Disavow file for Acme Running\n"
        "# Links reviewed in March\n"
        "# casino content\n"
        "domain:casino-links.com\n"
        "# link farm url:https://injected.example/\n"
        "http://blog.other.org/post\n"
        "https://spam.example.net/page?id=7\n"
    )


def test_domain_lines_subsume_urls_and_subdomains_and_duplicates_go():
    text = disavow_file(
        [
            "https://www.farm.example/a",
            "domain:blog.farm.example",
            "HTTPS://Farm.Example/b",
            "domain:farm.example",
            "domain:FARM.example.",
            "https://notfarm.example/c",
            "https://notfarm.example/c",
            "https://notfarm.example",
        ]
    )
    assert text == "domain:farm.example\nhttps://notfarm.example/\nhttps://notfarm.example/c\n"


def test_order_does_not_depend_on_the_order_links_were_picked():
    picks = ["domain:b.example", "https://z.example/1", "domain:a.example", "https://c.example/2"]
    assert disavow_file(picks) == disavow_file(list(reversed(picks)))
    assert disavow_file(picks).splitlines() == [
        "domain:a.example",
        "domain:b.example",
        "https://c.example/2",
        "https://z.example/1",
    ]


def test_international_domains_are_written_in_idna_form_and_the_file_is_utf8():
    text = disavow_file([DisavowEntry("domain:Bücher.de", comment="Spam für Läufer"), "https://bücher.de/x"])
    assert text == "# Spam für Läufer\ndomain:xn--bcher-kva.de\n"
    assert text.encode("utf-8").decode("utf-8") == text
    assert normalise_domain("MÜNCHEN.de") == "xn--mnchen-3ya.de"


def test_nothing_to_disavow_gives_an_empty_file():
    assert disavow_file([]) == ""


@pytest.mark.parametrize(
    "entry",
    [
        "example.com",
        "domain:",
        "domain:localhost",
        "domain:exa mple.com",
        "domain:-bad-.com",
        "domain:192.168.0.1",
        "javascript://example.com/alert(1)",
        "ftp://example.com/file",
        "https://user:pw@example.com/",
        "https://example.com/a b",
        "https://example.com:99999/",
    ],
)
def test_entries_that_are_not_domains_or_web_urls_are_refused(entry):
    with pytest.raises(ValueError):
        disavow_file([entry])
