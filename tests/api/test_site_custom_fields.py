"""Sites in the API carry the values of the workspace's site custom fields, and only of fields still defined."""

import pytest

from crm.extensions import db
from crm.prospects.models import Site
from tests.prospects.factories import CustomFieldFactory, SiteFactory

pytestmark = pytest.mark.both_databases


@pytest.fixture
def sites(app, team):
    with app.app_context():
        CustomFieldFactory(workspace_id=team.workspace_id, entity="site", key="budget", label="Budget", type="number")
        return [SiteFactory(workspace_id=team.workspace_id).id]


def test_api_sites_carry_defined_custom_fields_only(app, client, bearer, team, sites):
    with app.app_context():
        site = db.session.get(Site, sites[0])
        site.custom_fields = {"budget": 150, "gone": "hidden since its field was deleted"}
        db.session.commit()
    listed = client.get("/api/v1/sites", headers=bearer("viewer", "read")).json["data"]
    assert {s["id"]: s["custom_fields"] for s in listed}[sites[0]] == {"budget": 150}
    one = client.get(f"/api/v1/sites/{sites[0]}", headers=bearer("viewer", "read")).json
    assert one["custom_fields"] == {"budget": 150}
