"""Personal first lines and P.S. as a marketer writes them: in the table, card after card, and on the card itself."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from crm.campaigns import personal
from crm.campaigns.models import Opportunity
from crm.campaigns.services import CampaignError
from crm.extensions import db
from tests.campaigns.conftest import messages
from tests.campaigns.factories import CampaignFactory, OpportunityFactory
from tests.prospects.factories import ContactFactory, SiteFactory

pytestmark = pytest.mark.both_databases

HTMX = {"HX-Request": "true"}


def _campaign(workspace_id: int, lines=("", "Loved your compost piece.", "", ""), **opportunity):
    """A campaign with a card per line (blank = none yet), in board order, plus a pitched card."""
    campaign = CampaignFactory(workspace_id=workspace_id)
    ids = []
    for position, line in enumerate(lines):
        site = SiteFactory(workspace_id=workspace_id, dr=40 + position, traffic=1200)
        contact = ContactFactory(workspace_id=workspace_id, site=site, first_name=f"Ana{position}")
        ids.append(OpportunityFactory(workspace_id=workspace_id, campaign=campaign, site=site, contact_id=contact.id,
                                      position=position, personal_line=line, **opportunity).id)
    OpportunityFactory(workspace_id=workspace_id, campaign=campaign, stage="pitched", position=99)
    db.session.commit()
    return campaign.id, ids


def test_clean_line_trims_and_refuses_what_is_too_long():
    assert personal.clean_line("  Hi there\r\nfriend  ", 50, "line") == "Hi there\nfriend"
    assert personal.clean_line(None, 50, "line") == ""
    with pytest.raises(CampaignError, match="keep it to 5"):
        personal.clean_line("123456", 5, "line")


def test_the_next_card_without_a_line_follows_board_order_and_wraps_round(app, team):
    with app.app_context():
        campaign_id, (a, _b, c, d) = _campaign(team.workspace_id)
        card = db.session.get(Opportunity, a)
        assert personal.next_empty(campaign_id, card) == c  # b has its line already
        assert personal.next_empty(campaign_id, db.session.get(Opportunity, d)) == a  # wraps to the top
        for opportunity_id in (a, c, d):
            db.session.get(Opportunity, opportunity_id).personal_line = "Done."
        db.session.commit()
        assert personal.next_empty(campaign_id, card) is None
        assert personal.counts(campaign_id) == (4, 0)  # the pitched card is not counted


def test_the_table_shows_each_prospect_beside_its_line(app, as_role, team):
    with app.app_context():
        campaign_id, ids = _campaign(team.workspace_id)
        site = db.session.get(Opportunity, ids[0]).site
    page = as_role("member").get(f"/campaigns/{campaign_id}/personal")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert html.count('class="js-personal-row') == 4  # the pitched card needs no line
    assert f'href="{site.homepage}"' in html and "DR 40" in html and "Traffic 1200" in html and "Ana0" in html
    assert "<strong>3</strong> of 4 cards" in html and "Loved your compost piece." in html
    only_empty = as_role("member").get(f"/campaigns/{campaign_id}/personal?empty=1").get_data(as_text=True)
    assert only_empty.count('class="js-personal-row') == 3 and "Loved your compost piece." not in only_empty


def test_saving_from_the_table_returns_the_row_and_names_the_next_empty_card(app, signed_in, team):
    member, token = signed_in("member")
    with app.app_context():
        _, (a, _b, c, _d) = _campaign(team.workspace_id)
    response = member.post(f"/campaigns/opportunities/{a}/personal", headers=HTMX, data={
        "csrf_token": token, "from": "table", "personal_line": "  Your raised-bed guide got me digging. ",
        "personal_ps": "P.S. The tomato photo!"})
    assert response.status_code == 200
    assert 'id="line-' + str(a) + '"' in response.get_data(as_text=True) and "Saved" in response.get_data(as_text=True)
    event = json.loads(response.headers["HX-Trigger-After-Settle"])["personal-saved"]
    assert event["next"] == c and event["empty"] == 2
    with app.app_context():
        card = db.session.get(Opportunity, a)
        assert card.personal_line == "Your raised-bed guide got me digging."
        assert card.personal_ps == "P.S. The tomato photo!"


def test_saving_without_scripts_goes_to_the_next_card_or_back_to_the_card(app, signed_in, team):
    member, token = signed_in("member")
    with app.app_context():
        campaign_id, (_a, b, c, d) = _campaign(team.workspace_id)
    from_table = member.post(f"/campaigns/opportunities/{c}/personal",
                             data={"csrf_token": token, "from": "table", "personal_line": "Nice one."})
    assert from_table.status_code == 302 and from_table.headers["Location"].endswith(f"/personal#line-{d}")
    from_card = member.post(f"/campaigns/opportunities/{b}/personal",
                            data={"csrf_token": token, "personal_line": "Changed.", "personal_ps": ""})
    assert from_card.headers["Location"].endswith(f"/campaigns/opportunities/{b}#personal")
    card_page = member.get(f"/campaigns/opportunities/{b}").get_data(as_text=True)
    assert "Changed." in card_page and 'id="personal"' in card_page
    board = member.get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    assert "“Changed.”" in board and "“Nice one.”" in board


def test_a_line_too_long_is_refused_and_nothing_is_saved(app, signed_in, team):
    member, token = signed_in("member")
    with app.app_context():
        _, (a, *_rest) = _campaign(team.workspace_id, lines=("Keep me.",))
    too_long = "x" * (personal.MAX_LINE + 1)
    refused = member.post(f"/campaigns/opportunities/{a}/personal", headers=HTMX,
                          data={"csrf_token": token, "from": "table", "personal_line": too_long, "personal_ps": "P.S."})
    assert refused.status_code == 422 and f"keep it to {personal.MAX_LINE}" in refused.get_data(as_text=True)
    plain = member.post(f"/campaigns/opportunities/{a}/personal", follow_redirects=True,
                        data={"csrf_token": token, "personal_line": too_long})
    assert "Not saved" in messages(plain)
    with app.app_context():
        assert db.session.get(Opportunity, a).personal_line == "Keep me."
        assert db.session.get(Opportunity, a).personal_ps == ""


def test_only_the_cards_owner_or_an_admin_may_write_its_line(app, signed_in, team):
    with app.app_context():
        _, (a,) = _campaign(team.workspace_id, lines=("",), owner_id=team.user_ids["admin"])
    member, token = signed_in("member")
    refused = member.post(f"/campaigns/opportunities/{a}/personal", follow_redirects=True,
                          data={"csrf_token": token, "personal_line": "Mine now."})
    assert "belongs to someone else" in messages(refused)
    viewer, viewer_token = signed_in("viewer")
    assert viewer.post(f"/campaigns/opportunities/{a}/personal",
                       data={"csrf_token": viewer_token, "personal_line": "x"}).status_code == 403
    admin, admin_token = signed_in("admin")
    admin.post(f"/campaigns/opportunities/{a}/personal", data={"csrf_token": admin_token, "personal_line": "Hi."})
    with app.app_context():
        assert db.session.get(Opportunity, a).personal_line == "Hi."


def test_another_workspaces_cards_are_invisible_and_a_post_needs_its_token(app, signed_in, team):
    with app.app_context():
        campaign_id, (a,) = _campaign(team.rival_workspace_id, lines=("Theirs.",))
        _, (mine,) = _campaign(team.workspace_id, lines=("",))
    member, token = signed_in("member")
    assert member.get(f"/campaigns/{campaign_id}/personal").status_code == 404
    assert member.post(f"/campaigns/opportunities/{a}/personal",
                       data={"csrf_token": token, "personal_line": "Mine."}).status_code == 404
    assert member.post(f"/campaigns/opportunities/{mine}/personal", data={"personal_line": "No token."}).status_code \
        == 400
    with app.app_context():
        lines = dict(db.session.execute(select(Opportunity.id, Opportunity.personal_line)).all())
        assert lines[a] == "Theirs." and lines[mine] == ""
