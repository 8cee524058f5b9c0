"""Shared outreach test values: campaigns' recipients and a world of opportunities to pitch."""

import pytest


@pytest.fixture
def recipient_source():
    """Recipients come from the campaign's opportunities, as campaigns will supply them; restored afterwards."""
    from tests.outreach.world import opportunity_recipients, use_opportunity_recipients

    restore = use_opportunity_recipients()
    yield opportunity_recipients
    restore()


@pytest.fixture
def world(app, team, recipient_source):
    """Acme with a three-step sequence for a campaign of three opportunities."""
    from tests.outreach.world import build

    with app.app_context():
        return build(team.workspace_id)
