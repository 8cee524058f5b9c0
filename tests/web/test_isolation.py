"""No role can read or change another workspace's rows, whatever id is put in a URL: every id-taking route."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from sqlalchemy import inspect

from crm.extensions import db
from tests.conftest import ROLES, csrf_token
from tests.support.isolation import FOREIGN_ROWS

# Every feature's isolation_rows module registers how to make another workspace's row for its id routes.
for _module in sorted(Path(__file__).resolve().parents[1].glob("*/isolation_rows.py")):
    importlib.import_module(f"tests.{_module.parent.name}.isolation_rows")


def _id_routes(app):
    """Routes a signed-in browser reaches by id; /api/v1 takes bearer tokens and has its own matrix in tests/api."""
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1"):
            continue
        if any(type(conv).__name__ == "IntegerConverter" for conv in rule._converters.values()):
            yield rule


def _snapshot(row) -> dict:
    db.session.refresh(row)
    return {attr.key: getattr(row, attr.key) for attr in inspect(row).mapper.column_attrs}


def test_every_id_route_is_covered(app):
    missing = sorted({rule.endpoint for rule in _id_routes(app)} - FOREIGN_ROWS.keys())
    assert not missing, f"add these endpoints to a tests/<feature>/isolation_rows.py module: {missing}"


@pytest.mark.parametrize("role", ROLES)
def test_another_workspaces_ids_are_refused_for_every_role(app, team, as_role, role):
    client = as_role(role)
    token = csrf_token(client, "/")
    for rule in _id_routes(app):
        with app.app_context():
            kwargs, row = FOREIGN_ROWS[rule.endpoint](team.rival_workspace_id)
            before = _snapshot(row)
            model, key = type(row), inspect(row).identity
        url = rule.rule
        for name, value in kwargs.items():
            url = re.sub(rf"<(?:int:)?{name}>", str(value), url)
        assert "<" not in url, f"{rule.endpoint}: unfilled argument in {url}"
        for method in sorted(rule.methods & {"GET", "POST"}):
            response = client.get(url) if method == "GET" else client.post(url, data={"csrf_token": token,
                                                                                        "role": "viewer"})
            assert response.status_code in (403, 404), f"{role} {method} {url} gave {response.status_code}"
        with app.app_context():
            after = db.session.get(model, key)
            assert after is not None, f"{rule.endpoint} deleted another workspace's row"
            assert _snapshot(after) == before, f"{rule.endpoint} changed another workspace's row"
