"""A site page's forms either save everything or, on a bad input, leave nothing written."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from crm.extensions import db
from crm.prospects.models import Contact, Site, SiteMetric, Tag
from crm.timeline import Activity
from tests.conftest import csrf_token
from tests.prospects.factories import ContactFactory, SiteFactory


@pytest.fixture
def site_id(app, team):
    with app.app_context():
        site = SiteFactory(workspace_id=team.workspace_id, domain="greenthumb.com", name="Green Thumb", notes="Keep")
        ContactFactory(site=site, email="maya@greenthumb.com", first_name="Maya")
        ContactFactory(site=site, email="editor@greenthumb.com", first_name="Ed")
        return site.id


def _count(model, workspace_id) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(model.workspace_id == workspace_id))


def test_a_bad_homepage_saves_no_tags_notes_or_history(app, as_role, team, site_id):
    client = as_role("member")
    response = client.post(f"/sites/{site_id}/edit", data={
        "csrf_token": csrf_token(client, f"/sites/{site_id}"), "name": "Renamed", "homepage": "https://evil.example/",
        "status": "blocked", "tags": "Brand new tag", "notes": "Changed"})
    assert response.status_code == 400
    with app.app_context():
        site = db.session.get(Site, site_id)
        assert (site.name, site.status, site.notes, site.tags) == ("Green Thumb", "active", "Keep", [])
        assert _count(Tag, team.workspace_id) == 0 and _count(Activity, team.workspace_id) == 0


def test_a_taken_address_leaves_the_contact_as_it_was(app, as_role, team, site_id):
    client = as_role("member")
    with app.app_context():
        maya_id = db.session.scalar(select(Contact.id).where(Contact.email == "maya@greenthumb.com"))
    client.post(f"/contacts/{maya_id}/edit", data={
        "csrf_token": csrf_token(client, f"/sites/{site_id}"), "email": "editor@greenthumb.com",
        "first_name": "Someone", "last_name": "Else", "position": "Boss", "status": "unsubscribed"})
    with app.app_context():
        maya = db.session.get(Contact, maya_id)
        assert (maya.email, maya.first_name, maya.status) == ("maya@greenthumb.com", "Maya", "ok")
        assert _count(Activity, team.workspace_id) == 0


def test_a_bad_measurement_records_nothing(app, as_role, team, site_id):
    client = as_role("member")
    response = client.post(f"/sites/{site_id}/metrics", data={
        "csrf_token": csrf_token(client, f"/sites/{site_id}"), "name": "dr", "value": "-1", "source": "manual",
        "measured_on": "2030-01-01"})
    assert response.status_code == 400
    with app.app_context():
        assert _count(SiteMetric, team.workspace_id) == 0 and db.session.get(Site, site_id).dr is None
