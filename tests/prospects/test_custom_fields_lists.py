"""Site custom fields on the sites list: set in bulk, filtered on, exported as columns."""

import csv
import io

import pytest

from crm.extensions import db
from crm.prospects.models import Site
from tests.conftest import csrf_token
from tests.prospects.factories import CustomFieldFactory, SiteFactory

pytestmark = pytest.mark.both_databases


@pytest.fixture
def sites(app, team):
    with app.app_context():
        CustomFieldFactory(workspace_id=team.workspace_id, entity="site", key="budget", label="Budget", type="number")
        CustomFieldFactory(workspace_id=team.workspace_id, entity="site", key="tier", label="Tier", type="choice",
                           choices=["Gold", "Silver"])
        rows = [SiteFactory(workspace_id=team.workspace_id, domain=f"s{n}.com") for n in range(4)]
        return [row.id for row in rows]


def _bulk(client, **data):
    data.setdefault("csrf_token", csrf_token(client, "/sites"))
    return client.post("/sites/bulk", data={"do": "custom", **data}, follow_redirects=True)


def _domains(client, query: str) -> list[str]:
    html = client.get(f"/sites?sort=domain&{query}").get_data(as_text=True)
    return [d for d in ("s0.com", "s1.com", "s2.com", "s3.com") if f">{d}<" in html]


def test_bulk_set_filters_and_refusals(app, as_role, sites):
    client = as_role("member")
    done = _bulk(client, custom_key="tier", custom_value="gold", site_ids=sites[:2])
    assert "Custom field set for 2 site(s)." in done.get_data(as_text=True)
    refused = _bulk(client, custom_key="budget", custom_value="abc", site_ids=sites)
    assert "Budget: &#39;abc&#39; is not a number" in refused.get_data(as_text=True)
    _bulk(client, custom_key="budget", custom_value="150", site_ids=sites[1:3])
    with app.app_context():
        values = [db.session.get(Site, i).custom_fields for i in sites]
    assert values == [{"tier": "Gold"}, {"tier": "Gold", "budget": 150}, {"budget": 150}, None]
    assert _domains(client, "cf=tier&cfv=GOLD") == ["s0.com", "s1.com"]
    assert _domains(client, "cf=budget&cfv=150") == ["s1.com", "s2.com"]
    assert _domains(client, "cf=tier&cf_empty=1") == ["s2.com", "s3.com"]


def test_export_has_a_column_per_site_field(app, as_role, sites):
    client = as_role("member")
    _bulk(client, custom_key="budget", custom_value="12.5", site_ids=sites[:1])
    response = client.get("/sites/export?sort=domain")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [(r["Domain"], r["Budget"], r["Tier"]) for r in rows][:2] == [("s0.com", "12.5", ""), ("s1.com", "", "")]
