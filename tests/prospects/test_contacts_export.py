"""The contacts export: every contact column, profiles, verification and contact custom fields, spreadsheet-safe."""

from __future__ import annotations

import csv
import io

import pytest

from crm.csvexport import cell_text, unneutralise
from crm.extensions import db
from crm.prospects.custom_fields import format_value
from crm.prospects.models import Contact
from tests.conftest import csrf_token
from tests.prospects.factories import ContactFactory, CustomFieldFactory, SiteFactory

pytestmark = pytest.mark.both_databases

# Header → how the expected cell is worked out from the stored contact.
EXPECTED = {
    "Site": lambda c: c.site.domain, "Email": lambda c: c.email, "First name": lambda c: c.first_name,
    "Last name": lambda c: c.last_name, "Position": lambda c: c.position, "Status": lambda c: c.status,
    "Role address": lambda c: c.is_role_address, "Email verification": lambda c: c.email_verification,
    "LinkedIn": lambda c: c.linkedin_url, "X/Twitter": lambda c: c.twitter,
    "X/Twitter profile": lambda c: f"https://x.com/{c.twitter}" if c.twitter else "",
    "Time zone": lambda c: c.timezone, "Found on": lambda c: c.found_on, "Source": lambda c: c.source,
    "Added": lambda c: c.created_at, "Changed": lambda c: c.updated_at,
    # custom values as the contact's page shows them (150, not 150.0)
    "Budget": lambda c: format_value((c.custom_fields or {}).get("budget")),
    "Met at": lambda c: format_value((c.custom_fields or {}).get("met")),
}


@pytest.fixture
def world(app, team):
    """Acme: two sites with three contacts (one with a formula for a name), two contact fields; Rival: one contact."""
    with app.app_context():
        CustomFieldFactory(workspace_id=team.workspace_id, entity="contact", key="budget", label="Budget",
                           type="number")
        CustomFieldFactory(workspace_id=team.workspace_id, entity="contact", key="met", label="Met at")
        CustomFieldFactory(workspace_id=team.workspace_id, entity="site", key="tier", label="Tier")
        a = SiteFactory(workspace_id=team.workspace_id, domain="a-garden.com", custom_fields={"tier": "Gold"})
        b = SiteFactory(workspace_id=team.workspace_id, domain="b-kitchen.com")
        SiteFactory(workspace_id=team.workspace_id, domain="c-empty.com")
        ContactFactory(site=a, email="maya@a-garden.com", first_name="Maya", position="Editor",
                       linkedin_url="https://www.linkedin.com/in/maya", twitter="mayawrites",
                       email_verification="accept_all", timezone="Europe/London", custom_fields={"budget": 150.0})
        ContactFactory(site=a, email="info@a-garden.com", first_name="=HYPERLINK(\"http://evil\")",
                       is_role_address=True, email_verification="invalid", custom_fields={"met": "+44 conference"})
        ContactFactory(site=b, email="sam@b-kitchen.com", last_name="Lee", found_on="https://b-kitchen.com/about")
        rival = SiteFactory(workspace_id=team.rival_workspace_id, domain="rival.com")
        ContactFactory(site=rival, email="rex@rival.com")
        return {"a": a.id, "b": b.id, "rival": rival.id}


def _table(response) -> tuple[list[str], list[list[str]]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="contacts-' in response.headers["Content-Disposition"]
    header, *rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"), newline="")))
    return header, rows


def _expected(app, emails: list[str]) -> list[list[str]]:
    with app.app_context():
        contacts = [db.session.query(Contact).filter_by(email=e).one() for e in emails]
        return [[cell_text(get(c)) for get in EXPECTED.values()] for c in contacts]


def test_every_column_profiles_verification_and_custom_fields(app, as_role, world):
    header, rows = _table(as_role("viewer").get("/sites/contacts/export?sort=domain"))
    assert header == list(EXPECTED)  # contact fields only: the site's Tier is the sites export's
    assert rows == _expected(app, ["info@a-garden.com", "maya@a-garden.com", "sam@b-kitchen.com"])


def test_no_cell_can_run_as_a_formula(app, as_role, world):
    header, rows = _table(as_role("viewer").get("/sites/contacts/export?sort=domain"))
    info = rows[0]
    assert info[header.index("First name")] == "'=HYPERLINK(\"http://evil\")"
    assert unneutralise(info[header.index("First name")]) == "=HYPERLINK(\"http://evil\")"
    assert info[header.index("Met at")] == "'+44 conference"
    assert all(not cell or cell[0] not in "=+-@\t\r" for row in rows for cell in row)


def test_the_list_filters_pick_the_sites(app, as_role, world):
    _, rows = _table(as_role("viewer").get("/sites/contacts/export?q=kitchen"))
    assert [row[1] for row in rows] == ["sam@b-kitchen.com"]


def test_chosen_sites_from_the_bulk_bar_and_another_workspace_left_out(app, as_role, world):
    client = as_role("member")
    token = csrf_token(client, "/sites")
    response = client.post("/sites/bulk", data={"csrf_token": token, "do": "export_contacts",
                                                "site_ids": [world["b"], world["rival"]]})
    _, rows = _table(response)
    assert [row[1] for row in rows] == ["sam@b-kitchen.com"]
    _, everything = _table(client.get("/sites/contacts/export"))
    assert "rex@rival.com" not in {row[1] for row in everything} and len(everything) == 3
    refused = client.post("/sites/bulk", data={"do": "export_contacts", "site_ids": [world["b"]]})
    assert refused.status_code == 400 and refused.mimetype != "text/csv"  # no CSRF token, no file
