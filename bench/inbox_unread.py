"""The navigation's unread-thread count at many threads, against a plain count of the same workspace's threads."""

# Usage: .venv/bin/python bench/inbox_unread.py [--threads N] [--reps R] [--database-url URL]
# A fresh database (SQLite in a temporary folder unless --database-url names an empty PostgreSQL database) is
# migrated and filled by bulk insert: two workspaces of N threads each (contacts and sites under them); the user
# has one unread thread in twenty of theirs. Each rep times threads.unread_count (the query every page's
# navigation runs) and, as the reference in the same run, a plain COUNT of the workspace's threads that have
# inbound mail (what a count joining read markers to every thread would at least have to read). Medians.

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, insert, select, text  # noqa: E402

from crm import create_app  # noqa: E402
from crm.accounts.models import Membership, User, Workspace  # noqa: E402
from crm.extensions import db  # noqa: E402
from crm.outreach import threads  # noqa: E402
from crm.outreach.models import Thread, ThreadUnread  # noqa: E402
from crm.prospects.models import Contact, Site  # noqa: E402


def fill(count: int) -> tuple[int, int, int]:
    """Two workspaces of `count` threads; returns (workspace id, user id, unread threads made)."""
    now = datetime.now(UTC)
    ids = []
    for name in ("Bench", "Other"):
        workspace = Workspace(name=name, postal_address="")
        db.session.add(workspace)
        db.session.flush()
        ids.append(workspace.id)
    user = User(email="bench@bench.example", name="Bench", password_hash="x")  # noqa: S106 - never signs in
    db.session.add(user)
    db.session.flush()
    db.session.add(Membership(user_id=user.id, workspace_id=ids[0], role="member"))
    stamp = {"created_at": now, "updated_at": now}
    expected = 0
    for w, workspace_id in enumerate(ids):
        db.session.execute(insert(Site), [{"workspace_id": workspace_id, "domain": f"s{w}-{i}.example",
                                           "homepage": "", **stamp} for i in range(count)])
        sites = list(db.session.scalars(select(Site.id).where(Site.workspace_id == workspace_id).order_by(Site.id)))
        db.session.execute(insert(Contact), [{"workspace_id": workspace_id, "site_id": s, "email": f"p@{w}-{i}.example",
                                              **stamp} for i, s in enumerate(sites)])
        contacts = list(db.session.scalars(select(Contact.id).where(Contact.workspace_id == workspace_id)
                                           .order_by(Contact.id)))
        db.session.execute(insert(Thread), [{
            "workspace_id": workspace_id, "thread_key": f"{c}:-", "contact_id": c, "site_id": s, "state": "needs_reply",
            "last_inbound_at": now - timedelta(minutes=i), "last_activity_at": now - timedelta(minutes=i), **stamp,
        } for i, (c, s) in enumerate(zip(contacts, sites, strict=True))])
        if workspace_id == ids[0]:  # the user has opened all but every twentieth thread
            rows = list(db.session.scalars(select(Thread.id).where(Thread.workspace_id == workspace_id)))
            unread = [{"user_id": user.id, "thread_id": t, "workspace_id": workspace_id, "since": now}
                      for t in rows[::20]]
            db.session.execute(insert(ThreadUnread), unread)
            expected = len(unread)
    db.session.commit()
    return ids[0], user.id, expected


def timed(fn, reps: int) -> tuple[list[float], object]:
    """Wall times in ms of `reps` calls, and the last result."""
    times, result = [], None
    for _ in range(reps):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return times, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=10_000)
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'crm.db'}"
        app = create_app({"INSTANCE_PATH": folder, "SQLALCHEMY_DATABASE_URI": url, "HUEY_IMMEDIATE": True,
                          "SECRET_KEY": "bench-secret-key-long-enough-0123456789", "TRUSTED_HOSTS": None})
        with app.app_context():
            upgrade(revision="heads")
            start = time.perf_counter()
            workspace_id, user_id, expected = fill(args.threads)
            fill_seconds = time.perf_counter() - start

            def reference():  # the smallest query that touches every thread of the workspace once
                return db.session.scalar(select(func.count(Thread.id)).where(
                    Thread.workspace_id == workspace_id, Thread.last_inbound_at.is_not(None)))

            counted, got = timed(lambda: threads.unread_count(workspace_id, user_id), args.reps)
            plain, total = timed(reference, args.reps)
            assert got == expected, (got, expected)
            plan = ""
            if db.engine.dialect.name == "sqlite":
                compiled = select(func.count()).select_from(ThreadUnread).where(
                    ThreadUnread.user_id == user_id, ThreadUnread.workspace_id == workspace_id).compile(
                    db.engine, compile_kwargs={"literal_binds": True})
                plan = " | ".join(r[-1] for r in db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
            dialect = db.engine.dialect.name
            db.engine.dispose()
    print(json.dumps({
        "bench": "inbox_unread", "database": dialect, "threads_per_workspace": args.threads, "reps": args.reps,
        "fill_seconds": round(fill_seconds, 1), "unread": got, "threads_with_mail": total,
        "unread_count_median_ms": round(statistics.median(counted), 2),
        "reference_plain_count_median_ms": round(statistics.median(plain), 2), "sqlite_plan": plan,
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
                    "load_average_1m": round(os.getloadavg()[0], 2)},
    }))


if __name__ == "__main__":
    main()
