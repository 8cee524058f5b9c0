"""The file backend saves a real, readable .eml once per message, even if asked twice."""

import email.policy
from datetime import UTC, datetime
from email import message_from_bytes

import pytest

from crm.mail.backends import FileBackend, SendGridBackend, create_backend
from crm.mail.message import thread_headers

SENT_AT = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.fixture
def file_backend(tmp_path):
    return FileBackend(tmp_path / "outbox", clock=lambda: SENT_AT)


def test_message_is_saved_as_an_eml_with_proper_headers(file_backend, make_message):
    sent = make_message()
    outcome = file_backend.send(sent)
    assert outcome.accepted and outcome.provider_message_id.startswith("file-")
    path = file_backend.path_for(outcome.provider_message_id)
    saved = message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert saved["From"] == "Sam Rivera <sam@agency.example>"
    assert saved["To"] == "Ana Müller <ana@gardenblog.example>"
    assert saved["Reply-To"].addresses[0].addr_spec == sent.reply_to.email
    assert saved["Subject"] == "Quick idea for gardenblog.example"
    assert saved["Message-ID"] == sent.message_id
    assert saved["Date"].datetime == SENT_AT
    assert saved["List-Unsubscribe"].startswith("<https://crm.example/u/")
    assert saved["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert saved["X-CRM-Custom-Args"] == "outbound_id=17; workspace_id=3"
    assert saved.get_content_type() == "text/plain"
    assert saved.get_content().strip().endswith("Sam")
    assert b"\xc3" not in path.read_bytes().split(b"\r\n\r\n")[0]  # non-ASCII names are encoded in headers


def test_html_alternative_and_thread_headers(file_backend, make_message):
    parent = make_message().message_id
    follow_up = make_message(
        idempotency_key="campaign:4/step:1/contact:17",
        subject="Re: Quick idea for gardenblog.example",
        html="<p>Hi Ana</p>",
        headers=thread_headers(parent),
        message_id=None,
    )
    saved = file_backend.read(file_backend.send(follow_up).provider_message_id)
    assert saved["In-Reply-To"] == parent and saved["References"] == parent
    assert saved["Message-ID"].endswith("@agency.example>") and saved["Message-ID"] != parent
    assert saved.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in saved.iter_parts()] == ["text/plain", "text/html"]


def test_same_message_twice_is_saved_once(file_backend, make_message):
    first = file_backend.send(make_message())
    second = file_backend.send(make_message(), attempt=2)
    assert second.accepted and second.provider_message_id == first.provider_message_id
    assert len(list(file_backend.directory.glob("*.eml"))) == 1
    third = file_backend.send(make_message(idempotency_key="campaign:4/step:1/contact:17"))
    assert third.provider_message_id != first.provider_message_id
    assert len(list(file_backend.directory.iterdir())) == 2  # and no temporary files left behind


def test_unwritable_directory_is_retried_later(tmp_path, make_message):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    outcome = FileBackend(blocker, clock=lambda: SENT_AT).send(make_message(), attempt=1)
    assert outcome.should_retry and outcome.retry_at > SENT_AT
    assert "could not save" in outcome.reason


def test_unknown_ids_are_refused(file_backend):
    with pytest.raises(ValueError):
        file_backend.path_for("file-../../etc/passwd")


def test_backend_factory(tmp_path):
    assert isinstance(create_backend("file", directory=tmp_path), FileBackend)
    sendgrid = create_backend("sendgrid", api_key="SG.x", host="http://127.0.0.1:9", timeout=3)
    assert isinstance(sendgrid, SendGridBackend) and sendgrid.timeout == 3
    for kind, settings in (("sendgrid", {}), ("file", {}), ("smtp", {"directory": tmp_path})):
        with pytest.raises(ValueError):
            create_backend(kind, **settings)
