"""Opportunity custom fields: their values live on campaigns' cards, and the field pages count them there."""

from __future__ import annotations

import pytest

from crm.extensions import db
from crm.prospects.models import CustomField
from tests.campaigns.factories import OpportunityFactory
from tests.conftest import csrf_token
from tests.prospects.factories import CustomFieldFactory

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
