"""Record the link: a Won card's live link becomes a backlink tied to the card, verified at once."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from crm.campaigns.models import Opportunity
from crm.extensions import db
from crm.links.models import Backlink, LinkCheck
from tests.campaigns.factories import OpportunityFactory, TargetPageFactory
from tests.links.conftest import FARM_FETCH
from tests.prospects.factories import SiteFactory

SHOES = ("<html><head><title>Trail shoes</title></head><body><main><p>Our trail shoes for long runs.</p>"
         "</main></body></html>")
ARTICLE = ('<html><head><title>Trail running</title></head><body><main><article><p>Good shoes matter. '
           'Read about <a href="/shoes">trail shoes</a> before a long run.</p>'
           '</article></main></body></html>')


@pytest.fixture
def won(app, team, httpserver):
    """A Won opportunity on the loopback site, whose campaign wants links to the shop's trail-shoes page."""
    app.config.update(FARM_FETCH)
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/shoes").respond_with_data(SHOES, content_type="text/html; charset=utf-8")
    httpserver.expect_request("/post").respond_with_data(ARTICLE, content_type="text/html; charset=utf-8")
    with app.app_context():
        site = SiteFactory(workspace_id=team.workspace_id, domain="localhost")
        page = TargetPageFactory(workspace_id=team.workspace_id, url=httpserver.url_for("/shoes"))
        opportunity = OpportunityFactory(workspace_id=team.workspace_id, campaign=page.campaign, site=site,
                                         stage="won", target_page=page)
        return {"id": opportunity.id, "campaign_id": page.campaign_id, "site_id": site.id,
                "url": httpserver.url_for("/post"), "target": httpserver.url_for("/shoes")}


def _token(body: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', body).group(1)


def _post(client, won: dict, **values):
    opportunity_id = won["id"]
    page = client.get(f"/campaigns/opportunities/{opportunity_id}/record-link").get_data(as_text=True)
    data = {"csrf_token": _token(page), "target_url": won["target"],
            "expected_anchor": "trail shoes", "expected_rel": "follow", **values}
    return client.post(f"/campaigns/opportunities/{opportunity_id}/record-link", data=data)


def test_form_starts_from_the_site_target_page_and_anchor(as_role, won):
    client = as_role("member")
    board = client.get(f"/campaigns/{won['campaign_id']}").get_data(as_text=True)
    assert f"/campaigns/opportunities/{won['id']}/record-link" in board and "Record the link" in board
    body = client.get(f"/campaigns/opportunities/{won['id']}/record-link").get_data(as_text=True)
    assert 'value="https://localhost/"' in body
    assert f'value="{won["target"]}"' in body and 'value="trail shoes"' in body


def test_saving_ties_the_backlink_to_the_card_and_verifies_it_at_once(app, as_role, won):
    client = as_role("member")
    response = _post(client, won, source_url=won["url"])
    assert response.status_code == 302
    with app.app_context():
        backlink = db.session.scalar(select(Backlink))
        assert (backlink.opportunity_id, backlink.campaign_id, backlink.site_id) == (
            won["id"], won["campaign_id"], won["site_id"])
        assert backlink.expected_anchor == "trail shoes" and backlink.expected_rel == "follow"
        assert backlink.status == "live" and backlink.check_count == 1
        backlink_id = backlink.id
    assert response.headers["Location"].endswith(f"/backlinks/{backlink_id}")
    page = client.get(f"/backlinks/{backlink_id}").get_data(as_text=True)
    assert "Quality score" in page and 'id="check-history"' in page


def test_recording_the_same_url_twice_is_refused_with_a_message(app, as_role, won):
    client = as_role("member")
    assert _post(client, won, source_url=won["url"]).status_code == 302
    again = _post(client, won, source_url=won["url"])
    assert again.status_code == 400
    assert "already recorded for this opportunity" in again.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Backlink)) == 1
        assert db.session.scalar(select(func.count()).select_from(LinkCheck)) == 1


def test_a_page_on_another_site_or_a_card_not_won_is_refused(app, as_role, won):
    client = as_role("member")
    other = _post(client, won, source_url="https://elsewhere.example/post")
    assert other.status_code == 400 and "must be on localhost" in other.get_data(as_text=True)
    with app.app_context():
        db.session.get(Opportunity, won["id"]).stage = "negotiating"
        db.session.commit()
    early = _post(client, won, source_url=won["url"])
    assert early.status_code == 400 and "move the card to Won first" in early.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Backlink)) == 0


def test_viewers_cannot_record_a_link(as_role, won):
    assert as_role("viewer").get(f"/campaigns/opportunities/{won['id']}/record-link").status_code == 403


def test_report_links_open_backlink_pages_and_the_share_page_links_only_the_page(app, as_role, won):
    client = as_role("member")
    _post(client, won, source_url=won["url"])
    with app.app_context():
        backlink_id = db.session.scalar(select(Backlink.id))
    report = client.get(f"/campaigns/{won['campaign_id']}/report").get_data(as_text=True)
    assert f'href="/backlinks/{backlink_id}"' in report and won["url"] in report
