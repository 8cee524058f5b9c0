"""One site's page: metrics then and now, contacts, edits and the timeline."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from crm.extensions import db
from crm.prospects.models import Contact, Site
from crm.timeline import Activity
from tests.accounts.factories import UserFactory
from tests.conftest import csrf_token
from tests.prospects.factories import ContactFactory, SiteFactory, SiteMetricFactory


@pytest.fixture
def site_id(app, team):
    with app.app_context():
        site = SiteFactory(workspace_id=team.workspace_id, domain="greenthumb.com", name="Green Thumb", dr=48)
        SiteMetricFactory(site=site, name="dr", value=41, measured_at=datetime(2025, 1, 5, tzinfo=UTC))
        SiteMetricFactory(site=site, name="dr", value=48, measured_at=datetime(2025, 6, 5, tzinfo=UTC))
        SiteMetricFactory(site=site, name="da", value=39, source="moz", measured_at=datetime(2025, 6, 5, tzinfo=UTC))
        ContactFactory(site=site, email="editor@greenthumb.com", first_name="", last_name="", is_role_address=True)
        return site.id


def _page(client, site_id) -> str:
    return client.get(f"/sites/{site_id}").get_data(as_text=True)


def test_metrics_show_now_and_before_with_their_sources(as_role, site_id):
    html = _page(as_role("viewer"), site_id)
    assert "Domain Rating" in html and "Domain Authority" in html
    assert "2025-06-05" in html and "41 <span" in html and "(ahrefs, 2025-01-05)" in html and "moz" in html
    assert "role address" in html and "Green Thumb" in html
    assert "Discover contacts" not in html and "Merge a duplicate" not in html  # viewers only read


def test_editing_status_owner_tags_and_notes(app, as_role, team, site_id):
    client = as_role("member")
    token = csrf_token(client, f"/sites/{site_id}")
    response = client.post(f"/sites/{site_id}/edit", data={
        "csrf_token": token, "name": "Green Thumb Diaries", "homepage": "https://www.greenthumb.com/",
        "status": "blocked", "owner_id": str(team.user_ids["admin"]), "tags": "Gardening, UK, gardening",
        "notes": "Asked for money."})
    assert response.status_code == 302
    with app.app_context():
        site = db.session.get(Site, site_id)
        assert (site.status, site.owner_id, site.notes) == ("blocked", team.user_ids["admin"], "Asked for money.")
        assert sorted(t.name for t in site.tags) == ["Gardening", "UK"]
        summary = db.session.scalar(select(Activity.summary).where(Activity.site_id == site_id))
        assert 'value="Gardening, UK"' in _page(client, site_id)  # the form shows the tags as typed, ready to save
        assert summary.startswith("Changed status Active → Blocked; owner ") and "; tags Gardening, UK;" in summary


def test_a_homepage_must_be_on_the_site(app, as_role, site_id):
    client = as_role("member")
    token = csrf_token(client, f"/sites/{site_id}")
    response = client.post(f"/sites/{site_id}/edit", data={"csrf_token": token, "homepage": "https://evil.example.net/",
                                                           "status": "active", "owner_id": ""})
    assert response.status_code == 400 and "must be an address on greenthumb.com" in response.get_data(as_text=True)


def test_an_owner_must_belong_to_the_workspace(app, as_role, team, site_id):
    client = as_role("member")
    token = csrf_token(client, f"/sites/{site_id}")
    with app.app_context():
        outsider = UserFactory().id
    response = client.post(f"/sites/{site_id}/edit", data={"csrf_token": token, "status": "active",
                                                           "owner_id": str(outsider)})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(Site, site_id).owner_id is None


def test_contacts_are_added_edited_and_removed(app, as_role, site_id):
    client = as_role("member")
    token = csrf_token(client, f"/sites/{site_id}")
    response = client.post(f"/sites/{site_id}/contacts", data={
        "csrf_token": token, "email": "Maya.Patel@GreenThumb.com", "first_name": "Maya", "last_name": "Patel",
        "position": "Editor", "status": "ok"})
    assert response.status_code == 302
    duplicate = client.post(f"/sites/{site_id}/contacts",
                            data={"csrf_token": token, "email": "maya.patel@greenthumb.com", "status": "ok"})
    assert duplicate.status_code == 400 and "already a contact of this site" in duplicate.get_data(as_text=True)
    invalid = client.post(f"/sites/{site_id}/contacts", data={"csrf_token": token, "email": "maya@@x", "status": "ok"})
    assert invalid.status_code == 400
    with app.app_context():
        maya = db.session.scalar(select(Contact).where(Contact.email == "maya.patel@greenthumb.com"))
        assert maya.first_name == "Maya" and not maya.is_role_address and maya.source == "manual"
        maya_id = maya.id
    client.post(f"/contacts/{maya_id}/edit", data={"csrf_token": token, "email": "maya@greenthumb.com",
                                                   "first_name": "Maya", "last_name": "Patel", "position": "",
                                                   "status": "unsubscribed"})
    with app.app_context():
        maya = db.session.get(Contact, maya_id)
        assert (maya.email, maya.status) == ("maya@greenthumb.com", "unsubscribed")
    client.post(f"/contacts/{maya_id}/delete", data={"csrf_token": token})
    with app.app_context():
        assert db.session.get(Contact, maya_id) is None
        summaries = db.session.scalars(select(Activity.summary).where(Activity.site_id == site_id)).all()
        assert "Contact maya@greenthumb.com removed" in summaries


def test_recording_a_metric_by_hand_keeps_the_column_in_step(app, as_role, site_id):
    client = as_role("member")
    token = csrf_token(client, f"/sites/{site_id}")
    response = client.post(f"/sites/{site_id}/metrics", data={"csrf_token": token, "name": "dr", "value": "52",
                                                              "source": "manual", "measured_on": "2030-01-01"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Site, site_id).dr == 52.0
    bad = client.post(f"/sites/{site_id}/metrics", data={"csrf_token": token, "name": "dr", "value": "-1",
                                                         "source": "manual", "measured_on": "2030-01-01"})
    assert bad.status_code == 400


def test_merging_from_the_page(app, as_role, team, site_id):
    with app.app_context():
        other = SiteFactory(workspace_id=team.workspace_id, domain="greenthumb-old.com")
        ContactFactory(site=other, email="old@greenthumb-old.com")
    client = as_role("member")
    token = csrf_token(client, f"/sites/{site_id}")
    refused = client.post(f"/sites/{site_id}/merge", data={"csrf_token": token, "other": "greenthumb-old.com"})
    assert refused.status_code == 400 and "Tick the box" in refused.get_data(as_text=True)
    missing = client.post(f"/sites/{site_id}/merge", data={"csrf_token": token, "other": "nope.com", "confirm": "y"})
    assert "There is no site nope.com" in missing.get_data(as_text=True)
    done = client.post(f"/sites/{site_id}/merge", data={"csrf_token": token, "other": "https://www.greenthumb-old.com/",
                                                        "confirm": "y"})
    assert done.status_code == 302
    html = client.get(done.location).get_data(as_text=True)
    assert "old@greenthumb-old.com" in html and "Merged greenthumb-old.com into this site" in html
