"""Contact discovery against a fake site on loopback: pages read, addresses found and ranked, then added."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from crm.extensions import db
from crm.prospects.discoverpages import pick_pages
from crm.prospects.models import Contact, ProspectJob
from tests.conftest import csrf_token
from tests.prospects.factories import ContactFactory, SiteFactory
from tests.web.test_security import INLINE_HANDLER, INLINE_SCRIPT, STYLE_ATTRIBUTE


def _cloudflare(address: str, key: int = 0x5A) -> str:
    return f"{key:02x}" + "".join(f"{ord(c) ^ key:02x}" for c in address)


HOME = """<html><body><nav><a href="/contact-us">Contact</a> <a href="/about">About us</a>
<a href="/write-for-us/">Write for us</a> <a href="https://elsewhere.example.net/contact">Partner</a></nav>
<main><p>Gardening tips every week.</p></main><footer>Say hello [at] greenthumb [dot] com</footer></body></html>"""
CONTACT = """<html><body><h1>Contact</h1>
<p>Editorial: <a href="mailto:editor@greenthumb.com">editor@greenthumb.com</a></p>
<p><a href="mailto:Maya.Patel@greenthumb.com">Maya Patel</a>, our editor in chief.</p>
<p>Ads via our agency: sales@adagency.example.org or ourteam@gmail.com</p></body></html>"""
ABOUT = f"""<html><body><p>Questions? <a href="/cdn-cgi/l/email-protection#{_cloudflare('info@greenthumb.com')}">
[email protected]</a></p></body></html>"""
WRITE = "<html><body><p>Send your pitch to submissions@greenthumb.com with three ideas.</p></body></html>"


@pytest.fixture
def fake_site(httpserver):
    """A small site on loopback: home page, contact, about and write-for-us pages."""
    for path, body in (("/", HOME), ("/contact-us", CONTACT), ("/about", ABOUT), ("/write-for-us/", WRITE)):
        httpserver.expect_request(path).respond_with_data(body, content_type="text/html; charset=utf-8")
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n", content_type="text/plain")
    httpserver.expect_request("/second/").respond_with_data(
        '<p>Write to <a href="mailto:contact@second.net">us</a>.</p>', content_type="text/html")
    return httpserver


@pytest.fixture
def loopback_app(app):
    """The fetcher may reach loopback in these tests (FETCH_ALLOW_PRIVATE_NETWORKS), with no politeness pauses."""
    app.config.update(FETCH_ALLOW_PRIVATE_NETWORKS=True, FETCH_PER_HOST_DELAY=0, FETCH_TOTAL_TIMEOUT=5)
    return app


@pytest.fixture
def site_id(loopback_app, team, fake_site):
    with loopback_app.app_context():
        return SiteFactory(workspace_id=team.workspace_id, domain="greenthumb.com", homepage=fake_site.url_for("/")).id


def _discover(client, site_id: int) -> str:
    response = client.post(f"/sites/{site_id}/discover", data={"csrf_token": csrf_token(client, f"/sites/{site_id}")})
    assert response.status_code == 302 and re.search(r"/sites/discoveries/\d+$", response.location)
    return response.location


def _found(app) -> list[dict]:
    with app.app_context():
        job = db.session.scalar(select(ProspectJob).order_by(ProspectJob.id.desc()))
        assert job.status == "done", job.message
        return job.result["sites"]


def test_addresses_on_the_sites_domain_are_found_ranked_and_shown_with_their_page(loopback_app, as_role, site_id,
                                                                                   fake_site):
    client = as_role("member")
    page = client.get(_discover(client, site_id)).get_data(as_text=True)
    (result,) = _found(loopback_app)
    assert [f["email"] for f in result["found"]] == [
        "maya.patel@greenthumb.com", "editor@greenthumb.com", "submissions@greenthumb.com",
        "hello@greenthumb.com", "info@greenthumb.com"]
    pages = {f["email"]: f["page_url"] for f in result["found"]}
    assert pages["maya.patel@greenthumb.com"] == fake_site.url_for("/contact-us")
    assert pages["info@greenthumb.com"] == fake_site.url_for("/about")
    assert pages["hello@greenthumb.com"] == fake_site.url_for("/")
    assert result["found"][0]["name"] == "Maya Patel" and result["found"][1]["is_role"]
    assert "gmail.com" not in page and "adagency" not in page  # not the site's own addresses
    assert "Maya Patel" in page and fake_site.url_for("/write-for-us/") in page
    assert not INLINE_SCRIPT.search(page) and not INLINE_HANDLER.search(page) and not STYLE_ATTRIBUTE.search(page)
    assert not [url for url, in [(p["url"],) for p in result["pages"]] if "elsewhere" in url]  # stays on the site


def test_picked_addresses_become_contacts_and_add_all_takes_the_rest(loopback_app, as_role, site_id):
    client = as_role("member")
    job_url = _discover(client, site_id)
    token = csrf_token(client, job_url)
    client.post(job_url + "/add", data={"csrf_token": token, "pick": [f"{site_id}:maya.patel@greenthumb.com"]})
    with loopback_app.app_context():
        maya = db.session.scalar(select(Contact).where(Contact.email == "maya.patel@greenthumb.com"))
        assert (maya.first_name, maya.last_name, maya.source, maya.is_role_address) == ("Maya", "Patel", "discovery",
                                                                                         False)
        assert maya.found_on.endswith("/contact-us")
    html = client.get(job_url).get_data(as_text=True)
    assert "already a contact of greenthumb.com" in html
    client.post(job_url + "/add", data={"csrf_token": token, "all": "1"})
    with loopback_app.app_context():
        emails = sorted(db.session.scalars(select(Contact.email)))
        assert len(emails) == 5 and "info@greenthumb.com" in emails


def test_an_address_another_site_already_has_is_not_taken(loopback_app, as_role, team, site_id):
    with loopback_app.app_context():
        ContactFactory(site=SiteFactory(workspace_id=team.workspace_id, domain="other.org"),
                       email="editor@greenthumb.com")
    client = as_role("member")
    job_url = _discover(client, site_id)
    (result,) = _found(loopback_app)
    assert {f["email"]: f["known"] for f in result["found"]}["editor@greenthumb.com"] == "other.org"
    client.post(job_url + "/add", data={"csrf_token": csrf_token(client, job_url),
                                        "pick": [f"{site_id}:editor@greenthumb.com"]})
    with loopback_app.app_context():
        owner = db.session.scalar(select(Contact).where(Contact.email == "editor@greenthumb.com"))
        assert owner.site.domain == "other.org"


def test_many_sites_at_once_from_the_list(loopback_app, as_role, team, site_id, fake_site):
    with loopback_app.app_context():
        second = SiteFactory(workspace_id=team.workspace_id, domain="second.net",
                             homepage=fake_site.url_for("/second/"))
        dead = SiteFactory(workspace_id=team.workspace_id, domain="dead.org", homepage="http://127.0.0.1:9/")
        ids = [site_id, second.id, dead.id]
    client = as_role("member")
    response = client.post("/sites/bulk", data={"csrf_token": csrf_token(client, "/sites"), "do": "discover",
                                                "site_ids": ids})
    assert "/sites/discoveries/" in response.location
    results = {r["domain"]: r for r in _found(loopback_app)}
    assert [f["email"] for f in results["second.net"]["found"]] == ["contact@second.net"]
    assert results["dead.org"]["found"] == [] and results["dead.org"]["pages"][0]["error"]
    html = client.get(response.location).get_data(as_text=True)
    assert "No addresses on this site" in html and "Found 6 address(es) on 3 site(s)" in html


def test_private_addresses_are_refused_unless_the_setting_allows_them(app, as_role, team, fake_site):
    app.config.update(FETCH_ALLOW_PRIVATE_NETWORKS=False, FETCH_PER_HOST_DELAY=0)
    with app.app_context():
        site_id = SiteFactory(workspace_id=team.workspace_id, domain="greenthumb.com",
                              homepage=fake_site.url_for("/")).id
    client = as_role("member")
    _discover(client, site_id)
    (result,) = _found(app)
    assert result["found"] == [] and "not globally routable" in result["pages"][0]["error"]


def test_viewers_cannot_start_discovery(as_role, site_id):
    client = as_role("viewer")
    token = csrf_token(client, "/sites")
    assert client.post(f"/sites/{site_id}/discover", data={"csrf_token": token}).status_code == 403


def test_pages_worth_reading_are_picked_from_the_home_page():
    home = """<a href="/contact">Contact</a><a href="/about-us/">Our story</a><a href="/blog/">Blog</a>
    <a href="https://twitter.com/x">Twitter</a><a href="mailto:x@y.com">Mail</a><a href="/team">Meet the team</a>
    <a href="/authors/jane-doe/">Jane</a><a href="/advertise">Advertise</a><a href="/contact#form">Form</a>"""
    pages = pick_pages(home, "https://www.site.com/")
    assert pages == ["https://www.site.com/contact", "https://www.site.com/about-us/", "https://www.site.com/team",
                     "https://www.site.com/advertise", "https://www.site.com/authors/jane-doe/",
                     "https://www.site.com/write-for-us"]
    assert pick_pages("<p>No links</p>", "https://a.com/") == [
        "https://a.com/contact", "https://a.com/about", "https://a.com/write-for-us"]
