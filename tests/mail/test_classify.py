"""Inbound replies sorted the way the sequence needs: stop, pause, suppress, or record a bounce."""

from datetime import UTC, date, datetime

import pytest

from crm.mail.classify import (
    BOUNCE,
    HUMAN,
    OUT_OF_OFFICE,
    UNSUBSCRIBE,
    classify_reply,
    find_return_date,
    new_text,
)

RECEIVED = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)  # a Friday
OUR_PITCH_QUOTED = (
    "\n\nOn Thu, 19 Nov 2026 at 10:02, Sam <sam@agency.example> wrote:\n"
    "> Hi Ana, I loved your article...\n"
    "> Don't want these emails? Unsubscribe: https://crm.example/u/abc\n"
)


def test_gmail_vacation_responder_is_out_of_office_with_its_return_date():
    result = classify_reply(
        "Re: Quick idea for gardenblog.example",
        "Thanks for your email. I'm travelling and back on 3 December.",
        {"Auto-Submitted": "auto-replied", "X-Autoreply": "yes"},
        RECEIVED,
    )
    assert (result.kind, result.return_date) == (OUT_OF_OFFICE, date(2026, 12, 3))
    assert "Auto-Submitted" in result.evidence


@pytest.mark.parametrize(
    ("headers", "subject"),
    [
        ({"Precedence": "auto_reply"}, "Re: your email"),
        ({"X-Autorespond": "yes"}, "Re: your email"),
        ({}, "Automatic reply: Quick idea"),
        ({}, "Out of Office: Quick idea"),
        ({}, "Abwesenheitsnotiz: Quick idea"),
        ({}, "Réponse automatique : Quick idea"),
        ({"Content-Type": "multipart/report; report-type=disposition-notification"}, "Read: Quick idea"),
    ],
)
def test_automatic_replies_count_as_out_of_office(headers, subject):
    result = classify_reply(subject, "I will read your message later.", headers, RECEIVED)
    assert result.kind == OUT_OF_OFFICE
    assert result.return_date is None  # none stated: the caller applies its default pause
    assert result.evidence


@pytest.mark.parametrize(
    ("subject", "text", "headers"),
    [
        ("Undelivered Mail Returned to Sender", "This is the mail system...",
         {"Content-Type": "multipart/report; report-type=delivery-status; boundary=x"}),
        ("Delivery Status Notification (Failure)", "Address not found", {"From": "Mail Delivery Subsystem <x@y>"}),
        ("Returned mail", "…", {"From": "MAILER-DAEMON@mx.example.net"}),
        ("failure", "…", {"X-Failed-Recipients": "ana@gardenblog.example"}),
        ("Re: pitch", "550 5.1.1 User unknown", {}),
        ("Unzustellbar: Quick idea", "…", {}),
    ],
)
def test_delivery_reports_are_bounces(subject, text, headers):
    assert classify_reply(subject, text, headers, RECEIVED).kind == BOUNCE


def test_a_bounce_wins_over_auto_reply_headers():
    result = classify_reply(
        "Undeliverable: hi", "x", {"Auto-Submitted": "auto-replied", "Content-Type": "multipart/report"}, RECEIVED
    )
    assert result.kind == BOUNCE


@pytest.mark.parametrize(
    "text",
    [
        "Please remove me from your list.",
        "Unsubscribe",
        "Stop emailing me.",
        "Don't contact me again",
        "please take me off your mailing list",
        "Bitte tragen Sie mich aus Ihrem Verteiler aus.",
        "Bitte abmelden.",
        "Merci de me désinscrire.",
        "Por favor, denme de baja.",
    ],
)
def test_requests_to_stop_are_unsubscribes(text):
    result = classify_reply("Re: Quick idea", text + OUR_PITCH_QUOTED, {}, RECEIVED)
    assert result.kind == UNSUBSCRIBE
    assert result.evidence.startswith("text")


def test_unsubscribe_in_the_subject_counts():
    assert classify_reply("unsubscribe", "", {}, RECEIVED).kind == UNSUBSCRIBE


def test_our_quoted_footer_does_not_make_a_reply_an_unsubscribe():
    result = classify_reply("Re: Quick idea", "Sounds great, send the draft!" + OUR_PITCH_QUOTED, {}, RECEIVED)
    assert result.kind == HUMAN


def test_a_person_mentioning_a_holiday_is_still_human():
    result = classify_reply("Re: Quick idea", "I'm on holiday but happy to take a look, send it over.", {}, RECEIVED)
    assert result.kind == HUMAN


def test_autoresponder_text_without_headers_is_out_of_office():
    result = classify_reply(
        "Re: Quick idea",
        "I am out of the office until 7 December with limited access to email. For urgent matters please contact "
        "Jo.",
        {},
        RECEIVED,
    )
    assert (result.kind, result.return_date) == (OUT_OF_OFFICE, date(2026, 12, 7))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'm back on 3 December.", date(2026, 12, 3)),
        ("Returning 12/03/2026.", date(2026, 12, 3)),  # the reading that lies ahead wins
        ("Returning 03/12/2026.", date(2026, 12, 3)),
        ("Away until Monday 7th.", date(2026, 12, 7)),
        ("Back 2026-12-01.", date(2026, 12, 1)),
        ("I will return on December 7th, 2026.", date(2026, 12, 7)),
        ("Out from 20 November until 3 December.", date(2026, 12, 3)),
        ("Away 23.11.-04.12.2026.", date(2026, 12, 4)),
        ("Back on Monday.", date(2026, 11, 23)),
        ("Back tomorrow.", date(2026, 11, 21)),
        ("Back next week.", date(2026, 11, 23)),
        ("Back at 10.30 on Dec 2nd.", date(2026, 12, 2)),
        ("Ich bin bis zum 3. Dezember nicht im Büro.", date(2026, 12, 3)),
        ("Ab dem 07.12.2026 bin ich wieder erreichbar.", date(2026, 12, 7)),
        ("Je serai de retour le 1er décembre.", date(2026, 12, 1)),
        ("Estaré fuera de la oficina hasta el 4 de diciembre.", date(2026, 12, 4)),
        ("I'm away. Thanks!", None),
        ("Back on 30 February.", None),
    ],
)
def test_return_dates(text, expected):
    assert find_return_date(text, RECEIVED.date()) == expected


def test_return_date_rolls_into_next_year():
    assert find_return_date("Back on 5 January", date(2026, 12, 20)) == date(2027, 1, 5)


def test_return_date_needs_the_message_date_for_relative_dates():
    assert find_return_date("Back on Monday", None) is None


def test_new_text_drops_the_quote_and_signature():
    text = "Yes please.\n-- \nAna\nEditor" + OUR_PITCH_QUOTED
    assert new_text(text) == "Yes please."
    assert new_text("Sure\n> quoted line\nthanks") == "Sure\nthanks"
    assert new_text("Klar!\n\nAm 19.11.2026 um 10:02 schrieb Sam <sam@a.example>:\n> Hallo") == "Klar!"
