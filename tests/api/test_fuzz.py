"""Property-based fuzzing of every API operation with Schemathesis, against the app's own served document.

Acme's write token calls every operation with generated queries, bodies and path values (random ones, and the
ids of real rows in Acme and in Rival), on SQLite and on PostgreSQL. Every answer must be documented and match
its schema, never a 5xx, and never carry one of Rival's ids or domains.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_schema_conformance,
    status_code_conformance,
)

from crm.api import views_campaigns, views_links, views_outreach, views_sites  # noqa: F401  # they fill ROUTES
from crm.api.registry import ROUTES
from crm.campaigns.models import OPEN_STAGES
from crm.extensions import db
from crm.prospects.models import Site
from tests.api.conftest import make_rows, queue_jobs

FIELD_KINDS = {"site_id": "site", "campaign_id": "campaign", "opportunity_id": "opportunity",
               "backlink_id": "backlink", "message_id": "message", "task_id": "task"}
TOP_KIND = {"sites": "site", "campaigns": "campaign", "opportunities": "opportunity", "backlinks": "backlink",
            "messages": "message", "tasks": "task"}


def _ids_by_kind(rows_list) -> dict[str, set[int]]:
    found: dict[str, set[int]] = {kind: set() for kind in FIELD_KINDS.values()}
    for rows in rows_list:
        for field, value in rows.path_values().items():
            found[FIELD_KINDS[field]].add(value)
    return found


def _foreign_hits(payload, path: str, theirs: dict[str, set[int]], domains: set[str]) -> list[str]:
    """Where a body names one of Rival's rows: a `<kind>_id` anywhere, the `id` of the listed or shown row, or
    a domain anywhere."""
    hits: list[str] = []
    kind = TOP_KIND.get(path.split("/")[3] if path.count("/") >= 3 else "")

    def walk(value, top: bool) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key in FIELD_KINDS and item in theirs[FIELD_KINDS[key]]:
                    hits.append(f"{key}={item}")
                if key == "id" and top and kind and item in theirs[kind]:
                    hits.append(f"{kind} id={item}")
                walk(item, top and key == "data")
        elif isinstance(value, list):
            for item in value:
                walk(item, top)
        elif isinstance(value, str) and any(domain in value for domain in domains):
            hits.append(f"domain in {value!r}")

    walk(payload, True)
    return hits


# What the document promises about answers. Not "positive data is accepted": an opaque cursor or an unreachable
# URL is schema-valid text the API rightly refuses with a documented 400/422.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          ignored_auth]
OPERATIONS = [route.endpoint for route in ROUTES]
DOMAINS = st.from_regex(r"\A[a-z][a-z0-9-]{0,20}\.(com|org|co\.uk|io)\Z")
# Real-looking values mixed into generated bodies, so creates get past the domain/URL checks too.
PLAUSIBLE = {"domain": DOMAINS.map(lambda d: f"www.{d}"),
             "source_url": DOMAINS.map(lambda d: f"https://{d}/post"),
             "target_url": st.sampled_from(["https://shop.com/", "http://shop.com/page?q=1"]),
             "stage": st.sampled_from([*OPEN_STAGES, "declined", "lost"]),
             "after_id": st.none()}


@pytest.mark.both_databases
@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_fuzzed_calls_stay_documented_and_inside_the_workspace(app, team, bearer, operation_id):
    queue_jobs(app)  # a recheck stays queued instead of fetching a page
    app.config["API_RATE_LIMIT"] = 10**6
    with app.app_context():
        mine = [make_rows(team.workspace_id) for _ in range(3)]
        rivals = [make_rows(team.rival_workspace_id) for _ in range(3)]
        rival_domains = {s.domain for s in db.session.query(Site).filter_by(workspace_id=team.rival_workspace_id)}
    theirs = _ids_by_kind(rivals)
    known = {kind: sorted(a | b) for (kind, a), b in
             zip(_ids_by_kind(mine).items(), _ids_by_kind(rivals).values(), strict=True)}
    headers = bearer("owner", "write")
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operation = schema.find_operation_by_id(operation_id)

    @settings(max_examples=15, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(), data=st.data())
    def fuzz(case, data):
        for name in list(case.path_parameters or {}):
            kind = FIELD_KINDS[name]
            if data.draw(st.integers(0, 3), label=f"real {name}"):
                case.path_parameters[name] = data.draw(st.sampled_from(known[kind]), label=name)
        if isinstance(case.body, dict) and data.draw(st.booleans(), label="plausible body"):
            for field, values in PLAUSIBLE.items():
                if field in case.body:
                    case.body[field] = data.draw(values, label=field)
        case.headers = {**(case.headers or {}), **headers}
        response = case.call()
        case.validate_response(response, checks=CHECKS)
        if response.status_code < 400:
            hits = _foreign_hits(response.json(), case.formatted_path, theirs, rival_domains)
            assert not hits, f"{case.method} {case.formatted_path} showed Rival's rows: {hits}"

    fuzz()
