"""The OpenAPI 3.1 document, built from the route registry and the pydantic schemas beside each route."""

from __future__ import annotations

from flask import current_app, jsonify
from pydantic.json_schema import models_json_schema

from crm.api.registry import MAX_PATH_ID, ROUTES, bp
from crm.api.schemas import Problem

REF = "#/components/schemas/{model}"
MESSAGES = {400: "The request is malformed.", 401: "No valid token.", 403: "Not allowed for this token or role.",
            404: "Not found in this workspace.", 409: "Already exists.", 422: "Values not accepted.",
            429: "Rate limit reached; see Retry-After."}


def _parameters(route, schemas: dict) -> list[dict]:
    params = [{"name": name, "in": "path", "required": True,
               "schema": {"type": "integer", "minimum": 0, "maximum": MAX_PATH_ID} if kind == "int"
               else {"type": "string"}} for name, kind in route.path_params]
    if route.query is not None:
        schema = route.query.model_json_schema(ref_template=REF)
        required = set(schema.get("required", []))
        for name, prop in schema["properties"].items():
            prop = {k: v for k, v in prop.items() if k != "title"}
            params.append({"name": name, "in": "query", "required": name in required, "schema": prop,
                           **({"description": prop["description"]} if "description" in prop else {})})
        schemas.update(schema.get("$defs", {}))
    return params


def _operation(route, schemas: dict) -> dict:
    problem = {"application/problem+json": {"schema": {"$ref": REF.format(model="Problem")}}}
    responses = {str(route.status): {"description": "OK", "content": {"application/json": {
        "schema": {"$ref": REF.format(model=route.response.__name__)}}}}}
    for code in route.errors:
        responses[str(code)] = {"description": MESSAGES.get(code, "Error"), "content": problem}
        if code == 429:
            responses[str(code)]["headers"] = {"Retry-After": {"schema": {"type": "integer"}}}
    operation = {"operationId": route.endpoint, "summary": route.summary, "tags": [route.tag],
                 "parameters": _parameters(route, schemas), "responses": responses,
                 "x-access": "write" if route.write else "read"}
    if route.body is not None:
        operation["requestBody"] = {"required": True, "content": {"application/json": {
            "schema": {"$ref": REF.format(model=route.body.__name__)}}}}
    return operation


def document() -> dict:
    """The whole document for the routes registered now."""
    models = {Problem, *(r.response for r in ROUTES), *(r.body for r in ROUTES if r.body)}
    _, defs = models_json_schema([(m, "serialization" if m not in {r.body for r in ROUTES} else "validation")
                                  for m in sorted(models, key=lambda m: m.__name__)], ref_template=REF)
    schemas = dict(defs.get("$defs", {}))
    paths: dict[str, dict] = {}
    for route in ROUTES:
        paths.setdefault(route.openapi_path, {})[route.method.lower()] = _operation(route, schemas)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Outreach CRM API", "version": "1.0.0",
                 "description": "Read scope may only call GET operations (x-access: read); viewers' tokens too."},
        "servers": [{"url": current_app.config.get("PUBLIC_BASE_URL") or "/"}],
        "security": [{"bearer": []}],
        "components": {"schemas": schemas, "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "paths": paths,
    }


@bp.get("/openapi.json")
def openapi_document():
    """The OpenAPI 3.1 document (public: it describes, it holds no data)."""
    return jsonify(document())
