"""The API's isolation matrix: every route, every role, both scopes, other workspaces' ids; responses match the
OpenAPI document."""

from __future__ import annotations

import pytest

from crm.api.registry import ROUTES
from tests.api import contract
from tests.api.conftest import queue_jobs
from tests.conftest import ROLES

BODIES = {
    "create_site": lambda rows: {"domain": "matrix-site.com"},
    "move_opportunity": lambda rows: {"stage": "pitched"},
    "add_sites": lambda rows: {"site_ids": [rows.site_id]},
    "create_backlink": lambda rows: {"source_url": "https://matrix-blog.com/post", "target_url": "https://shop.com/"},
    "recheck_backlink": lambda rows: None,
    "create_task": lambda rows: {"title": "Follow up", "opportunity_id": rows.opportunity_id},
    "complete_task": lambda rows: None,
}


def _call(client, route, rows, headers):
    url = "/api/v1" + route.rule
    for name, value in rows.path_values().items():
        url = url.replace(f"<int:{name}>", str(value))
    body = BODIES[route.endpoint](rows) if route.write else None
    return client.open(url, method=route.method, json=body, headers=headers)


@pytest.fixture
def document(client):
    """The served OpenAPI document."""
    return client.get("/api/v1/openapi.json").json


def test_every_write_route_has_a_sample_body(app):
    assert {r.endpoint for r in ROUTES if r.write} == set(BODIES)


@pytest.mark.both_databases
@pytest.mark.parametrize("role", ROLES)
def test_every_route_every_role_sees_only_its_workspace(app, client, bearer, world, document, role, backend):
    queue_jobs(app)
    mine, theirs = world
    read, write = bearer(role, "read"), bearer(role, "write")
    for route in ROUTES:
        foreign = _call(client, route, theirs, write)
        contract.check(document, route.openapi_path, route.method, foreign)
        if "<" in route.rule:
            assert foreign.status_code in (403, 404), f"{route.endpoint} reached Rival's row as {role}"
        assert str(theirs.site_id) not in {str(v) for v in _ids(foreign.json)} or foreign.status_code >= 400
        if route.write:
            refused = _call(client, route, mine, read)
            contract.check(document, route.openapi_path, route.method, refused)
            assert refused.status_code == 403, f"a read token wrote through {route.endpoint}"
        response = _call(client, route, mine, write)
        contract.check(document, route.openapi_path, route.method, response)
        if route.write and role == "viewer":
            assert response.status_code == 403, f"a viewer wrote through {route.endpoint}"
        elif not route.write:
            assert response.status_code == 200, (route.endpoint, response.json)


def _ids(payload) -> list:
    """Every site_id in a response body."""
    found = []
    if isinstance(payload, dict):
        for key, value in payload.items():
            found += [value] if key == "site_id" else _ids(value)
    elif isinstance(payload, list):
        for item in payload:
            found += _ids(item)
    return found


def test_lists_leave_out_other_workspaces_rows(client, bearer, world):
    mine, theirs = world
    headers = bearer("owner", "read")
    backlinks = client.get("/api/v1/backlinks", headers=headers).json["data"]
    assert [b["id"] for b in backlinks] == [mine.backlink_id]
    tasks = client.get("/api/v1/tasks?view=all", headers=headers).json["data"]
    assert [t["id"] for t in tasks] == [mine.task_id]
    replies = client.get("/api/v1/replies", headers=headers).json["data"]
    assert replies and all(r["site_id"] != theirs.site_id for r in replies)


def test_cursor_pages_walk_every_site_once_in_id_order(app, client, bearer, team):
    from tests.prospects.factories import SiteFactory

    with app.app_context():
        made = [SiteFactory(workspace_id=team.workspace_id, domain=f"page{n}.com").id for n in range(7)]
    headers, seen, cursor = bearer("viewer", "read"), [], None
    while True:
        page = client.get("/api/v1/sites", query_string={"limit": 3, **({"cursor": cursor} if cursor else {})},
                          headers=headers).json
        seen += [s["id"] for s in page["data"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == sorted(made)
    bad = client.get("/api/v1/sites?cursor=nonsense", headers=headers)
    assert bad.status_code == 400 and bad.mimetype == "application/problem+json"


def test_moving_a_stage_follows_the_boards_owner_guard(app, client, bearer, world, team):
    from crm.campaigns.models import Opportunity
    from crm.extensions import db

    mine, _ = world
    with app.app_context():
        db.session.get(Opportunity, mine.opportunity_id).owner_id = team.user_ids["admin"]
        db.session.commit()
    url = f"/api/v1/opportunities/{mine.opportunity_id}/stage"
    refused = client.post(url, json={"stage": "pitched"}, headers=bearer("member"))
    assert refused.status_code == 403 and "belongs to someone else" in refused.json["detail"]
    moved = client.post(url, json={"stage": "pitched"}, headers=bearer("admin"))
    assert moved.status_code == 200 and moved.json["stage"] == "pitched"
    wrong = client.post(url, json={"stage": "nowhere"}, headers=bearer("admin"))
    assert wrong.status_code == 422 and wrong.mimetype == "application/problem+json"
