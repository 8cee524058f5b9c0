"""The campaign pages as a marketer uses them: plan, board, show more, drag order, table, opportunity, costs."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from crm.campaigns.models import Campaign, Opportunity
from crm.extensions import db
from tests.campaigns.conftest import messages
from tests.campaigns.factories import CampaignFactory, OpportunityFactory
from tests.prospects.factories import ContactFactory, SiteFactory
from tests.web.test_security import INLINE_HANDLER, INLINE_SCRIPT, STYLE_ATTRIBUTE

TARGETS = "https://shop.example/trail-shoes | trail shoes, best trail shoes\nhttps://shop.example/guide"


def campaign_form(token, **changes):
    data = {"csrf_token": token, "name": "Trail shoes Q2", "kind": "guest_post", "status": "active",
            "goal_links": "12", "budget": "2,500", "currency": "USD", "starts_on": "2026-04-01",
            "ends_on": "2026-06-30", "owner_id": "", "description": "Guest posts for the trail range",
            "target_pages": TARGETS}
    return {**data, **changes}


def test_plan_a_campaign_with_target_pages_and_edit_it(app, team, signed_in):
    client, token = signed_in("member")
    response = client.post("/campaigns/new", data=campaign_form(token, owner_id=str(team.user_ids["member"])))
    assert response.status_code == 302
    with app.app_context():
        campaign = db.session.scalar(select(Campaign))
        assert (campaign.name, campaign.goal_links, campaign.budget_cents) == ("Trail shoes Q2", 12, 250000)
        assert [(p.url, p.anchors) for p in campaign.target_pages] == [
            ("https://shop.example/trail-shoes", ["trail shoes", "best trail shoes"]),
            ("https://shop.example/guide", []),
        ]
        campaign_id, first_page = campaign.id, campaign.target_pages[0].id
    board = client.get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    assert "The board is empty" in board and "Add prospects" in board and "trail shoes, best trail shoes" in board
    form = client.get(f"/campaigns/{campaign_id}/edit").get_data(as_text=True)
    assert "https://shop.example/trail-shoes | trail shoes, best trail shoes" in form and 'value="2500.00"' in form
    client.post(f"/campaigns/{campaign_id}/edit", data=campaign_form(
        token, owner_id=str(team.user_ids["member"]), target_pages="https://shop.example/trail-shoes | trail shoes"))
    with app.app_context():
        pages = db.session.get(Campaign, campaign_id).target_pages
        assert [(p.id, p.anchors) for p in pages] == [(first_page, ["trail shoes"])]  # kept, anchors changed


@pytest.mark.parametrize(
    ("changes", "error"),
    [({"target_pages": "shop.example/x"}, "Line 1: &#39;shop.example/x&#39; is not a full web address"),
     ({"budget": "lots"}, "is not an amount"),
     ({"ends_on": "2026-01-01"}, "The end date is before the start date."),
     ({"name": ""}, "This field is required.")],
)
def test_a_bad_campaign_form_says_what_is_wrong(app, signed_in, changes, error):
    client, token = signed_in("member")
    response = client.post("/campaigns/new", data=campaign_form(token, **changes))
    assert response.status_code == 400 and error in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Campaign.id)) is None


@pytest.fixture
def crowded(app, team):
    """A campaign with 25 prospects (positions 1..25) and two pitched cards."""
    with app.app_context():
        ws = team.workspace_id
        campaign = CampaignFactory(workspace_id=ws, name="Crowded")
        for n in range(1, 26):
            OpportunityFactory(workspace_id=ws, campaign=campaign, position=n,
                               site=SiteFactory(workspace_id=ws, domain=f"p{n:02d}.example"))
        pitched = [OpportunityFactory(workspace_id=ws, campaign=campaign, stage="pitched", position=n,
                                      site=SiteFactory(workspace_id=ws, domain=f"pitched{n}.example")).id
                   for n in (1, 2)]
        return {"campaign": campaign.id, "pitched": pitched}


def test_a_long_column_shows_its_first_cards_and_more_on_request(app, crowded, signed_in):
    client, _ = signed_in("viewer")
    page = client.get(f"/campaigns/{crowded['campaign']}").get_data(as_text=True)
    assert "p20.example" in page and "p21.example" not in page
    assert "Show 5 more of 5" in page and 'data-count-for="prospect" aria-label="25 cards">25<' in page
    more = client.get(f"/campaigns/{crowded['campaign']}/column/prospect?offset=20", headers={"HX-Request": "true"})
    body = more.get_data(as_text=True)
    assert re.findall(r'data-domain="([^"]+)"', body) == [f"p{n}.example" for n in range(21, 26)]
    assert 'id="more-prospect" class="board-more" hx-swap-oob="outerHTML"' in body and "Show" not in body
    plain = client.get(f"/campaigns/{crowded['campaign']}/column/prospect?offset=20")
    assert plain.status_code == 302 and plain.headers["Location"].endswith("/table?stage=prospect")
    nowhere = client.get(f"/campaigns/{crowded['campaign']}/column/nowhere", headers={"HX-Request": "1"})
    assert nowhere.status_code == 404


def test_a_dropped_card_lands_below_the_card_it_was_dropped_under(app, crowded, signed_in):
    client, token = signed_in("admin")
    with app.app_context():
        p03 = db.session.scalar(select(Opportunity.id).join(Opportunity.site).where(
            Opportunity.site.has(domain="p03.example")))
    response = client.post(f"/campaigns/opportunities/{p03}/move", headers={"Accept": "application/json"},
                           data={"csrf_token": token, "stage": "pitched", "after_id": crowded["pitched"][0]})
    assert response.json["counts"]["prospect"] == 24 and response.json["counts"]["pitched"] == 3
    # A card moved by hand is not a pitch: only a sent message makes one.
    assert response.json["numbers"]["pitched"] == 0 and response.json["stage_label"] == "Pitched"
    page = client.get(f"/campaigns/{crowded['campaign']}").get_data(as_text=True)
    column = page.split('id="cards-pitched"')[1].split("</ol>")[0]
    assert re.findall(r'data-domain="([^"]+)"', column) == ["pitched1.example", "p03.example", "pitched2.example"]


def test_the_stage_select_moves_a_card_without_scripts(app, crowded, signed_in):
    client, token = signed_in("admin")
    opp = crowded["pitched"][1]
    back = f"/campaigns/{crowded['campaign']}"
    response = client.post(f"/campaigns/opportunities/{opp}/move",
                           data={"csrf_token": token, "stage": "negotiating", "next": back})
    assert response.headers["Location"] == f"/campaigns/{crowded['campaign']}"
    assert "pitched2.example is now Negotiating." in messages(client.get(response.headers["Location"]))
    history = client.get(f"/campaigns/opportunities/{opp}").get_data(as_text=True)
    assert "Moved from Pitched to Negotiating" in history
    bad = client.post(f"/campaigns/opportunities/{opp}/move", headers={"Accept": "application/json"},
                      data={"csrf_token": token, "stage": "maybe"})
    assert bad.status_code == 400 and bad.json["ok"] is False


def test_the_table_filters_and_pages(app, team, crowded, signed_in):
    client, _ = signed_in("member")
    with app.app_context():
        first = db.session.scalar(select(Opportunity).where(Opportunity.stage == "pitched").order_by(Opportunity.id))
        first.owner_id, first.next_action_on = team.user_ids["member"], date.today() - timedelta(days=1)
        db.session.commit()
    url = f"/campaigns/{crowded['campaign']}/table"
    assert client.get(url + "?stage=pitched").get_data(as_text=True).count('name="opportunity_ids"') == 2
    mine = client.get(url + "?owner=me").get_data(as_text=True)
    assert "pitched1.example" in mine and "pitched2.example" not in mine
    overdue = client.get(url + "?overdue=1").get_data(as_text=True)
    assert "pitched1.example" in overdue and "(overdue)" in overdue and "p01.example" not in overdue
    assert "p11.example" in client.get(url + "?q=P11").get_data(as_text=True)
    nothing = client.get(url + "?q=%25").get_data(as_text=True)  # a literal % matches no domain
    assert "No opportunities match" in nothing
    first, second = (client.get(url + f"?per_page=25&page={n}").get_data(as_text=True) for n in (1, 2))
    assert "27 in all" in first and "p25.example" in first and "pitched1.example" not in first
    assert "pitched1.example" in second and "pitched2.example" in second and "p01.example" not in second


def test_edit_an_opportunity_as_a_paid_placement(app, team, signed_in):
    with app.app_context():
        ws = team.workspace_id
        opp = OpportunityFactory(workspace_id=ws, campaign=CampaignFactory(workspace_id=ws, name="Paid"))
        contact = ContactFactory(workspace_id=ws, site=opp.site, email="ed@x.example")
        stranger = ContactFactory(workspace_id=ws, email="other@y.example")
        opp_id, contact_id, stranger_id, campaign_id = opp.id, contact.id, stranger.id, opp.campaign_id
    client, token = signed_in("member")
    form = {"csrf_token": token, "contact_id": str(contact_id), "owner_id": "", "target_page_id": "",
            "next_action_on": "2026-05-01", "notes": "Wants a draft by May", "price": "249.99", "currency": "EUR",
            "payment_status": "", "term": "until", "term_until": "2027-05-01"}
    assert client.post(f"/campaigns/opportunities/{opp_id}", data=form).status_code == 302
    with app.app_context():
        opp = db.session.get(Opportunity, opp_id)
        assert (opp.contact_id, opp.price_cents, opp.currency, opp.payment_status, opp.term_until) == (
            contact_id, 24999, "EUR", "unpaid", date(2027, 5, 1))
    refused = client.post(f"/campaigns/opportunities/{opp_id}", data={**form, "contact_id": str(stranger_id)})
    assert refused.status_code == 400  # not a contact at this site: not a valid choice
    missing_date = client.post(f"/campaigns/opportunities/{opp_id}", data={**form, "term_until": ""})
    assert "Give the date the placement ends" in missing_date.get_data(as_text=True)
    costs = client.get(f"/campaigns/{campaign_id}/costs").get_data(as_text=True)
    assert "€249.99" in costs and "until 2027-05-01" in costs


def test_tasks_page_marks_overdue_tasks_and_completes_them(app, team, signed_in):
    client, token = signed_in("member")
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    client.post("/tasks", data={"csrf_token": token, "title": "Chase the invoice", "due_on": yesterday,
                                "assignee_id": str(team.user_ids["member"]), "notes": ""})
    client.post("/tasks", data={"csrf_token": token, "title": "Plan May", "due_on": "", "assignee_id": "",
                                "notes": ""})
    page = client.get("/tasks").get_data(as_text=True)
    assert "Chase the invoice" in page and "(overdue)" in page and "task-overdue" in page
    assert "Plan May" not in page  # unassigned: not mine
    assert "Plan May" in client.get("/tasks?view=unassigned").get_data(as_text=True)
    task_id = re.search(r'action="/tasks/(\d+)/done"', page).group(1)
    client.post(f"/tasks/{task_id}/done", data={"csrf_token": token, "next": "/tasks"})
    assert '"fw-semibold">Chase the invoice<' not in client.get("/tasks").get_data(as_text=True)
    assert '"fw-semibold">Chase the invoice<' in client.get("/tasks?view=done").get_data(as_text=True)
    empty = client.post("/tasks", data={"csrf_token": token, "title": "", "assignee_id": ""})
    assert empty.status_code == 400


def test_costs_are_recorded_and_removed(app, team, signed_in):
    with app.app_context():
        campaign_id = CampaignFactory(workspace_id=team.workspace_id, owner_id=team.user_ids["member"]).id
    client, token = signed_in("member")
    client.post(f"/campaigns/{campaign_id}/costs", data={"csrf_token": token, "amount": "1,200", "currency": "USD",
                                                         "description": "Writers", "spent_on": "2026-03-01"})
    page = client.get(f"/campaigns/{campaign_id}/costs").get_data(as_text=True)
    assert "Writers" in page and '<dd class="h4 mb-0" data-number="spent">$1,200.00</dd>' in page
    cost_id = re.search(r'action="/campaigns/costs/(\d+)/delete"', page).group(1)
    client.post(f"/campaigns/costs/{cost_id}/delete", data={"csrf_token": token})
    assert "Writers" not in client.get(f"/campaigns/{campaign_id}/costs").get_data(as_text=True)
    bad = client.post(f"/campaigns/{campaign_id}/costs", data={"csrf_token": token, "amount": "-3",
                                                               "currency": "USD", "description": "x"})
    assert bad.status_code == 400 and "cannot be negative" in bad.get_data(as_text=True)


def test_campaign_pages_carry_no_inline_script_or_style(app, team, crowded, signed_in):
    client, _ = signed_in("admin")
    with app.app_context():
        opp = db.session.scalar(select(Opportunity.id))
    for path in ("/campaigns", "/campaigns/new", f"/campaigns/{crowded['campaign']}",
                 f"/campaigns/{crowded['campaign']}/table", f"/campaigns/{crowded['campaign']}/edit",
                 f"/campaigns/{crowded['campaign']}/personal",
                 f"/campaigns/{crowded['campaign']}/costs", f"/campaigns/{crowded['campaign']}/prospects?q=p",
                 f"/campaigns/opportunities/{opp}", "/tasks"):
        response = client.get(path)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, path
        assert not INLINE_SCRIPT.search(html) and not INLINE_HANDLER.search(html) and not STYLE_ATTRIBUTE.search(html)
        assert "placeholder=" not in html, path


def test_empty_states_say_what_to_do(app, signed_in):
    client, _ = signed_in("member")
    assert "Plan a campaign" in client.get("/campaigns").get_data(as_text=True)
    assert "No open tasks" in client.get("/tasks").get_data(as_text=True)
    viewer, _ = signed_in("viewer")
    assert "when a member of this workspace plans one" in viewer.get("/campaigns").get_data(as_text=True)
