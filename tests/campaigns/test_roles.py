"""Roles on the pipeline: viewers read, members work their own and unassigned rows, admins everything."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crm.campaigns.models import Cost, Opportunity, Task
from crm.extensions import db
from tests.campaigns.conftest import messages
from tests.campaigns.factories import CampaignFactory, OpportunityFactory, TaskFactory
from tests.prospects.factories import SiteFactory


@pytest.fixture
def board(app, team):
    """A campaign owned by the admin with three cards: the member's, the admin's, and an unassigned one."""
    with app.app_context():
        ws, users = team.workspace_id, team.user_ids
        campaign = CampaignFactory(workspace_id=ws, owner_id=users["admin"], name="Guest posts")
        ids = {}
        for name, owner in (("mine", users["member"]), ("theirs", users["admin"]), ("free", None)):
            site = SiteFactory(workspace_id=ws, domain=f"{name}.example")
            ids[name] = OpportunityFactory(workspace_id=ws, campaign=campaign, site=site, owner_id=owner).id
        return {"campaign": campaign.id, **ids}


def stage_of(app, opportunity_id):
    with app.app_context():
        return db.session.get(Opportunity, opportunity_id).stage


def move(client, token, opportunity_id, stage, json=False):
    headers = {"Accept": "application/json"} if json else {}
    return client.post(f"/campaigns/opportunities/{opportunity_id}/move", headers=headers,
                       data={"csrf_token": token, "stage": stage})


def test_viewers_read_the_board_but_change_nothing(app, board, signed_in):
    client, token = signed_in("viewer")
    page = client.get(f"/campaigns/{board['campaign']}").get_data(as_text=True)
    assert "mine.example" in page and "js-move-form" not in page and "Add prospects" not in page
    assert 'data-editable="0"' in page
    assert move(client, token, board["mine"], "pitched").status_code == 403
    assert client.post("/campaigns/new", data={"csrf_token": token, "name": "X"}).status_code == 403
    assert client.get(f"/campaigns/{board['campaign']}/prospects").status_code == 403
    assert stage_of(app, board["mine"]) == "prospect"


def test_members_move_their_own_and_unassigned_cards_only(app, board, signed_in):
    client, token = signed_in("member")
    page = client.get(f"/campaigns/{board['campaign']}").get_data(as_text=True)
    assert page.count("js-move-form") == 2  # no control on the admin's card
    assert move(client, token, board["mine"], "pitched").status_code == 302
    assert move(client, token, board["free"], "pitched", json=True).json["ok"] is True
    refused = move(client, token, board["theirs"], "pitched", json=True)
    assert refused.status_code == 403 and "belongs to someone else" in refused.json["error"]
    assert [stage_of(app, board[k]) for k in ("mine", "free", "theirs")] == ["pitched", "pitched", "prospect"]


def test_admins_move_anyones_card(app, board, signed_in):
    client, token = signed_in("admin")
    for key in ("mine", "theirs", "free"):
        assert move(client, token, board[key], "won", json=True).json["stage"] == "won"


def test_members_cannot_edit_someone_elses_opportunity(app, team, board, signed_in):
    client, token = signed_in("member")
    response = client.post(f"/campaigns/opportunities/{board['theirs']}", data={
        "csrf_token": token, "notes": "hijacked", "currency": "USD", "term": "permanent",
        "owner_id": str(team.user_ids["admin"]), "contact_id": "", "target_page_id": "", "payment_status": "",
    }, follow_redirects=True)
    assert "belongs to someone else" in messages(response)
    with app.app_context():
        assert db.session.get(Opportunity, board["theirs"]).notes == ""
    page = client.get(f"/campaigns/opportunities/{board['theirs']}").get_data(as_text=True)
    assert "only they or an admin can change it" in page


def test_members_take_cards_but_do_not_give_them_away(app, team, board, signed_in):
    client, token = signed_in("member")
    base = {"csrf_token": token, "action": "owner", "stage": "prospect"}
    table = f"/campaigns/{board['campaign']}/bulk"
    client.post(table, data={**base, "owner_id": str(team.user_ids["admin"]), "opportunity_ids": [board["free"]]})
    assert "Only admins hand opportunities" in messages(client.get(f"/campaigns/{board['campaign']}/table"))
    client.post(table, data={**base, "owner_id": str(team.user_ids["member"]), "opportunity_ids": [board["free"]]})
    with app.app_context():
        assert db.session.get(Opportunity, board["free"]).owner_id == team.user_ids["member"]


def test_a_bulk_move_with_someone_elses_card_changes_nothing(app, board, signed_in):
    client, token = signed_in("member")
    client.post(f"/campaigns/{board['campaign']}/bulk", data={
        "csrf_token": token, "action": "stage", "stage": "declined",
        "opportunity_ids": [board["mine"], board["theirs"], board["free"]],
    })
    assert "Nothing was changed: these belong to someone else: theirs.example." in messages(
        client.get(f"/campaigns/{board['campaign']}/table"))
    assert {stage_of(app, board[k]) for k in ("mine", "theirs", "free")} == {"prospect"}
    client.post(f"/campaigns/{board['campaign']}/bulk", data={
        "csrf_token": token, "action": "stage", "stage": "declined", "opportunity_ids": [board["mine"], board["free"]],
    })
    assert "Moved 2 to Declined." in messages(client.get(f"/campaigns/{board['campaign']}/table"))
    assert stage_of(app, board["mine"]) == stage_of(app, board["free"]) == "declined"


def test_campaign_settings_and_costs_are_the_owners_or_an_admins(app, team, board, signed_in):
    member, token = signed_in("member")
    assert member.get(f"/campaigns/{board['campaign']}/edit").status_code == 403
    member.post(f"/campaigns/{board['campaign']}/costs", data={
        "csrf_token": token, "amount": "50", "currency": "USD", "description": "Coffee"})
    admin, admin_token = signed_in("admin")
    assert admin.get(f"/campaigns/{board['campaign']}/edit").status_code == 200
    admin.post(f"/campaigns/{board['campaign']}/costs", data={
        "csrf_token": admin_token, "amount": "75.50", "currency": "USD", "description": "Writing"})
    with app.app_context():
        assert db.session.scalars(select(Cost.amount_cents)).all() == [7550]
        mine = CampaignFactory(workspace_id=team.workspace_id, owner_id=team.user_ids["member"]).id
    assert member.get(f"/campaigns/{mine}/edit").status_code == 200


def test_members_complete_their_own_and_unassigned_tasks(app, team, signed_in):
    with app.app_context():
        ws = team.workspace_id
        own = TaskFactory(workspace_id=ws, assignee_id=team.user_ids["member"]).id
        free = TaskFactory(workspace_id=ws).id
        admins = TaskFactory(workspace_id=ws, assignee_id=team.user_ids["admin"]).id
    client, token = signed_in("member")
    for task_id in (own, free, admins):
        client.post(f"/tasks/{task_id}/done", data={"csrf_token": token})
    viewer, viewer_token = signed_in("viewer")
    assert viewer.post(f"/tasks/{admins}/done", data={"csrf_token": viewer_token}).status_code == 403
    with app.app_context():
        done = {t.id: t.done_at is not None for t in db.session.scalars(select(Task))}
    assert done == {own: True, free: True, admins: False}
    admin, admin_token = signed_in("admin")
    admin.post(f"/tasks/{admins}/done", data={"csrf_token": admin_token})
    with app.app_context():
        assert db.session.get(Task, admins).done_at is not None
