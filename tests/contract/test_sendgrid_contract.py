"""Every message shape the product builds is accepted by Prism validating against SendGrid's Mail Send description."""

import json
import os
import socket
import subprocess
import time
from pathlib import Path

import pytest
import sendgrid
from python_http_client.exceptions import HTTPError

from crm.mail.backends.sendgrid_api import SendGridBackend, build_request_body
from crm.mail.message import Address, OutgoingMessage, make_message_id, text_to_html, thread_headers
from crm.mail.message import unsubscribe_headers as list_unsubscribe

pytestmark = pytest.mark.contract

REPO = Path(__file__).resolve().parents[2]
PRISM = REPO / "node_modules" / ".bin" / "prism"
SPEC = REPO.parent / "shared" / "sendgrid" / "tsg_mail_v3.json"
API_KEY = "SG.contract.test"
STARTUP_SECONDS = 60


def _unavailable(reason: str, required_by: tuple[str, ...] = ("CI", "CRM_REQUIRE_SERVICES")):
    """Skip with the reason, or fail when the environment says these tests must run (CI always does)."""
    if os.environ.get("CI", "").lower() == "true" and "CI" in required_by:
        pytest.fail(f"{reason} (CI=true requires the SendGrid contract tests to run)")
    if os.environ.get("CRM_REQUIRE_SERVICES") == "1" and "CRM_REQUIRE_SERVICES" in required_by:
        pytest.fail(f"{reason} (CRM_REQUIRE_SERVICES=1 requires the SendGrid contract tests to run)")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="module")
def prism(tmp_path_factory):
    """A Prism mock of SendGrid's Mail Send API on a free loopback port, reporting request violations as errors."""
    if not PRISM.exists():
        _unavailable(f"Prism is not installed at {PRISM} (run npm install)")
    if not SPEC.exists():
        # The description is SendGrid's, not ours: it is never copied into the repository, only read beside it.
        _unavailable(f"SendGrid's OpenAPI description is not beside the repository at {SPEC}", required_by=("CI",))
    port = _free_port()
    log_path = tmp_path_factory.mktemp("prism") / "prism.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(PRISM), "mock", str(SPEC), "--host", "127.0.0.1", "--port", str(port), "--errors"],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=REPO,
        )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _listening(port):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"Prism did not start:\n{log_path.read_text(errors='replace')[-2000:]}")
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _message(**changes) -> OutgoingMessage:
    key = changes.pop("idempotency_key", "campaign:4/step:0/contact:17")
    values = {
        "sender": Address("sam@agency.example.com", "Sam Rivera"),
        "recipient": Address("ana@gardenblog.example.com", "Ana"),
        "subject": "Quick idea for gardenblog.example.com",
        "text": "Hi Ana,\n\nI loved your raised beds article.\n\nSam",
        "idempotency_key": key,
        "message_id": make_message_id(key, "agency.example.com"),
    }
    return OutgoingMessage(**{**values, **changes})


UNSUBSCRIBE = list_unsubscribe("https://crm.example.com/u/abc234", "unsubscribe+abc234@replies.example.com")
FIRST_ID = make_message_id("campaign:4/step:0/contact:17", "agency.example.com")

SHAPES = {
    "first pitch, plain text": _message(headers=UNSUBSCRIBE),
    "first pitch with everything": _message(
        html=text_to_html("Hi Ana,\n\nSee https://ourshop.example.com/guide"),
        reply_to=Address("reply+mfrgg2lt@replies.example.com", "Sam Rivera"),
        headers=UNSUBSCRIBE,
        custom_args={"outbound_id": "17", "workspace_id": "3", "campaign_id": "4"},
        categories=("outreach", "campaign-4"),
    ),
    "follow-up in the same thread": _message(
        idempotency_key="campaign:4/step:1/contact:17",
        subject="Re: Quick idea for gardenblog.example.com",
        headers={**UNSUBSCRIBE, **thread_headers(FIRST_ID)},
        custom_args={"outbound_id": "18", "workspace_id": "3"},
    ),
    "second follow-up with references": _message(
        idempotency_key="campaign:4/step:2/contact:17",
        headers=thread_headers(make_message_id("campaign:4/step:1/contact:17", "agency.example.com"), [FIRST_ID]),
    ),
    "with html only as alternative": _message(html="<p>Hi Ana</p>"),
    "with custom args only": _message(custom_args={"outbound_id": "19"}),
    "with categories only": _message(categories=("outreach",)),
    "with reply-to only": _message(reply_to=Address("reply+abc@replies.example.com")),
    "unicode names and subject": _message(
        sender=Address("sam@agency.example.com", "Søren Ødegård"),
        recipient=Address("jose@sitio.example.com", "José Núñez, Editor"),
        subject="Idée rapide pour «sitio» — 10 % de réduction 🌱",
        text="¡Hola José! Ça va? Grüße aus München. 你好",
    ),
    "no display names": _message(
        sender=Address("sam@agency.example.com"), recipient=Address("ana@gardenblog.example.com")
    ),
}


