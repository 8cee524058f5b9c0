"""RFC 9457 problem details: the one shape every API error takes."""

from __future__ import annotations

from flask import Response, json
from werkzeug.http import HTTP_STATUS_CODES

MEDIA_TYPE = "application/problem+json"


class ApiProblem(Exception):  # noqa: N818 - it is a response, not a failure
    """An error to answer as problem details (raised by API views and the request checks)."""

    def __init__(self, status: int, detail: str, *, errors: list[dict] | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(detail)
        self.status, self.detail, self.errors, self.headers = status, detail, errors, headers or {}


def body(status: int, detail: str, errors: list[dict] | None = None) -> dict:
    """The problem object: type, title, status, detail (and the invalid fields, when there are some)."""
    problem = {"type": "about:blank", "title": HTTP_STATUS_CODES.get(status, "Error"), "status": status,
               "detail": detail}
    if errors:
        problem["errors"] = errors
    return problem


def response(status: int, detail: str, *, errors: list[dict] | None = None,
             headers: dict[str, str] | None = None) -> Response:
    """A problem details response."""
    return Response(json.dumps(body(status, detail, errors)), status=status, mimetype=MEDIA_TYPE,
                    headers=headers or {})


def from_validation(exc) -> list[dict]:
    """Pydantic's errors as [{"field": "a.b", "message": ...}] (never echoing the input)."""
    return [{"field": ".".join(str(part) for part in error["loc"]), "message": error["msg"]}
            for error in exc.errors(include_url=False, include_input=False)]
