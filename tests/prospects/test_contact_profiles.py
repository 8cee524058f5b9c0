"""A contact's LinkedIn, X/Twitter and email verification: set on the site page's forms, shown with the contact."""

from __future__ import annotations

import html

import pytest

from crm.extensions import db
from crm.prospects.models import Contact
from tests.campaigns.factories import OpportunityFactory
from tests.conftest import csrf_token
from tests.prospects.factories import ContactFactory, SiteFactory

pytestmark = pytest.mark.both_databases

COLUMNS = ("email", "first_name", "linkedin_url", "twitter", "email_verification")


@pytest.fixture
def people(app, team):
    """Acme's site with one contact, and a Rival contact."""
    with app.app_context():
        site = SiteFactory(workspace_id=team.workspace_id, domain="greenthumb.com")
        maya = ContactFactory(site=site, email="maya@greenthumb.com", first_name="Maya")
        rival = ContactFactory(workspace_id=team.rival_workspace_id, email="rex@rival.example",
                               linkedin_url="https://www.linkedin.com/in/rex", email_verification="valid")
        return site.id, maya.id, rival.id


def _stored(app, contact_id: int) -> tuple:
    with app.app_context():
        contact = db.session.get(Contact, contact_id)
        return tuple(getattr(contact, column) for column in COLUMNS)


def _edit(client, token: str, contact_id: int, **profile: str):
    data = {"csrf_token": token, "email": "maya@greenthumb.com", "first_name": "Maya", "last_name": "",
            "position": "", "status": "ok", **profile}
    return client.post(f"/contacts/{contact_id}/edit", data=data, follow_redirects=True)


@pytest.mark.parametrize(("linkedin", "twitter", "stored_linkedin", "stored_twitter"), [
    ("https://linkedin.com/in/maya-patel", "@MayaWrites", "https://www.linkedin.com/in/maya-patel", "MayaWrites"),
    ("maya-patel", "https://x.com/MayaWrites", "https://www.linkedin.com/in/maya-patel", "MayaWrites"),
    ("http://uk.linkedin.com/in/maya-patel/", "https://twitter.com/MayaWrites?lang=en",
     "https://www.linkedin.com/in/maya-patel/", "MayaWrites"),
])
def test_profiles_and_verification_are_saved_normalised_and_shown(app, as_role, people, linkedin, twitter,
                                                                  stored_linkedin, stored_twitter):
    site_id, maya_id, _ = people
    client = as_role("member")
    token = csrf_token(client, f"/sites/{site_id}")
    page = _edit(client, token, maya_id, linkedin_url=linkedin, twitter=twitter,
                 email_verification="accept_all").get_data(as_text=True)
    assert "maya@greenthumb.com saved." in page
    assert _stored(app, maya_id) == ("maya@greenthumb.com", "Maya", stored_linkedin, stored_twitter, "accept_all")
    assert f'href="{stored_linkedin}"' in page and f'href="https://x.com/{stored_twitter}"' in page
    assert f"X @{stored_twitter}" in page and "accept-all domain" in page


def _add(client, site_id: int, **profile: str):
    token = csrf_token(client, f"/sites/{site_id}")
    data = {"csrf_token": token, "email": "sam@greenthumb.com", "status": "ok", **profile}
    return client.post(f"/sites/{site_id}/contacts", data=data)


def test_a_profile_is_added_with_a_new_contact(app, as_role, people):
    response = _add(as_role("member"), people[0], linkedin_url="sam-lee", twitter="samlee", email_verification="valid")
    assert response.status_code == 302
    with app.app_context():
        sam = db.session.query(Contact).filter_by(email="sam@greenthumb.com").one()
        assert (sam.linkedin_url, sam.twitter, sam.email_verification) == (
            "https://www.linkedin.com/in/sam-lee", "samlee", "valid")


