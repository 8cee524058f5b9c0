"""Outbound webhooks delivered to real loopback receivers: signed, retried, paused, replayed, refused."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select
from standardwebhooks.webhooks import Webhook
from werkzeug import Response

from crm import events
from crm.api import webhooks
from crm.api.models import WebhookDelivery, WebhookEndpoint
from crm.campaigns.models import Task
from crm.db import utcnow
from crm.extensions import db
from tests.conftest import csrf_token
from tests.support.announcing import announce_now

pytestmark = pytest.mark.both_databases


def _received(httpserver) -> list:
    return [request for request, _ in httpserver.log]


def _verified(secret: str, request) -> dict:
    """The payload as a Standard Webhooks receiver library sees it (raises when the signature is wrong)."""
    headers = {name.lower(): value for name, value in request.headers.items()}
    return Webhook(secret).verify(request.get_data(as_text=True), headers)


def _endpoint(team, url, events_=("backlink.lost",), **kw):
    return webhooks.create_endpoint(team.workspace_id, url=url, events=list(events_),
                                    created_by_id=team.user_ids["owner"], **kw)


def test_cli_add_prints_id_and_whsec_secret_and_events_are_signed(hooks_app, runner, team, httpserver):
    httpserver.expect_request("/hook", method="POST").respond_with_data("thanks")
    result = runner.invoke(args=["webhooks", "add", "--workspace", "Acme", "--url", httpserver.url_for("/hook"),
                                 "--events", "backlink.lost,reply.received"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert printed["secret"].startswith("whsec_") and printed["id"]
    with hooks_app.app_context():
        announce_now(events.link_lost, team.workspace_id, backlink_id=7, opportunity_id=3, campaign_id=2,
                     reasons=["removed"])
        row = db.session.scalar(select(WebhookDelivery))
        assert row.status == "delivered" and row.response_status == 200 and row.response_excerpt == "thanks"
    (request,) = _received(httpserver)
    body = _verified(printed["secret"], request)
    assert body["type"] == "backlink.lost"
    assert body["data"]["backlink_id"] == 7 and body["data"]["reasons"] == ["removed"]
    assert request.headers["webhook-id"] == row.webhook_id


def test_a_tampered_body_fails_verification(hooks_app, team, httpserver):
    httpserver.expect_request("/hook").respond_with_data("")
    with hooks_app.app_context():
        _, secret = _endpoint(team, httpserver.url_for("/hook"))
        announce_now(events.link_lost, team.workspace_id, backlink_id=1, opportunity_id=None, campaign_id=None,
                     reasons=[])
    (request,) = _received(httpserver)
    headers = {name.lower(): value for name, value in request.headers.items()}
    with pytest.raises(Exception, match=r"(?i)signature"):
        Webhook(secret).verify(request.get_data(as_text=True).replace("lost", "live"), headers)


def test_unknown_event_names_are_refused_and_nothing_is_written(hooks_app, runner, team, httpserver):
    result = runner.invoke(args=["webhooks", "add", "--workspace", "Acme", "--url", httpserver.url_for("/h"),
                                 "--events", "backlink.lost,link.exploded"])
    assert result.exit_code != 0 and "link.exploded" in result.output
    with hooks_app.app_context():
        assert db.session.scalar(select(WebhookEndpoint)) is None


def test_events_only_reach_endpoints_subscribed_to_them(hooks_app, team, httpserver):
    httpserver.expect_request("/hook").respond_with_data("")
    with hooks_app.app_context():
        _endpoint(team, httpserver.url_for("/hook"), ("reply.received",))
        announce_now(events.link_lost, team.workspace_id, backlink_id=1, opportunity_id=None, campaign_id=None,
                     reasons=[])
        announce_now(events.link_lost, team.rival_workspace_id, backlink_id=1, opportunity_id=None, campaign_id=None,
                              reasons=[])
    assert _received(httpserver) == []


def test_a_500_is_retried_later_with_the_same_webhook_id(hooks_app, team, httpserver):
    answers = iter([Response("busy", status=500), Response("ok", status=200)])
    httpserver.expect_request("/hook").respond_with_handler(lambda request: next(answers))
    with hooks_app.app_context():
        _endpoint(team, httpserver.url_for("/hook"))
        announce_now(events.link_lost, team.workspace_id, backlink_id=5, opportunity_id=None, campaign_id=None,
                     reasons=[])
        row = db.session.scalar(select(WebhookDelivery))
        assert row.status == "pending" and row.response_status == 500 and row.next_attempt_at > utcnow()
        assert webhooks.deliver_due() == {"delivered": 0, "pending": 0, "failed": 0}  # not due yet
        counts = webhooks.deliver_due(now=utcnow() + timedelta(hours=1))
        db.session.refresh(row)
        assert counts["delivered"] == 1 and row.status == "delivered" and row.attempts == 2
    first, second = _received(httpserver)
    assert first.headers["webhook-id"] == second.headers["webhook-id"]


def test_an_endpoint_failing_again_and_again_is_paused_and_its_owner_gets_a_task(hooks_app, team, httpserver):
    hooks_app.config.update(WEBHOOK_PAUSE_AFTER=3, WEBHOOK_MAX_ATTEMPTS=1)
    httpserver.expect_request("/hook").respond_with_data("down", status=503)
    with hooks_app.app_context():
        endpoint, _ = _endpoint(team, httpserver.url_for("/hook"))
        for backlink_id in range(4):
            announce_now(events.link_lost, team.workspace_id, backlink_id=backlink_id, opportunity_id=None,
                         campaign_id=None,
                                  reasons=[])
        db.session.refresh(endpoint)
        assert endpoint.paused and "3 failed" in endpoint.paused_reason
        task = db.session.scalar(select(Task).where(Task.kind == "webhook_paused"))
        assert task.assignee_id == team.user_ids["owner"] and endpoint.url[:40] in task.title
    assert len(_received(httpserver)) == 3  # the fourth event found the endpoint paused


def test_a_redirect_is_not_followed(hooks_app, team, httpserver):
    httpserver.expect_request("/hook").respond_with_data("", status=302, headers={"Location": "/elsewhere"})
    httpserver.expect_request("/elsewhere").respond_with_data("should not be reached")
    with hooks_app.app_context():
        _endpoint(team, httpserver.url_for("/hook"))
        announce_now(events.link_lost, team.workspace_id, backlink_id=1, opportunity_id=None, campaign_id=None,
                     reasons=[])
        row = db.session.scalar(select(WebhookDelivery))
        assert row.status == "failed" and row.response_status == 302
    assert [r.path for r in _received(httpserver)] == ["/hook"]


def test_loopback_is_refused_at_creation_without_the_test_switch(app, runner, team, httpserver):
    result = runner.invoke(args=["webhooks", "add", "--workspace", "Acme", "--url", httpserver.url_for("/hook"),
                                 "--events", "backlink.lost"])
    assert result.exit_code != 0 and "cannot receive webhooks" in result.output
    for url in ("http://169.254.169.254/latest", "http://10.1.2.3/hook", "http://[::1]/x", "ftp://example.com/"):
        with app.app_context(), pytest.raises(webhooks.WebhookError):
            _endpoint(team, url)


def test_loopback_is_refused_at_delivery_once_the_switch_is_off(hooks_app, team, httpserver):
    httpserver.expect_request("/hook").respond_with_data("")
    with hooks_app.app_context():
        _endpoint(team, httpserver.url_for("/hook"))
        hooks_app.config["FETCH_ALLOW_PRIVATE_NETWORKS"] = False  # as if the name now resolved inward
        announce_now(events.link_lost, team.workspace_id, backlink_id=1, opportunity_id=None, campaign_id=None,
                     reasons=[])
        row = db.session.scalar(select(WebhookDelivery))
        assert row.status == "failed" and row.error == "blocked_address" and row.response_status is None
    assert _received(httpserver) == []


def test_slack_endpoints_get_the_event_in_words(hooks_app, team, httpserver):
    httpserver.expect_request("/slack").respond_with_data("ok")
    with hooks_app.app_context():
        _endpoint(team, httpserver.url_for("/slack"), ("contact.unsubscribed",), kind="slack")
        announce_now(events.unsubscribe, team.workspace_id, contact_id=12, email="ann@blog.example")
    (request,) = _received(httpserver)
    assert request.get_json() == {"text": "ann@blog.example unsubscribed (contact 12)."}


def test_settings_page_adds_tests_and_sends_again(hooks_app, team, as_role, httpserver):
    httpserver.expect_request("/hook").respond_with_data("got it")
    owner = as_role("owner")
    page = owner.post("/settings/webhooks", data={
        "url": httpserver.url_for("/hook"), "kind": "standard", "events": ["backlink.live", "import.finished"],
        "csrf_token": csrf_token(owner, "/settings/webhooks")})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="new-secret"' in html
    secret = html.split('id="new-secret"')[1].split("<code", 1)[1].split(">", 1)[1].split("<", 1)[0]
    assert secret.startswith("whsec_")
    assert secret not in owner.get("/settings/webhooks").get_data(as_text=True)  # shown once
    with hooks_app.app_context():
        endpoint_id = db.session.scalar(select(WebhookEndpoint.id))
    token = csrf_token(owner, "/settings/webhooks")
    log = owner.post(f"/settings/webhooks/{endpoint_id}/test", data={"csrf_token": token}, follow_redirects=True)
    assert "webhook.test" in log.get_data(as_text=True) and "got it" in log.get_data(as_text=True)
    with hooks_app.app_context():
        delivery_id = db.session.scalar(select(WebhookDelivery.id))
    owner.post(f"/settings/webhooks/deliveries/{delivery_id}/resend", data={"csrf_token": token})
    first, second = _received(httpserver)
    assert _verified(secret, first)["type"] == _verified(secret, second)["type"] == "webhook.test"
    assert first.headers["webhook-id"] != second.headers["webhook-id"]


def test_members_cannot_reach_the_webhooks_settings(hooks_app, team, as_role):
    assert as_role("member").get("/settings/webhooks").status_code == 403


def test_pause_and_resume_from_the_page(hooks_app, team, as_role, httpserver):
    httpserver.expect_request("/hook").respond_with_data("")
    with hooks_app.app_context():
        endpoint_id = _endpoint(team, httpserver.url_for("/hook"))[0].id
    admin = as_role("admin")
    token = csrf_token(admin, "/settings/webhooks")
    admin.post(f"/settings/webhooks/{endpoint_id}/pause", data={"csrf_token": token})
    with hooks_app.app_context():
        announce_now(events.link_lost, team.workspace_id, backlink_id=1, opportunity_id=None, campaign_id=None,
                     reasons=[])
    assert _received(httpserver) == []
    admin.post(f"/settings/webhooks/{endpoint_id}/resume", data={"csrf_token": token})
    with hooks_app.app_context():
        announce_now(events.link_lost, team.workspace_id, backlink_id=1, opportunity_id=None, campaign_id=None,
                     reasons=[])
    assert len(_received(httpserver)) == 1
