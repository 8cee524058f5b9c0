"""Uploaded export files kept between the preview and the import: instance folder, random id, an expiry.

The bytes stay on disk (never in the cookie session, which is small and signed, not private); a JSON file
beside them holds who uploaded what for which workspace, the column mapping chosen, and the preview.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import current_app

MAX_AGE_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")


class UploadGone(LookupError):  # noqa: N818 - reads as what happened
    """The upload expired, was imported already, or belongs to another workspace."""


@dataclass
class Upload:
    """One stored upload and what we know about it."""

    token: str
    workspace_id: int
    user_id: int | None
    filename: str
    size: int
    created: float
    mapping: dict[str, str | None] | None = None
    preview: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def data(self) -> bytes:
        """The uploaded bytes."""
        try:
            return _path(self.token, ".bin").read_bytes()
        except FileNotFoundError:
            raise UploadGone("The uploaded file is no longer available; upload it again.") from None


def _folder() -> Path:
    """Where uploads are kept (created on first use)."""
    folder = Path(current_app.instance_path) / "uploads" / "prospects"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _path(token: str, suffix: str) -> Path:
    """The file of an upload; refuses tokens that are not ours (no path tricks)."""
    if not _TOKEN.match(token or ""):
        raise UploadGone("There is no such upload.")
    return _folder() / f"{token}{suffix}"


def save(data: bytes, filename: str, workspace_id: int, user_id: int | None) -> Upload:
    """Store an upload under a new random id and return it (expired uploads are cleared on the way)."""
    purge_expired()
    token = secrets.token_urlsafe(24)
    upload = Upload(token, workspace_id, user_id, os.path.basename(filename or "upload.csv")[:200], len(data),
                    time.time())
    _path(token, ".bin").write_bytes(data)
    _write_meta(upload)
    return upload


def _write_meta(upload: Upload) -> None:
    """Write the description beside the bytes (atomically, so a reader never sees half of it)."""
    meta = {k: getattr(upload, k) for k in ("workspace_id", "user_id", "filename", "size", "created", "mapping",
                                             "preview", "extra")}
    target = _path(upload.token, ".json")
    temporary = target.with_suffix(".tmp")
    temporary.write_text(json.dumps(meta), encoding="utf-8")
    temporary.replace(target)


def load(token: str, workspace_id: int) -> Upload:
    """An upload of this workspace that has not expired; UploadGone otherwise."""
    try:
        meta = json.loads(_path(token, ".json").read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        raise UploadGone("The upload has expired or was imported already; upload the file again.") from None
    if meta.get("workspace_id") != workspace_id or time.time() - meta.get("created", 0) > MAX_AGE_SECONDS:
        raise UploadGone("The upload has expired or was imported already; upload the file again.")
    return Upload(token=token, **meta)


def update(upload: Upload) -> None:
    """Save changes to an upload's mapping or preview."""
    _write_meta(upload)


def delete(token: str) -> None:
    """Remove an upload (after a successful import)."""
    for suffix in (".bin", ".json"):
        with contextlib.suppress(FileNotFoundError, UploadGone):
            _path(token, suffix).unlink()


def purge_expired(max_age: float = MAX_AGE_SECONDS) -> int:
    """Delete uploads older than the expiry; returns how many."""
    cutoff, removed = time.time() - max_age, 0
    for path in _folder().glob("*.json"):
        try:
            if path.stat().st_mtime < cutoff:
                delete(path.stem)
                removed += 1
        except FileNotFoundError:
            continue
    return removed
