"""The Huey instance chosen by config, and task decorators that run inside an app context."""

from __future__ import annotations

import functools
import os
from urllib.parse import urlsplit

from flask import Flask, has_app_context
from huey import Huey
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage


def storage_for(url: str, instance_path: str) -> tuple[type, dict]:
    """Map a HUEY_URL to a Huey storage class and its arguments ('' = SQLite file in the instance folder)."""
    if not url:
        return SqliteStorage, {"filename": os.path.join(instance_path, "huey.db")}
    scheme = urlsplit(url).scheme
    if scheme in {"redis", "rediss", "unix"}:
        return RedisStorage, {"url": url}
    if scheme == "sqlite":
        path = url.split("sqlite:///", 1)[1] if "sqlite:///" in url else ""
        if not path:
            raise RuntimeError("HUEY_URL for SQLite must look like sqlite:////absolute/path/huey.db")
        return SqliteStorage, {"filename": path}
    if scheme == "memory":
        return MemoryStorage, {}
    raise RuntimeError(f"HUEY_URL scheme {scheme!r} is not supported (use redis://, sqlite:/// or leave it empty)")


class AppHuey(Huey):
    """A Huey whose storage is chosen when the Flask app is configured, so tasks can be declared at import."""

    def __init__(self) -> None:
        super().__init__("crm", storage_class=MemoryStorage, utc=True)
        self.flask_app: Flask | None = None

    def init_app(self, app: Flask) -> None:
        """Point the queue at the storage HUEY_URL names and remember the app for task bodies."""
        storage_class, kwargs = storage_for(app.config["HUEY_URL"], app.instance_path)
        self.name = app.config["HUEY_NAME"]
        self.storage_class = storage_class
        self.storage_kwargs = kwargs
        self._immediate = bool(app.config["HUEY_IMMEDIATE"])
        self.storage = self.create_storage()
        self.flask_app = app
        app.extensions["huey"] = self

    def describe(self) -> str:
        """Where the queue lives, for logs and the README's "is it running" checks."""
        if self._immediate:
            return "immediate (tasks run in the caller)"
        if self.storage_class is RedisStorage:
            return f"redis ({self.storage_kwargs.get('url')})"
        if self.storage_class is SqliteStorage:
            return f"sqlite ({self.storage_kwargs.get('filename')})"
        return self.storage_class.__name__


huey = AppHuey()


def _in_app_context(fn):
    """Wrap a task body so it runs inside the app's context (the consumer has none of its own)."""

    @functools.wraps(fn)
    def run(*args, **kwargs):
        if has_app_context():
            return fn(*args, **kwargs)
        if huey.flask_app is None:
            raise RuntimeError("the job queue is not bound to an app; create_app() binds it")
        with huey.flask_app.app_context():
            return fn(*args, **kwargs)

    return run


def task(**options):
    """Declare a background task whose body runs in an app context (options go to huey.task)."""

    def decorator(fn):
        return huey.task(**options)(_in_app_context(fn))

    return decorator


def periodic_task(schedule, **options):
    """Declare a periodic task (a huey.crontab schedule) whose body runs in an app context."""

    def decorator(fn):
        return huey.periodic_task(schedule, **options)(_in_app_context(fn))

    return decorator
