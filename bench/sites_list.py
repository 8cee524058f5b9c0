"""Sites list and filter latency at 100,000 sites: whole requests through the Flask test client, signed in."""

# Usage: .venv/bin/python bench/sites_list.py [--sites N] [--reps R] [--keep FILE]
# A fresh SQLite database (or FILE, filled on its first use and reused after: a million sites take minutes)
# gets N sites (metrics, tags, owners, statuses, contact dates) written in bulk; then
# each URL below is requested R times by a signed-in member (after one warm-up request) and timed from
# request to full response, template rendering included. Prints one JSON object.

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from argon2 import PasswordHasher  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from crm import create_app  # noqa: E402
from crm.accounts.models import Membership, User, Workspace  # noqa: E402
from crm.extensions import db  # noqa: E402
from crm.prospects.models import Contact, Site, Tag, site_tag  # noqa: E402

PASSWORD = "bench password 123"  # noqa: S105 - a throwaway account in a temporary database
WORDS = ("garden", "travel", "coffee", "tools", "pets", "yoga", "bike", "photo", "money", "tech", "food", "home")
TAGS = ("Gardening", "Travel", "Tech", "UK", "Blog", "News", "Reviews", "DIY", "Finance", "Pets")
URLS = {
    "default (DR, newest first)": "/sites",
    "search 'garden' (domain fragment)": "/sites?q=garden",
    "search a contact's email": "/sites?q=ed4242@",
    "search an email domain (~0.5% of sites)": "/sites?q=mail17.example",
    "search a rarer fragment (~0.7% of sites)": "/sites?q=gardengarden",
    "search with no match": "/sites?q=zzqx",
    "search a tag": "/sites?q=finance",
    "search a note": "/sites?q=replied in march",
    "search 2 letters (domain start)": "/sites?q=ga",
    "tag filter": "/sites?tag={tag}",
    "DR 40-70, traffic sort": "/sites?dr_min=40&dr_max=70&sort=traffic",
    "status + owner": "/sites?status=active&owner={owner}",
    "never contacted, TF sort asc": "/sites?contacted=never&sort=tf&dir=asc",
    "contacted last 30 days": "/sites?contacted=recent&days=30&sort=contacted",
    "deep page 400": "/sites?page=400",
    "200 per page, spam sort": "/sites?per_page=200&sort=spam",
    "domain sort": "/sites?sort=domain&dir=asc",
}


def populate(workspace_id: int, owners: list[int], count: int, seed: int = 11) -> dict[str, int]:
    """Write `count` sites with realistic spreads of metrics, tags and contact dates; return ids used in URLs."""
    rnd = random.Random(seed)
    now = datetime.now(UTC)
    tag_ids = []
    for name in TAGS:
        tag = Tag(workspace_id=workspace_id, name=name)
        db.session.add(tag)
        db.session.flush()
        tag_ids.append(tag.id)
    rows = []
    for i in range(count):
        dr = rnd.randint(0, 95)
        rows.append({
            "workspace_id": workspace_id, "domain": f"{rnd.choice(WORDS)}{rnd.choice(WORDS)}{i}.com", "name": "",
            "homepage": "", "status": rnd.choices(("active", "blocked", "do_not_contact"), (90, 6, 4))[0],
            "owner_id": rnd.choice([None, *owners]),
            "notes": rnd.choice(("", "", "", "Replied in March, wants a fee", "Guest posts only")),
            "created_at": now, "updated_at": now,
            "last_contacted_at": now - timedelta(days=rnd.randint(0, 400)) if rnd.random() < 0.3 else None,
            "dr": dr, "da": max(0, dr + rnd.randint(-8, 8)) if rnd.random() < 0.7 else None,
            "tf": rnd.randint(0, 60) if rnd.random() < 0.5 else None, "cf": rnd.randint(0, 70) if rnd.random() < 0.5
            else None, "as_score": rnd.randint(0, 90) if rnd.random() < 0.4 else None,
            "traffic": rnd.randint(0, 2_000_000), "ref_domains": rnd.randint(0, 50_000),
            "spam": rnd.randint(0, 60) if rnd.random() < 0.6 else None,
        })
    for start in range(0, count, 10_000):
        db.session.execute(insert(Site), rows[start : start + 10_000])
    ids = list(db.session.scalars(select(Site.id).where(Site.workspace_id == workspace_id)))
    pairs = [{"site_id": i, "tag_id": t} for i in ids for t in rnd.sample(tag_ids, rnd.choice((0, 1, 1, 2)))]
    for start in range(0, len(pairs), 10_000):
        db.session.execute(insert(site_tag), pairs[start : start + 10_000])
    people = [{"workspace_id": workspace_id, "site_id": i, "email": f"ed{n}@mail{n % 97}.example",
               "is_role_address": False} for n, i in enumerate(ids) if n % 2 == 0]
    for start in range(0, len(people), 10_000):
        db.session.execute(insert(Contact), people[start : start + 10_000])
    db.session.commit()
    db.session.execute(db.text("ANALYZE"))
    db.session.commit()
    return {"tag": tag_ids[0], "owner": owners[0]}


