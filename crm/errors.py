"""Error pages for people (HTML) and for machines (JSON), never with a stack trace."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask.globals import request_ctx
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)

MESSAGES = {
    400: "The request could not be understood.",
    403: "You do not have permission to do that in this workspace.",
    404: "There is nothing here. It may have been deleted, or it belongs to another workspace.",
    405: "That action is not allowed here.",
    413: "The upload is too large.",
    429: "Too many requests. Please wait a moment and try again.",
    500: "Something went wrong on our side. The error has been logged.",
}


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return request.path.startswith(("/api/", "/webhooks/")) or best == "application/json"


def render_error(code: int, message: str | None = None):
    """An error response with a plain message: JSON for API callers, a page for people."""
    message = message or MESSAGES.get(code, "Something went wrong.")
    if _wants_json():
        return jsonify(error=message, status=code), code
    if request_ctx.url_adapter is None:  # the request was refused before routing (untrusted Host): no links
        return message, code, {"Content-Type": "text/plain; charset=utf-8"}
    return render_template("errors/error.html", code=code, message=message), code


def init_app(app: Flask) -> None:
    """Register the handlers."""

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return render_error(400, "This form has expired or was not sent from this site. Reload the page and retry.")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        message = MESSAGES.get(exc.code) if exc.code in MESSAGES else exc.description
        return render_error(exc.code or 500, message)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            return http_error(exc)
        log.exception("unhandled error on %s %s", request.method, request.path)
        from crm.extensions import db

        db.session.rollback()
        return render_error(InternalServerError.code)
