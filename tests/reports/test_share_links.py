"""Share links: only admins make and revoke them; a link shows one campaign's report, expires, and can be revoked."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from sqlalchemy import inspect

from crm.db import utcnow
from crm.extensions import db
from crm.reports import sharing
from crm.reports.models import ShareLink
from tests.campaigns.factories import CampaignFactory
from tests.conftest import csrf_token
from tests.web.test_security import INLINE_HANDLER, INLINE_SCRIPT, STYLE_ATTRIBUTE

SHARE_URL = re.compile(r'value="(http://localhost/share/([^"]+))"')


def _create(client, campaign_id: int, days: int = 7):
    token = csrf_token(client, f"/campaigns/{campaign_id}/report")
    return client.post(f"/campaigns/{campaign_id}/share-links", data={"csrf_token": token, "days": days})


def _share(app, scenario, as_role, days: int = 7) -> tuple[str, str]:
    response = _create(as_role("admin"), scenario.campaign_id, days)
    assert response.status_code == 200
    url, token = SHARE_URL.search(response.get_data(as_text=True)).groups()
    return url, token


def test_an_admin_makes_a_link_and_only_its_hash_is_stored(app, scenario, as_role):
    _, token = _share(app, scenario, as_role, days=30)
    with app.app_context():
        [row] = db.session.scalars(db.select(ShareLink)).all()
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
        values = [str(getattr(row, a.key)) for a in inspect(row).mapper.column_attrs]
        assert not any(token in value for value in values)
        assert timedelta(days=29, hours=23) < row.expires_at - utcnow() <= timedelta(days=30)
        assert row.campaign_id == scenario.campaign_id and row.workspace_id == scenario.workspace_id


def test_the_shared_report_shows_that_campaign_and_nothing_else(app, scenario, team, as_role):
    with app.app_context():
        CampaignFactory(workspace_id=team.workspace_id, name="Secret other campaign")
        db.session.commit()
    _, token = _share(app, scenario, as_role)
    for client in (app.test_client(), as_role("owner")):  # signed out, and signed in: the same bare page
        response = client.get(f"/share/{token}")
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and "Spring running guide" in html
        assert re.search(r'id="figure-live-links">\s*4\s*<', html) and 'id="chart-funnel"' in html
        assert "Secret other campaign" not in html and "Rival campaign" not in html
        assert "Acme (owner)" not in html and "Outreach CRM" not in html  # no switcher, none of our branding
        assert "Sign out" not in html and "workspace-switch" not in html and "<nav" not in html
        # Nothing leads anywhere else in the app: no CSV links, no links to campaigns, links or other reports.
        assert all(href.startswith("/static/") or href == "data:," for href in re.findall(r'href="([^"]*)"', html))
        assert "Create share link" not in html
        assert not INLINE_SCRIPT.search(html) and not INLINE_HANDLER.search(html) and not STYLE_ATTRIBUTE.search(html)
        assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
        assert response.headers["Referrer-Policy"] == "no-referrer"


def test_an_expired_link_stops_working(app, scenario, as_role):
    _, token = _share(app, scenario, as_role, days=1)
    client = app.test_client()
    assert client.get(f"/share/{token}").status_code == 200
    with app.app_context():
        row = db.session.scalars(db.select(ShareLink)).one()
        assert sharing.resolve(token, app.config["SECRET_KEY"], now=utcnow() + timedelta(hours=23)) is not None
        assert sharing.resolve(token, app.config["SECRET_KEY"], now=utcnow() + timedelta(days=1, minutes=1)) is None
        row.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    response = client.get(f"/share/{token}")
    assert response.status_code == 404 and "not available" in response.get_data(as_text=True)
    assert "Spring running guide" not in response.get_data(as_text=True)


def test_a_revoked_link_stops_working_at_once(app, scenario, as_role):
    _, token = _share(app, scenario, as_role)
    admin = as_role("admin")
    with app.app_context():
        link_id = db.session.scalars(db.select(ShareLink.id)).one()
    page = admin.get(f"/campaigns/{scenario.campaign_id}/report").get_data(as_text=True)
    assert 'data-state="active"' in page
    response = admin.post(f"/share-links/{link_id}/revoke", data={"csrf_token": csrf_token(admin, "/")})
    assert response.status_code == 302
    assert app.test_client().get(f"/share/{token}").status_code == 404
    page = admin.get(f"/campaigns/{scenario.campaign_id}/report").get_data(as_text=True)
    assert 'data-state="revoked"' in page and "Share link revoked." in page


@pytest.mark.parametrize("mangle", [lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"), lambda t: t.split(".")[0],
                                    lambda t: "x" * 300, lambda t: t.upper()])
def test_forged_or_damaged_tokens_open_nothing(app, scenario, as_role, mangle):
    _, token = _share(app, scenario, as_role)
    assert app.test_client().get(f"/share/{mangle(token)}").status_code == 404


def test_a_token_signed_with_another_key_is_refused(app, scenario):
    with app.app_context():
        row, token = sharing.create(scenario.workspace_id, scenario.campaign_id, None, 7, "another-secret-key" * 3)
        assert row.id and sharing.resolve(token, app.config["SECRET_KEY"]) is None


@pytest.mark.parametrize("role", ["viewer", "member"])
def test_viewers_and_members_cannot_make_or_revoke_links(app, scenario, as_role, role):
    client = as_role(role)
    assert "Create share link" not in client.get(f"/campaigns/{scenario.campaign_id}/report").get_data(as_text=True)
    assert _create(client, scenario.campaign_id).status_code == 403
    _, token = _share(app, scenario, as_role)
    with app.app_context():
        link_id = db.session.scalars(db.select(ShareLink.id)).one()
    revoke = client.post(f"/share-links/{link_id}/revoke", data={"csrf_token": csrf_token(client, "/")})
    assert revoke.status_code == 403
    assert app.test_client().get(f"/share/{token}").status_code == 200


def test_an_expiry_outside_the_choices_is_refused(app, scenario, as_role):
    admin = as_role("admin")
    response = _create(admin, scenario.campaign_id, days=3650)
    assert response.status_code == 302
    assert "Choose how long the link stays valid." in admin.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(db.select(ShareLink)).all() == []
