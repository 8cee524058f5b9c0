"""Fixtures for the reports tests: the hand-computed scenario in Acme, with a rival workspace alongside."""

from __future__ import annotations

import pytest

from tests.reports import scenario as scenario_module


@pytest.fixture
def scenario(app, team):
    """The scenario's rows in Acme (and look-alikes in Rival); returns the ids."""
    with app.app_context():
        return scenario_module.build(team.workspace_id, team.rival_workspace_id, team.user_ids)
