"""Custom fields: defined on the settings page by admins, filled on the site page, each value checked by its type."""

import pytest
from sqlalchemy import select

from crm.extensions import db
from crm.prospects import custom_fields as rules
from crm.prospects.models import Contact, CustomField, Site
from tests.conftest import csrf_token
from tests.prospects.factories import ContactFactory, CustomFieldFactory, SiteFactory

pytestmark = pytest.mark.both_databases

NUMBER = rules.FieldSpec("budget", "Budget", "number")
TIER = rules.FieldSpec("tier", "Tier", "choice", ("Gold", "Silver"))


@pytest.mark.parametrize(("spec", "raw", "stored"), [
    (NUMBER, " 150 ", 150), (NUMBER, "1,200.5", 1200.5), (NUMBER, "", None), (TIER, "gold", "Gold"),
    (rules.FieldSpec("due", "Due", "date"), "2026-12-31", "2026-12-31"),
    (rules.FieldSpec("home", "Home", "url"), "https://a.example/x", "https://a.example/x"),
])
def test_values_are_stored_in_their_type(spec, raw, stored):
    assert rules.coerce(spec, raw) == stored


@pytest.mark.parametrize(("spec", "raw", "message"), [
    (NUMBER, "abc", "Budget: 'abc' is not a number"), (NUMBER, "nan", "is not a number"),
    (TIER, "Bronze", "Tier: 'Bronze' is not one of Gold, Silver"),
    (rules.FieldSpec("due", "Due", "date"), "31/12/2026", "is not a date"),
    (rules.FieldSpec("home", "Home", "url"), "javascript:alert(1)", "is not a web address"),
])
def test_values_the_type_refuses_say_why(spec, raw, message):
    with pytest.raises(rules.FieldValueError, match=message):
        rules.coerce(spec, raw)


def test_a_form_cannot_write_undefined_keys():
    with pytest.raises(rules.FieldValueError, match="No custom field 'evil'"):
        rules.apply([NUMBER], {}, {"evil": "x"})


def _add(client, **data):
    token = csrf_token(client, "/settings/fields")
    return client.post("/settings/fields", data={"csrf_token": token, **data})


def test_admin_defines_renames_reorders_and_members_cannot(app, as_role, team):
    admin = as_role("admin")
    assert _add(admin, entity="site", label="Budget", key="budget", type="number").status_code == 302
    tier = _add(admin, entity="site", label="Tier", key="tier", type="choice", choices="Gold, Silver")
    assert tier.status_code == 302
    refused = _add(admin, entity="site", label="Again", key="budget", type="text")
    assert refused.status_code == 400 and "exists already" in refused.get_data(as_text=True)
    bad = _add(admin, entity="site", label="Bad", key="Bad Key!", type="text")
    assert bad.status_code == 400 and "A key starts with a letter" in bad.get_data(as_text=True)
    with app.app_context():
        tier = db.session.scalar(select(CustomField).where(CustomField.key == "tier"))
        tier_id = tier.id
    token = csrf_token(admin, "/settings/fields")
    admin.post(f"/settings/fields/{tier_id}/edit", data={"csrf_token": token, "label": "Site tier",
                                                          "choices": "Gold, Silver, Bronze"})
    admin.post(f"/settings/fields/{tier_id}/move", data={"csrf_token": token, "direction": "up"})
    with app.app_context():
        rows = list(db.session.scalars(select(CustomField).order_by(CustomField.position)))
        assert [(r.key, r.label) for r in rows] == [("tier", "Site tier"), ("budget", "Budget")]
        assert rows[0].choices == ["Gold", "Silver", "Bronze"]
    member = as_role("member")
    assert member.get("/settings/fields").status_code == 403
    assert member.post(f"/settings/fields/{tier_id}/delete", data={"csrf_token": token}).status_code in (400, 403)


def test_site_page_saves_values_and_refuses_a_word_in_a_number_field(app, as_role, team):
    with app.app_context():
        site = SiteFactory(workspace_id=team.workspace_id, domain="greenthumb.com")
        CustomFieldFactory(workspace_id=team.workspace_id, entity="site", key="budget", label="Budget", type="number")
        CustomFieldFactory(workspace_id=team.workspace_id, entity="site", key="tier", label="Tier", type="choice",
                           choices=["Gold", "Silver"])
        contact = ContactFactory(site=site, workspace_id=team.workspace_id)
        CustomFieldFactory(workspace_id=team.workspace_id, entity="contact", key="nickname", label="Nickname")
        site_id, contact_id = site.id, contact.id
    client = as_role("member")
    token = csrf_token(client, f"/sites/{site_id}")
    client.post(f"/sites/{site_id}/custom", data={"csrf_token": token, "cf_budget": "150", "cf_tier": "gold"})
    refused = client.post(f"/sites/{site_id}/custom", data={"csrf_token": token, "cf_budget": "abc",
                                                            "cf_tier": "Silver"}, follow_redirects=True)
    assert "Budget: &#39;abc&#39; is not a number" in refused.get_data(as_text=True)
    client.post(f"/contacts/{contact_id}/custom", data={"csrf_token": token, "cf_nickname": "Annie"})
    with app.app_context():
        assert db.session.get(Site, site_id).custom_fields == {"budget": 150, "tier": "Gold"}  # nothing half-written
        assert db.session.get(Contact, contact_id).custom_fields == {"nickname": "Annie"}
    html = as_role("viewer").get(f"/sites/{site_id}").get_data(as_text=True)
    assert "Budget" in html and ">150<" in html and "Save custom fields" not in html


def test_delete_asks_first_and_says_how_many_values_it_hides(app, as_role, team):
    with app.app_context():
        field = CustomFieldFactory(workspace_id=team.workspace_id, entity="site", key="budget", label="Budget")
        SiteFactory(workspace_id=team.workspace_id, custom_fields={"budget": "1"})
        SiteFactory(workspace_id=team.workspace_id, custom_fields={"budget": "2"})
        SiteFactory(workspace_id=team.workspace_id, custom_fields={"other": "3"})
        field_id = field.id
    admin = as_role("owner")
    page = admin.get(f"/settings/fields/{field_id}/delete").get_data(as_text=True)
    assert "2 sites hold a value" in page
    token = csrf_token(admin, f"/settings/fields/{field_id}/delete")
    done = admin.post(f"/settings/fields/{field_id}/delete", data={"csrf_token": token}, follow_redirects=True)
    assert "2 values hidden" in done.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(CustomField, field_id) is None
