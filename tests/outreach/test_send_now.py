"""The outbox's "Send now" sends the current workspace's due mail only; the periodic path sends everyone's."""

import json

import pytest
from sqlalchemy import select
from werkzeug import Response

from crm.campaigns import launching
from crm.extensions import db
from crm.outreach.models import OutboundMessage
from tests.conftest import csrf_token
from tests.outreach.world import build

pytestmark = pytest.mark.both_databases


@pytest.fixture
def provider(app, httpserver):
    """A loopback SendGrid that accepts everything and remembers who each message was for."""
    app.config.update(MAIL_BACKEND="sendgrid", SENDGRID_API_KEY="SG.test.key", SENDGRID_TIMEOUT=1,
                      SENDGRID_API_HOST=httpserver.url_for("/"), PUBLIC_BASE_URL="https://crm.example",
                      OUTREACH_SEND_WORKERS=1)
    received = []

    def accept(request):
        received.append(json.loads(request.data)["personalizations"][0]["to"][0]["email"])
        return Response("", status=202, headers={"X-Message-Id": f"sg-{len(received)}"})

    httpserver.expect_request("/v3/mail/send", method="POST").respond_with_handler(accept)
    return received


def _statuses(app) -> dict[int, dict[str, str]]:
    with app.app_context():
        found: dict[int, dict[str, str]] = {}
        for row in db.session.scalars(select(OutboundMessage)):
            found.setdefault(row.workspace_id, {})[row.to_email] = row.status
        return found


def test_send_now_leaves_other_workspaces_due_mail_queued(app, team, as_role, runner, provider):
    with app.app_context():
        for workspace_id in (team.workspace_id, team.rival_workspace_id):
            world = build(workspace_id, people=2)
            launching.launch(world.workspace_id, world.sequence_id, world.recipients(), None)
    before = _statuses(app)
    assert set(before[team.rival_workspace_id].values()) == set(before[team.workspace_id].values()) == {"queued"}

    member = as_role("member")
    response = member.post("/outbox/send-now", data={"csrf_token": csrf_token(member, "/outbox")})
    assert response.status_code == 302
    after = _statuses(app)
    assert set(after[team.workspace_id].values()) == {"sent"}
    assert set(after[team.rival_workspace_id].values()) == {"queued"}
    assert sorted(provider) == sorted(after[team.workspace_id])  # nothing of Rival's reached the provider

    result = runner.invoke(args=["outreach", "send-due"])  # the periodic path still sends every workspace's mail
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["sent"] == 2
    assert set(_statuses(app)[team.rival_workspace_id].values()) == {"sent"}
