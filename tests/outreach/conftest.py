"""Shared outreach test values: a world of opportunities to pitch."""

import pytest


@pytest.fixture
def world(app, team):
    """Acme with a three-step sequence for a campaign of three opportunities."""
    from tests.outreach.world import build

    with app.app_context():
        return build(team.workspace_id)