@pytest.mark.parametrize(("profile", "message"), [
    ({"linkedin_url": "https://evil.example/in/maya"}, "is not a LinkedIn profile address"),
    ({"linkedin_url": "javascript:alert(1)"}, "is not a LinkedIn profile address"),
    ({"linkedin_url": "ftp://linkedin.com/in/maya"}, "is not a LinkedIn profile address"),
    ({"twitter": "https://facebook.com/maya"}, "is not an X/Twitter handle or profile address"),
    ({"twitter": "@this-is-not-a-handle"}, "is not an X/Twitter handle or profile address"),
    ({"email_verification": "webmail"}, "Not a valid choice"),
    ({"email_verification": "great"}, "Not a valid choice"),
])
def test_bad_input_is_named_and_writes_nothing(app, as_role, people, profile, message):
    site_id, maya_id, _ = people
    before = _stored(app, maya_id)
    client = as_role("member")
    token = csrf_token(client, f"/sites/{site_id}")
    page = _edit(client, token, maya_id, **{"linkedin_url": "", "twitter": "", "email_verification": "",
                                             **profile}, first_name="Changed").get_data(as_text=True)
    assert message in html.unescape(page)
    assert _stored(app, maya_id) == before


def test_bad_input_on_a_new_contact_adds_nobody(app, as_role, people):
    response = _add(as_role("member"), people[0], linkedin_url="https://x.com/sam")
    assert response.status_code == 400
    assert "is not a LinkedIn profile address" in html.unescape(response.get_data(as_text=True))
    with app.app_context():
        assert db.session.query(Contact).filter_by(email="sam@greenthumb.com").count() == 0


def test_a_verdict_only_a_file_gives_stays_when_the_contact_is_saved(app, as_role, people):
    site_id, maya_id, _ = people
    with app.app_context():
        db.session.get(Contact, maya_id).email_verification = "webmail"
        db.session.commit()
    client = as_role("member")
    token = csrf_token(client, f"/sites/{site_id}")
    assert "(from the import)" in client.get(f"/sites/{site_id}").get_data(as_text=True)
    _edit(client, token, maya_id, linkedin_url="", twitter="", email_verification="webmail", first_name="May")
    assert _stored(app, maya_id)[1:] == ("May", "", "", "webmail")


def test_the_form_keeps_csrf_and_another_workspace_gets_404(app, as_role, people):
    site_id, maya_id, rival_id = people
    before, rival_before = _stored(app, maya_id), _stored(app, rival_id)
    client = as_role("member")
    refused = client.post(f"/contacts/{maya_id}/edit", data={
        "email": "maya@greenthumb.com", "status": "ok", "linkedin_url": "maya-patel"}, follow_redirects=True)
    assert refused.status_code == 400
    assert _stored(app, maya_id) == before
    token = csrf_token(client, f"/sites/{site_id}")
    assert _edit(client, token, rival_id, linkedin_url="maya-patel").status_code == 404
    assert _stored(app, rival_id) == rival_before
    assert client.get(f"/sites/{site_id}").status_code == 200
    viewer = as_role("viewer")
    viewer_token = csrf_token(viewer, f"/sites/{site_id}")
    assert _edit(viewer, viewer_token, maya_id, linkedin_url="maya-patel").status_code == 403
    assert _stored(app, maya_id) == before


def test_the_card_page_shows_its_contacts_profiles_and_verdict(app, as_role, team, people):
    maya_id = people[1]
    with app.app_context():
        maya = db.session.get(Contact, maya_id)
        maya.linkedin_url, maya.twitter, maya.email_verification = "https://www.linkedin.com/in/maya", "maya", "invalid"
        card = OpportunityFactory(workspace_id=team.workspace_id, contact=maya)
        card_id = card.id
    for role in ("viewer", "member"):
        page = as_role(role).get(f"/campaigns/opportunities/{card_id}").get_data(as_text=True)
        assert 'href="https://www.linkedin.com/in/maya"' in page and "X @maya" in page and "invalid address" in page
