"""API routes declared with their query, body and response schemas, which the OpenAPI document is built from."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, g, json, request
from flask import Response as FlaskResponse
from pydantic import BaseModel, ValidationError

from crm.api.problems import ApiProblem, from_validation

bp = Blueprint("api", __name__, url_prefix="/api/v1")
MAX_PATH_ID = 2**31 - 1  # ids are 32-bit on PostgreSQL: larger ones cannot exist
PATH_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


@dataclass(frozen=True)
class Route:
    """One API operation as the document describes it."""

    rule: str
    method: str
    endpoint: str
    summary: str
    tag: str
    write: bool
    response: type[BaseModel]
    status: int
    query: type[BaseModel] | None
    body: type[BaseModel] | None
    errors: tuple[int, ...]

    @property
    def openapi_path(self) -> str:
        """The Flask rule as an OpenAPI path template."""
        return PATH_PARAM.sub(lambda m: "{" + m.group(2) + "}", bp.url_prefix + self.rule)

    @property
    def path_params(self) -> list[tuple[str, str]]:
        """(name, converter) of each path parameter."""
        return [(m.group(2), m.group(1) or "string") for m in PATH_PARAM.finditer(self.rule)]


ROUTES: list[Route] = []


def _parse(model: type[BaseModel], data, status: int) -> BaseModel:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ApiProblem(status, "Some values are not valid.", errors=from_validation(exc)) from None


def route(rule: str, *, method: str = "GET", summary: str, tag: str, response: type[BaseModel], status: int = 200,
          query: type[BaseModel] | None = None, body: type[BaseModel] | None = None,
          errors: tuple[int, ...] = ()) -> Callable:
    """Register an API view: GETs read, anything else writes (refused to read tokens and viewers).

    The view gets the caller, the path values and, when declared, `query` and `body` as validated models, and
    returns an instance of `response`.
    """
    write = method != "GET"

    def decorator(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def view(**kwargs):
            caller = g.api_caller
            if any(isinstance(v, int) and v > MAX_PATH_ID for v in kwargs.values()):
                raise ApiProblem(404, "No such resource in this workspace.")
            if write and not caller.may_write:
                why = "This token may only read." if caller.scope == "read" else "Your role may only read."
                raise ApiProblem(403, why)
            if query is not None:
                kwargs["query"] = _parse(query, request.args.to_dict(), 400)
            if body is not None:
                data = request.get_json(silent=True)
                if not isinstance(data, dict):
                    raise ApiProblem(400, "Send a JSON object with Content-Type: application/json.")
                kwargs["body"] = _parse(body, data, 422)
            result = fn(caller, **kwargs)
            return FlaskResponse(json.dumps(result.model_dump(mode="json")), status=status,
                                 mimetype="application/json")

        endpoint = fn.__name__
        bp.add_url_rule(rule, endpoint, view, methods=[method])
        ROUTES.append(Route(rule, method, endpoint, summary, tag, write, response, status, query, body,
                            tuple(sorted({401, 429, *(403,) * write, *((400,) if query or body else ()),
                                          *((422,) if body else ()), *((404,) if "<" in rule else ()), *errors}))))
        return view

    return decorator
