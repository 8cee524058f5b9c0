"""A workspace's logo for white-label share pages: PNG, JPEG or WebP up to 200 KB, recognised by its first bytes.

SVG is refused whatever it is called (it can carry script), and so is anything whose bytes are not one of the
three raster formats, whatever its name or declared type says.
"""

from __future__ import annotations

from flask import Response, abort

from crm.accounts import audit
from crm.extensions import db

MAX_LOGO_BYTES = 200 * 1024


class LogoError(ValueError):
    """A logo that cannot be used, with a message for the user."""


def sniff(data: bytes) -> str | None:
    """The image type the bytes really are ("image/png", "image/jpeg", "image/webp"), or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR":
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def _looks_like_markup(data: bytes) -> bool:
    head = data[:1024].lower()
    return any(tag in head for tag in (b"<svg", b"<?xml", b"<html", b"<script", b"<!doctype"))


def validate(data: bytes) -> str:
    """The logo's type; LogoError with the reason when it is empty, too big, SVG, or not a PNG, JPEG or WebP."""
    if not data:
        raise LogoError("Choose an image file for the logo.")
    if len(data) > MAX_LOGO_BYTES:
        raise LogoError(f"The logo is {len(data) // 1024} KB; the limit is {MAX_LOGO_BYTES // 1024} KB.")
    kind = sniff(data)
    if kind is None:
        if b"<svg" in data[:4096].lower():
            raise LogoError("SVG logos are not accepted (they can carry scripts); upload a PNG, JPEG or WebP.")
        raise LogoError("That file is not a PNG, JPEG or WebP image.")
    # A valid header followed by markup is a polyglot meant to be read as HTML somewhere: refuse it.
    if _looks_like_markup(data):
        raise LogoError("That file is not a plain image (it contains markup); upload a PNG, JPEG or WebP.")
    return kind


def set_logo(workspace, data: bytes, user_id: int | None) -> None:
    """Store a checked logo on the workspace; nothing changes when it is refused; commits."""
    kind = validate(data)
    workspace.logo, workspace.logo_type = data, kind
    audit.record(workspace.id, "workspace_logo_set", user_id, detail={"type": kind, "bytes": len(data)})
    db.session.commit()


def remove_logo(workspace, user_id: int | None) -> None:
    """Take the logo off the workspace; commits."""
    workspace.logo, workspace.logo_type = None, ""
    audit.record(workspace.id, "workspace_logo_removed", user_id)
    db.session.commit()


def logo_response(workspace) -> Response:
    """A workspace's stored logo, sent as the image type its bytes were checked to be; 404 without one."""
    if workspace is None or not workspace.logo or not workspace.logo_type:
        abort(404)
    response = Response(workspace.logo, mimetype=workspace.logo_type)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, max-age=300"
    return response
