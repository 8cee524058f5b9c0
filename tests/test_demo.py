"""`flask demo` fills a workspace and never changes who can see one, except the one user it is told to seat."""

from __future__ import annotations

import json

import pytest

from crm.accounts.models import Membership, Workspace
from crm.extensions import db
from tests.conftest import login

pytestmark = pytest.mark.both_databases


def _seats(app) -> set[tuple[str, str, str]]:
    """Every (workspace, user, role) of the instance."""
    with app.app_context():
        return {(m.workspace.name, m.user.email, m.role) for m in db.session.scalars(db.select(Membership))}


def _summary(result) -> dict:
    assert result.exit_code == 0, result.output
    return json.loads(result.output.strip().splitlines()[-1])


def test_demo_creates_the_workspace_and_seats_only_the_first_run_owner(app, runner, team):
    before = _seats(app)
    summary = _summary(runner.invoke(args=["demo", "--workspace", "Demo agency"]))
    assert summary["workspace"] == "Demo agency" and summary["members_added"] == 1
    with app.app_context():
        workspace = db.session.scalar(db.select(Workspace).where(Workspace.name == "Demo agency"))
        assert workspace.postal_address  # outreach footers need one
    first_user = "viewer@acme.example"  # the team fixture creates its users in this order
    assert _seats(app) - before == {("Demo agency", first_user, "owner")}
    rival = app.test_client()
    login(rival, team.rival_owner_email)
    assert "Demo agency" not in rival.get("/").get_data(as_text=True)


def test_demo_on_an_existing_client_workspace_leaves_its_memberships_alone(app, runner, team):
    before = _seats(app)
    summary = _summary(runner.invoke(args=["demo", "--workspace", "Acme"]))
    assert summary["members_added"] == 0
    assert _seats(app) == before
    rival = app.test_client()
    login(rival, team.rival_owner_email)
    assert rival.get("/").status_code == 200
    assert "Acme" not in rival.get("/").get_data(as_text=True)


def test_demo_with_a_user_seats_that_user_alone(app, runner, team):
    before = _seats(app)
    summary = _summary(runner.invoke(args=["demo", "--workspace", "Acme", "--user", team.rival_owner_email.upper()]))
    assert summary["members_added"] == 1
    assert _seats(app) - before == {("Acme", team.rival_owner_email, "owner")} and before <= _seats(app)
    created = _summary(runner.invoke(args=["demo", "--workspace", "Sandbox", "--user", team.emails["member"]]))
    assert created["members_added"] == 1
    assert {s for s in _seats(app) if s[0] == "Sandbox"} == {("Sandbox", team.emails["member"], "owner")}


def test_demo_keeps_an_existing_seat_as_it_is(app, runner, team):
    before = _seats(app)
    summary = _summary(runner.invoke(args=["demo", "--workspace", "Acme", "--user", team.emails["viewer"]]))
    assert summary["members_added"] == 0 and _seats(app) == before  # the viewer is not promoted


def test_demo_with_an_unknown_user_says_so_and_writes_nothing(app, runner, team):
    result = runner.invoke(args=["demo", "--workspace", "Nowhere", "--user", "nobody@example.com"])
    assert result.exit_code != 0 and "No user with the address nobody@example.com" in result.output
    with app.app_context():
        assert db.session.scalar(db.select(Workspace).where(Workspace.name == "Nowhere")) is None


def test_demo_can_run_twice(app, runner, team):
    assert _summary(runner.invoke(args=["demo", "--workspace", "Twice"]))["members_added"] == 1
    assert _summary(runner.invoke(args=["demo", "--workspace", "Twice"]))["members_added"] == 0
