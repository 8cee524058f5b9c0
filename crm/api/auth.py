"""Bearer-token checks, the rate limit and the call log for every /api/v1 request; problem-details errors."""

from __future__ import annotations

from flask import current_app, g, request, session
from werkzeug.exceptions import HTTPException

from crm.api import problems, tokens
from crm.api.problems import ApiProblem
from crm.api.registry import bp
from crm.extensions import db

PUBLIC_ENDPOINTS = {"api.openapi_document"}


def _bearer() -> str:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


@bp.before_request
def authenticate():
    """Only the bearer token counts: the session cookie is never read for the API, so CSRF cannot apply."""
    g.api_caller = None
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    challenge = {"WWW-Authenticate": 'Bearer realm="api"'}
    plaintext = _bearer()
    if not plaintext:
        raise ApiProblem(401, "Send an API token as Authorization: Bearer <token>.", headers=challenge)
    caller = tokens.authenticate(plaintext)
    if caller is None:
        raise ApiProblem(401, "The token is unknown, revoked or expired.", headers=challenge)
    g.api_caller = caller
    wait = tokens.count_call(caller.token_id, limit=current_app.config.get("API_RATE_LIMIT", 600),
                             seconds=current_app.config.get("API_RATE_WINDOW", 60))
    if wait is not None:
        raise ApiProblem(429, f"Too many calls with this token; try again in {wait} seconds.",
                         headers={"Retry-After": str(wait)})
    return None


@bp.after_request
def log_and_forget_cookie(response):
    """Log the call against its token, and never send a session cookie back from the API."""
    caller = g.get("api_caller")
    if caller is not None:
        tokens.log_call(caller, request.method, request.path, response.status_code)
    session.clear()  # an empty, unmodified session is not saved: the browser's cookie is left as it was
    session.modified = False
    response.headers.pop("Set-Cookie", None)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(ApiProblem)
def api_problem(exc: ApiProblem):
    """An error raised by a view or the checks above."""
    db.session.rollback()
    return problems.response(exc.status, exc.detail, errors=exc.errors, headers=exc.headers)


@bp.errorhandler(HTTPException)
def http_problem(exc: HTTPException):
    """404 for rows of other workspaces exactly as for missing ones, and the other HTTP errors."""
    detail = "No such resource in this workspace." if exc.code == 404 else exc.description
    return problems.response(exc.code or 500, detail)
