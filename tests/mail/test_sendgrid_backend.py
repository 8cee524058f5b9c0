"""SendGrid backend against a loopback fake of the Mail Send API: each answer becomes the right outcome."""

import json
import random
import socket
import threading
from datetime import UTC, datetime, timedelta

import pytest
from werkzeug import Response

from crm.mail.backends import SendGridBackend
from crm.mail.message import text_to_html, thread_headers

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
API_KEY = "SG.test-key.not-real"
SEND_PATH = "/v3/mail/send"


@pytest.fixture
def sendgrid_backend(httpserver):
    return SendGridBackend(API_KEY, host=httpserver.url_for("/"), timeout=2.0, clock=lambda: NOW, rng=random.Random(7))


def answer(httpserver, status, body="", headers=None):
    httpserver.expect_request(SEND_PATH, method="POST").respond_with_response(
        Response(body, status=status, headers=headers or {}, content_type="application/json")
    )


def received_json(httpserver, index=-1):
    request, _ = httpserver.log[index]
    return json.loads(request.get_data())


def test_accepted_message_returns_sendgrids_message_id(httpserver, sendgrid_backend, make_message):
    answer(httpserver, 202, headers={"X-Message-Id": "sg-abc123"})
    outcome = sendgrid_backend.send(make_message())
    assert outcome.accepted and outcome.provider_message_id == "sg-abc123" and outcome.http_status == 202
    request, _ = httpserver.log[0]
    assert request.headers["Authorization"] == f"Bearer {API_KEY}"
    assert request.headers["Content-Type"] == "application/json"


def test_request_body_carries_what_the_product_needs(httpserver, sendgrid_backend, make_message):
    answer(httpserver, 202, headers={"X-Message-Id": "x"})
    sent = make_message(html=text_to_html("Hi Ana"))
    sendgrid_backend.send(sent)
    body = received_json(httpserver)
    personalization = body["personalizations"][0]
    assert personalization["to"] == [{"email": "ana@gardenblog.example", "name": "Ana Müller"}]
    assert personalization["custom_args"] == {"outbound_id": "17", "workspace_id": "3"}
    assert "custom_args" not in body  # the spec's top-level custom_args is a string, so it stays per recipient
    assert all("@" not in value for value in personalization["custom_args"].values())
    headers = personalization["headers"]
    assert headers["List-Unsubscribe"].startswith("<https://crm.example/u/")
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert headers["Message-ID"] == sent.message_id
    assert body["from"] == {"email": "sam@agency.example", "name": "Sam Rivera"}
    assert body["reply_to"]["email"] == sent.reply_to.email
    assert body["subject"] == sent.subject
    assert [c["type"] for c in body["content"]] == ["text/plain", "text/html"]
    assert body["categories"] == ["outreach", "campaign-4"]


def test_follow_up_threads_under_the_first_message(httpserver, sendgrid_backend, make_message):
    answer(httpserver, 202)
    parent = make_message().message_id
    sendgrid_backend.send(make_message(headers=thread_headers(parent), subject="Re: Quick idea"))
    headers = received_json(httpserver)["personalizations"][0]["headers"]
    assert headers["In-Reply-To"] == parent and headers["References"] == parent


def test_headers_of_one_send_do_not_stick_to_the_next(httpserver, sendgrid_backend, make_message):
    answer(httpserver, 202)
    answer(httpserver, 202)
    sendgrid_backend.send(make_message())
    sendgrid_backend.send(make_message(headers={}, custom_args={}, idempotency_key="k2", message_id=None))
    first, second = (dict(request.headers) for request, _ in httpserver.log)
    for headers in (first, second):
        headers.pop("Content-Length")
    assert first == second
    assert "headers" not in received_json(httpserver)["personalizations"][0]


def test_rate_limit_waits_until_the_reset_time(httpserver, sendgrid_backend, make_message):
    reset = NOW + timedelta(seconds=42)
    limit_body = '{"errors":[{"message":"too many requests"}]}'
    answer(httpserver, 429, limit_body, {"X-RateLimit-Reset": str(int(reset.timestamp()))})
    outcome = sendgrid_backend.send(make_message())
    assert outcome.should_retry and outcome.retry_at == reset and outcome.http_status == 429


