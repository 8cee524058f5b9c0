"""The daily link digest goes to owners and admins through the configured mail backend."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

from crm.db import utcnow
from crm.links.digest import send_digests
from tests.links.factories import BacklinkFactory, LinkAlertFactory


def _alert(app, team):
    with app.app_context():
        backlink = BacklinkFactory(workspace_id=team.workspace_id, source_url="https://blog.example.org/post/")
        LinkAlertFactory(backlink=backlink, kind="removed", created_at=utcnow() - timedelta(hours=2),
                         message="The link on blog.example.org/post is no longer there.")


def test_the_digest_lands_in_the_file_backends_outbox(app, team):
    _alert(app, team)
    with app.app_context():
        assert send_digests()["digests"] == 1
    outbox = os.path.join(app.instance_path, "outbox")
    saved = [Path(outbox, name).read_text(encoding="utf-8") for name in os.listdir(outbox)]
    assert len(saved) == 2  # the owner and the admin, one message each
    assert all("no longer there" in text for text in saved)
    assert {line for text in saved for line in text.splitlines() if line.startswith("To:")} == {
        "To: admin@acme.example", "To: owner@acme.example"}


def test_the_digest_goes_through_sendgrid_when_configured(app, team, httpserver):
    httpserver.expect_request("/v3/mail/send", method="POST").respond_with_data(
        "", status=202, headers={"X-Message-Id": "digest-1"})
    app.config.update(MAIL_BACKEND="sendgrid", SENDGRID_API_KEY="SG.test", SENDGRID_API_HOST=httpserver.url_for(""))
    _alert(app, team)
    with app.app_context():
        assert send_digests()["digests"] == 1
    bodies = [json.loads(request.data) for request, _ in httpserver.log]
    assert sorted(body["personalizations"][0]["to"][0]["email"] for body in bodies) == [
        "admin@acme.example", "owner@acme.example"]
    assert all("no longer there" in body["content"][0]["value"] for body in bodies)
    assert not os.path.exists(os.path.join(app.instance_path, "outbox"))  # nothing kept as a file besides
