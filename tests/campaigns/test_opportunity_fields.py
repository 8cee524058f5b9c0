"""Opportunity custom fields live on campaigns' cards: the field pages count them and the export carries them."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from crm.campaigns.models import Opportunity
from crm.csvexport import cell_text
from crm.extensions import db
from crm.prospects.custom_fields import format_value
from crm.prospects.models import CustomField
from tests.campaigns.factories import CampaignFactory, OpportunityFactory
from tests.conftest import csrf_token
from tests.prospects.factories import ContactFactory, CustomFieldFactory

pytestmark = pytest.mark.both_databases


def test_deleting_an_opportunity_field_says_how_many_cards_hold_a_value(app, as_role, team):
    with app.app_context():
        field = CustomFieldFactory(workspace_id=team.workspace_id, entity="opportunity", key="fee", label="Fee")
        cards = [OpportunityFactory(workspace_id=team.workspace_id, custom_fields=values)
                 for values in ({"fee": "90"}, {"fee": "120"}, {"fee": ""}, None)]
        OpportunityFactory(workspace_id=team.rival_workspace_id, custom_fields={"fee": "1"})  # not Acme's
        expected = sum(1 for card in cards if (card.custom_fields or {}).get("fee"))
        field_id = field.id
    admin = as_role("owner")
    page = admin.get(f"/settings/fields/{field_id}/delete").get_data(as_text=True)
    assert f"{expected} opportunities hold a value for" in page
    token = csrf_token(admin, f"/settings/fields/{field_id}/delete")
    done = admin.post(f"/settings/fields/{field_id}/delete", data={"csrf_token": token}, follow_redirects=True)
    assert f"{expected} values hidden" in done.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(CustomField, field_id) is None


# Header → how the expected cell is worked out from the stored card.
EXPECTED = {
    "Site": lambda o: o.site.domain, "Contact email": lambda o: o.contact.email if o.contact else "",
    "Contact name": lambda o: o.contact.name if o.contact else "", "Stage": lambda o: o.stage,
    "Owner": lambda o: o.owner.email if o.owner else "",
    "Target page": lambda o: o.target_page.url if o.target_page else "", "Next action": lambda o: o.next_action_on,
    "Price": lambda o: None if o.price_cents is None else Decimal(o.price_cents) / 100,
    "Currency": lambda o: o.currency, "Payment status": lambda o: o.payment_status, "Until": lambda o: o.term_until,
    "Won": lambda o: o.won_at, "Personal line": lambda o: o.personal_line, "Personal P.S.": lambda o: o.personal_ps,
    "Notes": lambda o: o.notes, "Stage since": lambda o: o.stage_changed_at, "Added": lambda o: o.created_at,
    "Fee": lambda o: format_value((o.custom_fields or {}).get("fee")),
    "Angle": lambda o: format_value((o.custom_fields or {}).get("angle")),
}


@pytest.fixture
def board_cards(app, team):
    """An Acme campaign of three cards carrying two opportunity fields (one a formula), and a Rival campaign."""
    with app.app_context():
        CustomFieldFactory(workspace_id=team.workspace_id, entity="opportunity", key="fee", label="Fee", type="number")
        CustomFieldFactory(workspace_id=team.workspace_id, entity="opportunity", key="angle", label="Angle")
        CustomFieldFactory(workspace_id=team.workspace_id, entity="contact", key="nick", label="Nick")
        campaign = CampaignFactory(workspace_id=team.workspace_id)
        maya = ContactFactory(workspace_id=team.workspace_id, email="maya@garden.example", first_name="Maya")
        cards = [
            OpportunityFactory(workspace_id=team.workspace_id, campaign=campaign, contact=maya, stage="negotiating",
                               price_cents=12550, payment_status="unpaid", personal_line="Loved your compost guide.",
                               custom_fields={"fee": 120.0, "angle": "raised beds"}),
            OpportunityFactory(workspace_id=team.workspace_id, campaign=campaign, notes="=1+2",
                               custom_fields={"angle": "@SUM(A1)"}),
            OpportunityFactory(workspace_id=team.workspace_id, campaign=campaign, stage="won"),
        ]
        rival = OpportunityFactory(workspace_id=team.rival_workspace_id)
        return campaign.id, [card.id for card in cards], rival.campaign_id


def _csv(response) -> tuple[list[str], list[list[str]]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="opportunities-' in response.headers["Content-Disposition"]
    header, *rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"), newline="")))
    return header, rows


def test_the_table_export_has_every_column_and_the_cards_custom_fields(app, as_role, board_cards):
    campaign_id, card_ids, _ = board_cards
    header, rows = _csv(as_role("viewer").get(f"/campaigns/{campaign_id}/table/export"))
    assert header == list(EXPECTED)  # opportunity fields only: the contact's Nick belongs to the contacts export
    with app.app_context():
        expected = [[cell_text(get(db.session.get(Opportunity, i))) for get in EXPECTED.values()] for i in card_ids]
    assert rows == expected
    assert rows[1][header.index("Notes")] == "'=1+2" and rows[1][header.index("Angle")] == "'@SUM(A1)"
    assert rows[0][header.index("Price")] == "125.5" and rows[0][header.index("Fee")] == "120"


def test_the_table_filters_apply_and_another_workspace_gets_404(app, as_role, board_cards):
    campaign_id, _, rival_campaign_id = board_cards
    client = as_role("viewer")
    header, rows = _csv(client.get(f"/campaigns/{campaign_id}/table/export?stage=won"))
    assert [row[header.index("Stage")] for row in rows] == ["won"]
    assert client.get(f"/campaigns/{rival_campaign_id}/table/export").status_code == 404
    assert f'href="/campaigns/{campaign_id}/table/export' in client.get(
        f"/campaigns/{campaign_id}/table").get_data(as_text=True)
