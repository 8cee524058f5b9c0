"""Signing in and out, sessions that end on the server, failure limits and cookie flags."""

from __future__ import annotations

import pytest

from crm import create_app
from crm.accounts.models import UserSession
from crm.extensions import db
from tests.conftest import app_settings, csrf_token, login

pytestmark = pytest.mark.both_databases


def test_sign_in_lands_on_the_dashboard_of_the_first_workspace(client, team):
    response = login(client, team.emails["member"])
    assert response.status_code == 302 and response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Acme" in page and "Sign out" in page


def test_wrong_password_is_refused_with_a_message(client, team):
    response = login(client, team.emails["member"], "not the password")
    assert response.status_code == 200
    assert "do not match an active account" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still signed out


def test_unknown_address_gets_the_same_message(client, team):
    response = login(client, "nobody@acme.example", "whatever password")
    assert "do not match an active account" in response.get_data(as_text=True)


def test_next_parameter_never_leaves_the_site(client, team):
    token = csrf_token(client, "/login?next=//evil.example/phish")
    response = client.post(
        "/login",
        data={"email": team.emails["member"], "password": "correct horse battery staple", "csrf_token": token,
              "next": "//evil.example/phish"},
    )
    assert response.headers["Location"] == "/"


def test_sign_out_needs_a_post_with_the_csrf_token(client, team):
    login(client, team.emails["member"])
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400  # no token
    assert client.get("/").status_code == 200  # still signed in


def test_sign_out_ends_the_session_on_the_server_so_a_copied_cookie_is_useless(app, client, team):
    login(client, team.emails["member"])
    stolen = client.get_cookie("crm_session").value
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    thief = app.test_client()
    thief.set_cookie("crm_session", stolen)
    response = thief.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_password_change_signs_out_other_browsers_but_not_this_one(app, team):
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, team.emails["admin"])
    login(phone, team.emails["admin"])
    response = laptop.post(
        "/account",
        data={
            "csrf_token": csrf_token(laptop, "/account"),
            "current_password": "correct horse battery staple",
            "new_password": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
    )
    assert response.status_code == 302
    assert laptop.get("/").status_code == 200
    assert phone.get("/").status_code == 302
    fresh = app.test_client()
    assert login(fresh, team.emails["admin"], "a brand new passphrase").status_code == 302
    assert login(app.test_client(), team.emails["admin"]).status_code == 200  # old password refused


def test_sign_out_everywhere_else(app, team):
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, team.emails["viewer"])
    login(phone, team.emails["viewer"])
    laptop.post("/account/sessions/end-others", data={"csrf_token": csrf_token(laptop, "/account")})
    assert laptop.get("/").status_code == 200
    assert phone.get("/").status_code == 302
    with app.app_context():
        open_sessions = db.session.scalars(db.select(UserSession).where(UserSession.ended_at.is_(None))).all()
        assert len(open_sessions) == 1


def test_too_many_failures_for_one_account_pause_it_even_with_the_right_password(app, team):
    client = app.test_client()
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        login(client, team.emails["owner"], "wrong password!!")
    response = login(client, team.emails["owner"])
    assert "Too many failed sign-ins" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    # Another account from the same address is still allowed (address limit is higher).
    assert login(app.test_client(), team.emails["member"]).status_code == 302


def test_too_many_failures_from_one_address_pause_that_address(app, team):
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 3
    client = app.test_client()
    for n in range(3):
        login(client, f"guess{n}@acme.example", "wrong password!!")
    response = login(client, team.emails["member"])
    assert "Too many failed sign-ins" in response.get_data(as_text=True)


def test_a_success_clears_the_account_counter(app, team):
    client = app.test_client()
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    for _ in range(limit - 1):
        login(client, team.emails["owner"], "wrong password!!")
    assert login(client, team.emails["owner"]).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    for _ in range(limit - 1):
        login(client, team.emails["owner"], "wrong password!!")
    assert login(client, team.emails["owner"]).status_code == 302


def test_session_cookie_flags(client, team):
    login(client, team.emails["member"])
    cookie = client.get_cookie("crm_session")
    assert cookie.http_only and cookie.same_site == "Lax"


def test_production_cookies_are_secure(tmp_path, migrated_sqlite):
    app = create_app(app_settings(tmp_path, f"sqlite:///{migrated_sqlite}", ENV_NAME="production", TESTING=False))
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]


@pytest.mark.parametrize("key", ["", "dev-only-secret-key-change-me", "short-key"])
def test_production_refuses_a_default_or_short_secret_key(tmp_path, key):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(app_settings(tmp_path, "sqlite://", ENV_NAME="production", SECRET_KEY=key))


def test_pages_need_sign_in(client):
    response = client.get("/workspace/settings")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
