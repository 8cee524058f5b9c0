"""Fixtures for outbound webhooks: the app allowed to reach loopback receivers, and a receiver."""

from __future__ import annotations

import pytest

# Receivers are pytest-httpserver on loopback, so these tests lift the address rule, as the links tests do.
LOOPBACK_FETCH = {"FETCH_ALLOW_PRIVATE_NETWORKS": True, "FETCH_CONNECT_TIMEOUT": 1.0, "WEBHOOK_TIMEOUT": 1.5}


@pytest.fixture
def hooks_app(app):
    """The app with loopback allowed for webhook deliveries."""
    app.config.update(LOOPBACK_FETCH)
    return app