def fill(app, sites: int) -> tuple[float, dict[str, int]]:
    """A workspace with three members and `sites` sites; (seconds taken, ids used in URLs)."""
    with app.app_context():
        workspace = Workspace(name="Bench")
        hashed = PasswordHasher().hash(PASSWORD)
        users = [User(email=f"user{i}@bench.example", name=f"User {i}", password_hash=hashed) for i in range(3)]
        db.session.add_all([workspace, *users])
        db.session.flush()
        db.session.add_all(Membership(user_id=u.id, workspace_id=workspace.id, role="member") for u in users)
        db.session.commit()
        started = time.perf_counter()
        ids = populate(workspace.id, [u.id for u in users], sites)
        seconds = time.perf_counter() - started
        db.session.remove()
    return seconds, ids


def reused_ids(app) -> dict[str, int]:
    """The ids used in URLs, read from a database an earlier run filled."""
    with app.app_context():
        tag = db.session.scalar(select(Tag.id).order_by(Tag.id))
        owner = db.session.scalar(select(User.id).order_by(User.id))
        sites = db.session.scalar(select(func.count()).select_from(Site))
        db.session.remove()
    return {"tag": tag, "owner": owner, "sites": sites}


def timed(client, url: str, reps: int) -> tuple[list[float], list[float]]:
    """Milliseconds per full request (wall clock, and this process's CPU), after one warm-up."""
    client.get(url)
    times, cpu = [], []
    for _ in range(reps):
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return times, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sites", type=int, default=100_000)
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--keep", type=Path, help="database file to fill once and reuse")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database = args.keep.resolve() if args.keep else Path(folder) / "crm.db"
        reused = database.exists()
        app = create_app({"INSTANCE_PATH": folder, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
                          "HUEY_IMMEDIATE": True, "SECRET_KEY": "bench-secret-key-long-enough-0123456789",
                          "TRUSTED_HOSTS": None})
        with app.app_context():
            upgrade(revision="heads")
        fill_seconds, ids = (0.0, reused_ids(app)) if reused else fill(app, args.sites)
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        client.post("/login", data={"email": "user0@bench.example", "password": PASSWORD, "csrf_token": token})
        results = {}
        for name, url in URLS.items():
            times, cpu = timed(client, url.format(**ids), args.reps)
            times, cpu = sorted(times), sorted(cpu)
            results[name] = {"median_ms": round(statistics.median(times), 1),
                             "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
                             "max_ms": round(times[-1], 1), "cpu_median_ms": round(statistics.median(cpu), 1),
                             "cpu_p95_ms": round(cpu[max(0, int(len(cpu) * 0.95) - 1)], 1)}
        with app.app_context():
            db.engine.dispose()
    worst = max(r["p95_ms"] for r in results.values())
    worst_cpu = max(r["cpu_p95_ms"] for r in results.values())
    print(json.dumps({
        "bench": "sites_list", "sites": ids.get("sites", args.sites), "reused_database": reused, "reps": args.reps,
        "database": "sqlite",
        "fill_seconds": round(fill_seconds, 1), "worst_p95_ms": worst, "worst_cpu_p95_ms": worst_cpu,
        "goal_p95_ms": 100, "requests": results,
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
                    "load_average_1m": round(os.getloadavg()[0], 2)},
    }))


if __name__ == "__main__":
    main()
