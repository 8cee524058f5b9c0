"""`flask demo` fills a workspace and makes it visible to the existing owners."""

from __future__ import annotations

import json

from crm.accounts.models import Membership, Workspace
from crm.extensions import db
from tests.conftest import login


def test_demo_creates_the_workspace_and_gives_owners_a_seat(app, runner, team):
    result = runner.invoke(args=["demo", "--workspace", "Demo agency"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert summary["workspace"] == "Demo agency"
    with app.app_context():
        workspace = db.session.scalar(db.select(Workspace).where(Workspace.name == "Demo agency"))
        assert workspace.postal_address  # outreach footers need one
        owners = db.session.scalars(db.select(Membership).where(Membership.workspace_id == workspace.id)).all()
        assert {m.role for m in owners} == {"owner"} and len(owners) == summary["members_added"] == 2
    client = app.test_client()
    login(client, team.emails["owner"])
    assert "Demo agency (owner)" in client.get("/").get_data(as_text=True)


def test_demo_can_run_twice(app, runner, team):
    assert runner.invoke(args=["demo", "--workspace", "Twice"]).exit_code == 0
    second = runner.invoke(args=["demo", "--workspace", "Twice"])
    assert second.exit_code == 0, second.output
    assert json.loads(second.output.strip().splitlines()[-1])["members_added"] == 0
