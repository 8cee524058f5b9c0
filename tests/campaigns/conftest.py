"""Shared campaign test helpers: a page's flashed messages, and a signed-in client's CSRF token."""

from __future__ import annotations

import html
import re

import pytest

from tests.conftest import csrf_token


def messages(response) -> str:
    """The text of every alert on a page, unescaped, one per line."""
    body = response.get_data(as_text=True)
    found = re.findall(r'<div class="alert[^"]*"[^>]*>\s*(.*?)\s*<button', body, re.S)
    return "\n".join(html.unescape(m.strip()) for m in found)


@pytest.fixture
def signed_in(as_role):
    """A client signed in with a role, and a CSRF token for its posts."""

    def make(role: str):
        client = as_role(role)
        return client, csrf_token(client, "/tasks")

    return make
