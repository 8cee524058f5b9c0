"""After sign-in and after actions, a `next` target never sends the browser to another host, and never fails."""

from __future__ import annotations

import pytest
from ada_url import URL, join_url
from hypothesis import given
from hypothesis import strategies as st

from crm.security import safe_next
from tests.conftest import csrf_token

OUR_BASE = "http://localhost/"

HOSTILE = [
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r/evil.example",
    "/\r\nSet-Cookie: x=1",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "/\\/evil.example",
    "\\\\evil.example",
    "https://evil.example",
    "HTTPS://evil.example/",
    "http:evil.example",
    "javascript:alert(1)",
    " javascript:alert(1)",
    "%2F%2Fevil.example",
    "evil.example",
    "\t//evil.example",
    "/\x00/evil.example",
    "/\x7f/evil.example",
    "/\u0085/evil.example",
    "/\u200b/evil.example",
    "/\u202e/evil.example",
    "/\u2028/evil.example",
    "\uff0f\uff0fevil.example",
    "\u2215\u2215evil.example",
    "/\t\\evil.example",
    "",
]


def _stays_home(location: str) -> bool:
    """Whether a browser following this Location header stays on our host."""
    return URL(join_url(OUR_BASE, location)).host == "localhost"


@pytest.mark.parametrize("target", HOSTILE)
def test_sign_in_never_redirects_off_site_and_never_fails(client, team, target):
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"email": team.emails["member"], "password": "correct horse battery staple",
                                           "csrf_token": token, "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", HOSTILE)
def test_the_login_link_with_a_hostile_next_still_shows_the_form(client, target):
    response = client.get("/login", query_string={"next": target})
    assert response.status_code == 200


@pytest.mark.parametrize("target", HOSTILE)
def test_campaign_actions_never_redirect_off_site(as_role, target):
    client = as_role("member")
    token = csrf_token(client, "/campaigns")
    response = client.post("/campaigns/add-sites", data={"csrf_token": token, "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/campaigns"


def test_a_path_on_this_site_is_followed_after_sign_in(client, team):
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"email": team.emails["member"], "password": "correct horse battery staple",
                                           "csrf_token": token, "next": "/campaigns?status=active#top"})
    assert response.headers["Location"] == "/campaigns?status=active#top"


def test_a_path_with_unicode_is_followed_as_its_encoded_self():
    assert safe_next("/sites?q=café", "/") == "/sites?q=caf%C3%A9"
    assert safe_next("/\uff0f\uff0fevil", "/") == "/%EF%BC%8F%EF%BC%8Fevil"  # a path segment, not a host


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40)
       | st.builds(lambda a, b: a + b, st.sampled_from(["/", "//", "/\\", "\\", "/\t/", "http:", "/%2F"]),
                   st.text(max_size=20)))
def test_whatever_the_target_the_result_is_a_same_origin_ascii_path(target):
    result = safe_next(target, "/fallback")
    assert result.startswith("/") and result.isascii()
    assert not any(ord(ch) < 0x21 or ord(ch) == 0x7F for ch in result)
    assert _stays_home(result)
