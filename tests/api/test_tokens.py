"""Tokens: bearer only (no cookie), revoked and expired refused, the rate limit, the log, the CLI and the page."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from crm.api.models import ApiCall, ApiToken
from crm.db import utcnow
from crm.extensions import db
from tests.conftest import csrf_token


def test_a_call_with_a_token_reads_its_workspace_and_is_logged(app, client, bearer, world):
    headers = bearer("viewer", "read")
    response = client.get("/api/v1/sites", headers=headers)
    assert response.status_code == 200
    ids = [s["id"] for s in response.json["data"]]
    assert world[0].site_id in ids and world[1].site_id not in ids and ids == sorted(ids)
    with app.app_context():
        call = db.session.scalars(select(ApiCall)).one()
        assert (call.method, call.path, call.status) == ("GET", "/api/v1/sites", 200)
        assert db.session.scalars(select(ApiToken)).one().last_used_at is not None
        assert db.session.scalars(select(ApiToken.token_hash)).one() not in headers["Authorization"]


def test_no_token_or_a_session_cookie_alone_gets_401_problem(client, as_role, world):
    assert client.get("/api/v1/sites").status_code == 401
    signed_in = as_role("owner")
    response = signed_in.get("/api/v1/sites")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.json["status"] == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Set-Cookie" not in response.headers


def test_posts_need_no_csrf_token_but_a_write_token(client, bearer, world):
    response = client.post("/api/v1/sites", json={"domain": "fresh-blog.co.uk"}, headers=bearer("member"))
    assert response.status_code == 201, response.json
    assert response.json["domain"] == "fresh-blog.co.uk"


def test_revoked_and_expired_tokens_are_refused(app, client, bearer, team):
    headers = bearer("owner", "read")
    assert client.get("/api/v1/campaigns", headers=headers).status_code == 200
    with app.app_context():
        token = db.session.scalars(select(ApiToken)).one()
        token.revoked_at = utcnow()
        db.session.commit()
    assert client.get("/api/v1/campaigns", headers=headers).status_code == 401
    expiring = bearer("owner", "read", expires_at=utcnow() + timedelta(seconds=30))
    with app.app_context():
        token = db.session.scalars(select(ApiToken).where(ApiToken.revoked_at.is_(None))).one()
        token.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert client.get("/api/v1/campaigns", headers=expiring).status_code == 401


def test_a_token_stops_when_its_maker_leaves_the_workspace(app, client, bearer, team):
    from crm.accounts.models import Membership

    headers = bearer("admin", "write")
    with app.app_context():
        db.session.execute(Membership.__table__.delete().where(Membership.user_id == team.user_ids["admin"]))
        db.session.commit()
    assert client.get("/api/v1/campaigns", headers=headers).status_code == 401


def test_the_rate_limit_answers_429_with_retry_after(app, client, bearer):
    app.config.update(API_RATE_LIMIT=3, API_RATE_WINDOW=3600)
    headers = bearer("owner", "read")
    codes = [client.get("/api/v1/campaigns", headers=headers).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = client.get("/api/v1/campaigns", headers=headers)
    assert limited.mimetype == "application/problem+json"
    assert 1 <= int(limited.headers["Retry-After"]) <= 3600
    other = bearer("admin", "read")  # the limit is per token
    assert client.get("/api/v1/campaigns", headers=other).status_code == 200


def test_cli_prints_a_working_token(app, runner, team, client):
    result = runner.invoke(args=["api", "token", "create", "--workspace", "Acme", "--name", "sheet", "--scope",
                                 "write"])
    assert result.exit_code == 0, result.output
    made = json.loads(result.output)
    assert made["scope"] == "write" and made["token"].startswith("crm_")
    response = client.post("/api/v1/sites", json={"domain": "cli-blog.com"},
                           headers={"Authorization": f"Bearer {made['token']}"})
    assert response.status_code == 201
    assert runner.invoke(args=["api", "token", "create", "--workspace", "Nope", "--name", "x"]).exit_code != 0


def test_admins_make_see_once_and_revoke_tokens_on_the_settings_page(app, as_role, client):
    admin = as_role("admin")
    page = admin.post("/settings/api-tokens", data={"name": "Rank tracker", "scope": "read",
                                                    "csrf_token": csrf_token(admin, "/settings/api-tokens")})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Copy this token now" in html
    plaintext = html.split('<code class="user-select-all">')[1].split("<")[0]
    assert client.get("/api/v1/sites", headers={"Authorization": f"Bearer {plaintext}"}).status_code == 200
    listing = admin.get("/settings/api-tokens").get_data(as_text=True)
    assert "Rank tracker" in listing and plaintext not in listing
    with app.app_context():
        token_id = db.session.scalars(select(ApiToken.id)).one()
    admin.post(f"/settings/api-tokens/{token_id}/revoke",
               data={"csrf_token": csrf_token(admin, "/settings/api-tokens")})
    assert client.get("/api/v1/sites", headers={"Authorization": f"Bearer {plaintext}"}).status_code == 401
    assert as_role("member").get("/settings/api-tokens").status_code == 403
