"""Workspaces: switching, roles, invitations, and the CLI that makes users."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from crm.accounts.models import Invitation, Membership, User, Workspace
from crm.db import utcnow
from crm.extensions import db
from tests.accounts.factories import MembershipFactory, UserFactory, WorkspaceFactory
from tests.conftest import csrf_token, login

pytestmark = pytest.mark.both_databases


def test_switching_to_another_of_my_workspaces(app, client, team):
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == team.emails["member"]))
        other = WorkspaceFactory(name="Beta Client")
        MembershipFactory(user=user, workspace=other, role="viewer")
        other_id = other.id
    login(client, team.emails["member"])
    page = client.get("/").get_data(as_text=True)
    assert "Beta Client (viewer)" in page  # offered in the header switcher
    response = client.post("/workspaces/switch", data={"workspace_id": other_id, "csrf_token": csrf_token(client, "/")})
    assert response.status_code == 302
    assert "<h1 class=\"h3 mb-0\">Beta Client</h1>" in client.get("/").get_data(as_text=True)


def test_switching_to_a_workspace_i_do_not_belong_to_is_refused(client, team):
    login(client, team.emails["owner"])
    response = client.post(
        "/workspaces/switch", data={"workspace_id": team.rival_workspace_id, "csrf_token": csrf_token(client, "/")}
    )
    assert response.status_code == 404
    assert "Acme" in client.get("/").get_data(as_text=True)


def _save_settings(client, name="Acme Renamed"):
    return client.post(
        "/workspace/settings",
        data={"name": name, "postal_address": "2 Road", "csrf_token": csrf_token(client, "/workspace/settings")},
    )


def test_viewers_and_members_read_settings_but_cannot_change_them(as_role):
    for role in ("viewer", "member"):
        client = as_role(role)
        assert client.get("/workspace/settings").status_code == 200
        assert _save_settings(client).status_code == 403


def test_admins_change_settings(app, as_role, team):
    assert _save_settings(as_role("admin")).status_code == 302
    with app.app_context():
        assert db.session.get(Membership, 1).workspace.name == "Acme Renamed"


def test_owner_invites_and_the_invitee_joins_with_a_new_account(app, as_role, team):
    owner = as_role("owner")
    response = owner.post(
        "/workspace/invitations",
        data={"email": "newbie@acme.example", "role": "member", "csrf_token": csrf_token(owner, "/workspace/settings")},
        follow_redirects=True,
    )
    link = re.search(r"http://localhost(/invitations/[\w-]+)", response.get_data(as_text=True)).group(1)
    guest = app.test_client()
    page = guest.get(link)
    assert "Join Acme" in page.get_data(as_text=True)
    joined = guest.post(
        link,
        data={"name": "New Bie", "password": "a long enough secret", "confirm": "a long enough secret",
              "csrf_token": csrf_token(guest, link)},
    )
    assert joined.status_code == 302
    assert "Acme" in guest.get("/").get_data(as_text=True)
    assert app.test_client().get(link).status_code == 404  # used once only


def test_members_cannot_invite(as_role):
    member = as_role("member")
    response = member.post(
        "/workspace/invitations",
        data={"email": "x@acme.example", "role": "owner", "csrf_token": csrf_token(member, "/workspace/settings")},
    )
    assert response.status_code == 403


def test_withdrawn_and_expired_invitations_do_not_work(app, as_role, team):
    with app.app_context():
        expired = Invitation(workspace_id=team.workspace_id, email="late@acme.example", role="member",
                             token_hash="0" * 64, expires_at=utcnow() - timedelta(minutes=1))
        db.session.add(expired)
        db.session.commit()
    owner = as_role("owner")
    response = owner.post(
        "/workspace/invitations",
        data={"email": "maybe@acme.example", "role": "viewer", "csrf_token": csrf_token(owner, "/workspace/settings")},
        follow_redirects=True,
    )
    link = re.search(r"http://localhost(/invitations/[\w-]+)", response.get_data(as_text=True)).group(1)
    with app.app_context():
        pending = db.session.scalar(db.select(Invitation).where(Invitation.email == "maybe@acme.example"))
        pending_id = pending.id
    token = csrf_token(owner, "/workspace/settings")
    owner.post(f"/workspace/invitations/{pending_id}/revoke", data={"csrf_token": token})
    assert app.test_client().get(link).status_code == 404


def test_an_invitation_for_another_address_cannot_be_taken_by_a_signed_in_user(app, as_role, team):
    owner = as_role("owner")
    response = owner.post(
        "/workspace/invitations",
        data={"email": "someone@else.example", "role": "admin", "csrf_token": csrf_token(owner, "/workspace/settings")},
        follow_redirects=True,
    )
    link = re.search(r"http://localhost(/invitations/[\w-]+)", response.get_data(as_text=True)).group(1)
    intruder = app.test_client()
    login(intruder, team.rival_owner_email)
    answer = intruder.post(link, data={"csrf_token": csrf_token(intruder, link)}, follow_redirects=True)
    assert "This invitation is for someone@else.example" in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(
            db.select(Membership).join(User).where(User.email == team.rival_owner_email,
                                                   Membership.workspace_id == team.workspace_id)
        ) is None


def test_the_last_owner_cannot_be_demoted(app, as_role, team):
    owner = as_role("owner")
    with app.app_context():
        own = db.session.scalar(db.select(Membership).where(Membership.user_id == team.user_ids["owner"]))
        own_id = own.id
    response = owner.post(
        f"/workspace/members/{own_id}/role",
        data={"role": "viewer", "csrf_token": csrf_token(owner, "/workspace/settings")},
        follow_redirects=True,
    )
    assert "at least one owner" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Membership, own_id).role == "owner"


def _create_workspace(client, name="Side Project"):
    return client.post("/workspaces", data={"name": name, "csrf_token": csrf_token(client, "/workspaces")})


def _workspace_names(app) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(db.select(Workspace.name)))


def test_only_instance_admins_create_workspaces_by_default(app, as_role):
    owner = as_role("owner")  # an owner of Acme, but not an instance admin
    page = owner.get("/workspaces").get_data(as_text=True)
    assert "Create workspace" not in page and "Only instance admins can create workspaces" in page
    response = _create_workspace(owner)
    assert response.status_code == 403 and "Only instance admins can create workspaces" in response.get_data(
        as_text=True)
    assert "Side Project" not in _workspace_names(app)


def test_everyone_creates_workspaces_when_the_setting_allows_it(app, as_role):
    app.config["WORKSPACE_CREATION"] = "everyone"
    client = as_role("viewer")
    assert "Create workspace" in client.get("/workspaces").get_data(as_text=True)
    assert _create_workspace(client).status_code == 302
    assert "Side Project (owner)" in client.get("/").get_data(as_text=True)


def test_an_instance_admin_made_on_the_command_line_creates_workspaces(app, runner, team):
    result = runner.invoke(args=["users", "create", "--email", "root@agency.example", "--password", "long password 1",
                                 "--admin"])
    assert result.exit_code == 0 and "an instance admin" in result.output, result.output
    client = app.test_client()
    login(client, "root@agency.example", "long password 1")
    assert _create_workspace(client, "Admin Made").status_code == 302
    assert "Admin Made (owner)" in client.get("/").get_data(as_text=True)
    # and an existing user is made one with set-admin
    viewer = app.test_client()
    login(viewer, team.emails["viewer"])
    assert _create_workspace(viewer, "Viewer Made").status_code == 403
    assert runner.invoke(args=["users", "set-admin", "--email", team.emails["viewer"]]).exit_code == 0
    assert _create_workspace(viewer, "Viewer Made").status_code == 302
    assert runner.invoke(args=["users", "set-admin", "--email", "nobody@x.example"]).exit_code != 0


def test_users_create_command(app, runner):
    result = runner.invoke(args=["users", "create", "--email", "Boss@Agency.example", "--password", "long password 1",
                                 "--workspace", "Agency", "--role", "owner"])
    assert result.exit_code == 0, result.output
    assert "Created boss@agency.example in Agency as owner" in result.output
    assert login(app.test_client(), "boss@agency.example", "long password 1").status_code == 302
    again = runner.invoke(args=["users", "create", "--email", "boss@agency.example", "--password", "long password 1"])
    assert again.exit_code != 0 and "already exists" in again.output


def test_users_create_refuses_a_short_password(runner):
    result = runner.invoke(args=["users", "create", "--email", "a@b.example", "--password", "short"])
    assert result.exit_code != 0 and "at least 10 characters" in result.output


def test_first_run_makes_one_owner_and_prints_a_working_sign_in(app, runner):
    result = runner.invoke(args=["users", "first-run"])
    email = re.search(r"email:\s+(\S+)", result.output).group(1)
    password = re.search(r"password:\s+(\S+)", result.output).group(1)
    assert login(app.test_client(), email, password).status_code == 302
    client = app.test_client()
    login(client, email, password)
    assert _create_workspace(client, "Second Client").status_code == 302  # the first user is an instance admin
    second = runner.invoke(args=["users", "first-run"])
    assert "password:" not in second.output and "Sign in at" in second.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 1


def test_a_user_without_any_workspace_is_asked_to_create_one(app, client):
    with app.app_context():
        UserFactory(email="loner@agency.example")
    login(client, "loner@agency.example")
    response = client.get("/", follow_redirects=True)
    assert "Create a workspace" in response.get_data(as_text=True) or "New workspace" in response.get_data(as_text=True)