def test_rate_limit_without_reset_header_backs_off(httpserver, sendgrid_backend, make_message):
    answer(httpserver, 429)
    outcome = sendgrid_backend.send(make_message(), attempt=1)
    assert outcome.should_retry and NOW + timedelta(seconds=15) <= outcome.retry_at <= NOW + timedelta(seconds=30)


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_retry_with_growing_backoff(httpserver, sendgrid_backend, make_message, status):
    answer(httpserver, status)
    answer(httpserver, status)
    early = sendgrid_backend.send(make_message(), attempt=1)
    late = sendgrid_backend.send(make_message(), attempt=4)
    assert early.should_retry and late.should_retry and early.http_status == status
    assert NOW + timedelta(seconds=15) <= early.retry_at <= NOW + timedelta(seconds=30)
    assert NOW + timedelta(seconds=120) <= late.retry_at <= NOW + timedelta(seconds=240)
    assert str(status) in early.reason and not early.maybe_sent


def test_a_server_that_hangs_times_out_and_is_retried(httpserver, make_message):
    release = threading.Event()

    def hang(request):
        release.wait(10)
        return Response("", status=202)

    httpserver.expect_request(SEND_PATH, method="POST").respond_with_handler(hang)
    sendgrid_backend = SendGridBackend(API_KEY, host=httpserver.url_for("/"), timeout=0.5, clock=lambda: NOW)
    try:
        outcome = sendgrid_backend.send(make_message(), attempt=2)
    finally:
        release.set()
    assert outcome.should_retry and outcome.retry_at > NOW
    assert outcome.maybe_sent  # the request went out; the outbox must check before sending again


def test_unreachable_sendgrid_is_retried_and_known_unsent(make_message):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    outcome = SendGridBackend(API_KEY, host=f"http://127.0.0.1:{port}", timeout=1, clock=lambda: NOW).send(
        make_message()
    )
    assert outcome.should_retry and not outcome.maybe_sent
    assert "could not reach SendGrid" in outcome.reason


def test_bad_request_fails_with_sendgrids_messages(httpserver, sendgrid_backend, make_message):
    errors = {
        "errors": [
            {"message": "The from address does not match a verified Sender Identity.", "field": "from", "help": None},
            {"message": "Invalid type.", "field": "personalizations.0.to"},
        ]
    }
    answer(httpserver, 400, json.dumps(errors))
    outcome = sendgrid_backend.send(make_message())
    assert outcome.failed and outcome.http_status == 400
    assert "from: The from address does not match a verified Sender Identity." in outcome.reason
    assert "personalizations.0.to: Invalid type." in outcome.reason


@pytest.mark.parametrize(
    ("status", "words"),
    [(401, "API key"), (403, "sender identity"), (413, "too large"), (404, "404")],
)
def test_lasting_errors_fail_with_a_readable_reason(httpserver, sendgrid_backend, make_message, status, words):
    answer(httpserver, status, '{"errors":[{"message":"denied"}]}')
    outcome = sendgrid_backend.send(make_message())
    assert outcome.failed and outcome.http_status == status
    assert words in outcome.reason and "denied" in outcome.reason
    assert API_KEY not in outcome.reason


def test_error_body_that_is_not_json_still_fails_cleanly(httpserver, sendgrid_backend, make_message):
    answer(httpserver, 400, "<html>bad gateway config</html>")
    outcome = sendgrid_backend.send(make_message())
    assert outcome.failed and outcome.reason == "SendGrid rejected the message"


def test_body_that_looks_like_an_api_key_is_never_sent(httpserver, sendgrid_backend, make_message):
    outcome = sendgrid_backend.send(make_message(text="SG.abcdefgh.ijklmnop is my key"))
    assert outcome.failed and "API key" in outcome.reason
    assert httpserver.log == []