@pytest.mark.parametrize("shape", list(SHAPES))
def test_every_message_shape_is_accepted(prism, shape):
    outcome = SendGridBackend(API_KEY, host=prism, timeout=10).send(SHAPES[shape])
    assert outcome.accepted, f"{shape}: {outcome.reason} (HTTP {outcome.http_status})"
    assert outcome.http_status == 202


def _post_raw(prism: str, body: dict) -> int:
    client = sendgrid.SendGridAPIClient(api_key=API_KEY, host=prism)
    client.client.timeout = 10
    try:
        return client.send(body).status_code
    except HTTPError as exc:
        return exc.status_code


def _broken(change) -> dict:
    body = json.loads(json.dumps(build_request_body(SHAPES["first pitch with everything"])))
    change(body)
    return body


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda b: b.update(custom_args={"outbound_id": "17"}), id="custom args at top level"),
        pytest.param(lambda b: b.pop("from"), id="no sender"),
        pytest.param(lambda b: b.update(subject=""), id="empty subject"),
        pytest.param(lambda b: b["personalizations"][0]["to"][0].update(email="not-an-address"), id="bad recipient"),
        pytest.param(lambda b: b.update(categories=[f"c{i}" for i in range(11)]), id="too many categories"),
    ],
)
def test_invalid_shapes_are_rejected(prism, change):
    assert _post_raw(prism, _broken(change)) in {400, 422}


def test_unchanged_body_is_accepted_by_the_raw_client(prism):
    assert _post_raw(prism, _broken(lambda b: None)) == 202


def test_a_wrong_api_host_fails_instead_of_retrying_forever(prism):
    outcome = SendGridBackend(API_KEY, host=prism + "/nowhere", timeout=10).send(SHAPES["first pitch, plain text"])
    assert outcome.failed and outcome.http_status == 404


def test_every_message_the_product_builds_is_accepted(prism, app, team):
    """First pitches and follow-ups as the outbox builds them (footer, unsubscribe and thread headers, Reply-To)."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import select

    from crm.campaigns import launching
    from crm.extensions import db
    from crm.outreach import sending
    from crm.outreach.models import OutboundMessage
    from tests.outreach.world import build

    app.config.update(MAIL_BACKEND="sendgrid", SENDGRID_API_KEY=API_KEY, SENDGRID_API_HOST=prism, SENDGRID_TIMEOUT=10,
                      PUBLIC_BASE_URL="https://crm.example.com", REPLY_DOMAIN="replies.example.com")
    monday = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    with app.app_context():
        world = build(team.workspace_id, people=2, from_email="sam@agency.example.com", reply_domain="")
        launching.launch(world.workspace_id, world.sequence_id, world.recipients(), None, monday)
        for day in (0, 3, 10):  # the first pitch, then each follow-up as it comes due
            sending.send_due(now=monday + timedelta(days=day), workers=1)
        rows = db.session.scalars(select(OutboundMessage).order_by(OutboundMessage.id)).all()
        assert len(rows) == 6
        assert {(r.step_position, r.status) for r in rows} == {(1, "sent"), (2, "sent"), (3, "sent")}, [
            r.last_error for r in rows]
        assert all(r.reply_to.endswith("@replies.example.com") for r in rows)
        assert all(r.in_reply_to for r in rows if r.step_position > 1)


@pytest.mark.parametrize(
    ("env", "required_by", "outcome"),
    [
        ({}, ("CI",), pytest.skip.Exception),
        ({"CRM_REQUIRE_SERVICES": "1"}, ("CI",), pytest.skip.Exception),
        ({"CI": "true"}, ("CI",), pytest.fail.Exception),
        ({"CRM_REQUIRE_SERVICES": "1"}, ("CI", "CRM_REQUIRE_SERVICES"), pytest.fail.Exception),
    ],
)
def test_a_missing_description_skips_on_a_laptop_and_fails_in_ci(monkeypatch, env, required_by, outcome):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("CRM_REQUIRE_SERVICES", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(outcome, match="not beside the repository"):
        _unavailable("SendGrid's OpenAPI description is not beside the repository at /x", required_by=required_by)
