"""The outgoing message value refuses what would leak data or break headers; its helpers build standard headers."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from crm.mail.message import (
    Address,
    OutgoingMessage,
    backoff_seconds,
    make_message_id,
    retry_later,
    text_to_html,
    thread_headers,
    unsubscribe_headers,
)

SENDER = Address("sam@agency.example", "Sam")
RECIPIENT = Address("ana@gardenblog.example", "Ana")


def message(**changes):
    values = {"sender": SENDER, "recipient": RECIPIENT, "subject": "Hi", "text": "Hello", "idempotency_key": "k1"}
    return OutgoingMessage(**{**values, **changes})


def test_custom_args_refuse_email_addresses():
    with pytest.raises(ValueError, match="opaque id"):
        message(custom_args={"contact": "ana@gardenblog.example"})
    assert dict(message(custom_args={"outbound_id": "17"}).custom_args) == {"outbound_id": "17"}


@pytest.mark.parametrize(
    "headers",
    [{"Subject": "x"}, {"From": "x"}, {"Reply-To": "x"}, {"Content-Type": "x"}, {"X-Test": "a\r\nBcc: b@c.example"},
     {"Bad Name": "x"}, {"Message-ID": "<a@b>"}],
)
def test_headers_that_would_clash_or_inject_are_refused(headers):
    with pytest.raises(ValueError):
        message(headers=headers)


@pytest.mark.parametrize(
    "changes",
    [
        {"subject": ""},
        {"subject": "Hi\nBcc: x@y.example"},
        {"text": "  "},
        {"idempotency_key": ""},
        {"categories": tuple(f"c{i}" for i in range(11))},
        {"categories": ("a", "a")},
        {"message_id": "no-brackets@x"},
    ],
)
def test_invalid_messages_are_refused(changes):
    with pytest.raises(ValueError):
        message(**changes)


@pytest.mark.parametrize("email", ["", "ana", "ana@", "a b@c.example", "<a@b.example>", "a@b@c.example"])
def test_addresses_are_checked(email):
    with pytest.raises(ValueError):
        Address(email)


def test_message_is_immutable():
    sent = message(headers={"X-A": "1"})
    with pytest.raises(TypeError):
        sent.headers["X-B"] = "2"


def test_one_click_unsubscribe_headers_for_https():
    headers = unsubscribe_headers("https://crm.example/u/abc", "unsubscribe+abc@replies.example")
    assert headers == {
        "List-Unsubscribe": "<https://crm.example/u/abc>, <mailto:unsubscribe+abc@replies.example>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def test_plain_http_unsubscribe_gets_no_one_click_promise():
    assert unsubscribe_headers("http://127.0.0.1:5000/u/abc") == {"List-Unsubscribe": "<http://127.0.0.1:5000/u/abc>"}
    with pytest.raises(ValueError):
        unsubscribe_headers("javascript:alert(1)")


def test_thread_headers_chain_references():
    first, second = make_message_id("c1:s0:k1", "agency.example"), make_message_id("c1:s1:k1", "agency.example")
    headers = thread_headers(second, [first, second])
    assert headers == {"In-Reply-To": second, "References": f"{first} {second}"}
    with pytest.raises(ValueError):
        thread_headers("not-an-id")


def test_message_id_is_stable_per_idempotency_key():
    assert make_message_id("k", "Agency.Example") == make_message_id("k", "agency.example")
    assert make_message_id("k", "a.example") != make_message_id("k2", "a.example")
    assert message(message_id=make_message_id("k", "a.example")).message_id.endswith("@a.example>")


def test_backoff_grows_is_jittered_and_capped():
    rng = random.Random(1)
    for attempt in range(1, 8):
        ceiling = min(3600, 30 * 2 ** (attempt - 1))
        delay = backoff_seconds(attempt, rng=rng)
        assert ceiling / 2 <= delay <= ceiling
    assert backoff_seconds(50, rng=rng) <= 3600
    assert len({backoff_seconds(4) for _ in range(20)}) > 1


def test_retry_later_sets_the_time():
    now = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    outcome = retry_later(now, 2, "busy", http_status=503)
    assert outcome.should_retry and not outcome.accepted and not outcome.failed
    assert now + timedelta(seconds=30) <= outcome.retry_at <= now + timedelta(seconds=60)


def test_html_part_from_text_escapes_and_links():
    html = text_to_html("Hi <Ana> & co,\nsee https://x.example/a?b=1&c=2.\n\nSam")
    assert html == (
        '<p>Hi &lt;Ana&gt; &amp; co,<br>\nsee <a href="https://x.example/a?b=1&amp;c=2">'
        "https://x.example/a?b=1&amp;c=2</a>.</p>\n<p>Sam</p>"
    )
    assert text_to_html("javascript:alert(1)") == "<p>javascript:alert(1)</p>"  # only http(s) becomes a link
