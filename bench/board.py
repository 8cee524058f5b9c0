"""Campaign board and campaign page latency: a 5,000-card campaign in a workspace of 100,000 sites, signed in."""

# Usage: .venv/bin/python bench/board.py [--sites N] [--cards N] [--runs R] [--reps N] [--database-url URL]
# A fresh database (SQLite in a temporary folder unless --database-url names an empty one) is migrated and filled
# with bulk inserts: N sites, a campaign of --cards opportunities spread over every stage (with contacts, owners,
# prices, next actions, live backlinks, costs, tasks and timeline rows), and ten other campaigns of 1,000 cards.
# Each page below is requested --reps times per run, for --runs runs, by the signed-in campaign owner (after a
# warm-up), timed from request to full response with templates rendered. Prints one JSON object.

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
from sqlalchemy import insert, select  # noqa: E402

from crm import create_app  # noqa: E402
from crm.accounts.models import Membership, User, Workspace  # noqa: E402
from crm.campaigns.models import Campaign, Cost, Opportunity, Task  # noqa: E402
from crm.extensions import db  # noqa: E402
from crm.links.models import Backlink  # noqa: E402
from crm.prospects.models import Contact, Site  # noqa: E402
from crm.timeline import Activity  # noqa: E402

PASSWORD = "bench password 123"  # noqa: S105 - a throwaway account in a temporary database
# How a mature campaign's cards spread over the stages (shares of the whole).
SPREAD = {"prospect": 0.40, "pitched": 0.28, "replied": 0.07, "negotiating": 0.04, "won": 0.03, "live": 0.05,
          "declined": 0.04, "no_response": 0.08, "lost": 0.01}
PAGES = {
    "board (campaign page)": "/campaigns/{campaign}",
    "show more (prospect column)": "/campaigns/{campaign}/column/prospect?offset=20",
    "table, first page": "/campaigns/{campaign}/table",
    "table, pitched page 20": "/campaigns/{campaign}/table?stage=pitched&page=20",
    "table, domain search": "/campaigns/{campaign}/table?q=garden",
    "campaign list": "/campaigns",
    "opportunity page": "/campaigns/opportunities/{opportunity}",
    "my tasks": "/tasks",
}
WORDS = ("garden", "travel", "coffee", "tools", "pets", "yoga", "bike", "photo", "money", "tech", "food", "home")
CHUNK = 10_000


def bulk(model, rows: list[dict]) -> None:
    """Insert rows in chunks with executemany."""
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(model), rows[start:start + CHUNK])


def fill(workspace_id: int, users: list[int], sites: int, cards: int, seed: int = 7) -> dict[str, int]:
    """Write the workspace's sites, campaigns, cards and what hangs off them; return ids the URLs need."""
    rnd = random.Random(seed)
    now = datetime.now(UTC)
    today = now.date()
    bulk(Site, [{
        "workspace_id": workspace_id, "domain": f"{rnd.choice(WORDS)}{rnd.choice(WORDS)}{i}.com", "homepage": "",
        "status": "active", "notes": "", "created_at": now, "updated_at": now, "dr": rnd.randint(0, 95),
        "traffic": rnd.randint(0, 500_000),
    } for i in range(sites)])
    site_ids = list(db.session.scalars(select(Site.id).where(Site.workspace_id == workspace_id)))
    rnd.shuffle(site_ids)
    campaign_ids = []
    for n in range(11):
        campaign = Campaign(workspace_id=workspace_id, name="Guest posts: main" if n == 0 else f"Campaign {n}",
                            kind="guest_post", status="active", goal_links=100, budget_cents=5_000_000,
                            currency="USD", owner_id=users[0], description="")
        db.session.add(campaign)
        db.session.flush()
        campaign_ids.append(campaign.id)
    sizes = [cards] + [1000] * 10
    used = site_ids[:sum(sizes)]
    bulk(Contact, [{"workspace_id": workspace_id, "site_id": s, "email": f"editor@site{s}.example",
                    "first_name": "Ed", "last_name": "Itor", "position": "", "found_on": "", "source": "bench",
                    "status": "ok", "timezone": "", "created_at": now, "updated_at": now} for s in used])
    contact_of = dict(db.session.execute(select(Contact.site_id, Contact.id).where(
        Contact.workspace_id == workspace_id)).all())
    rows, offset = [], 0
    stage_names = list(SPREAD)
    for campaign_id, size in zip(campaign_ids, sizes, strict=True):
        positions: dict[str, int] = {}
        for site_id in used[offset:offset + size]:
            stage = rnd.choices(stage_names, weights=list(SPREAD.values()))[0]
            positions[stage] = positions.get(stage, 0) + 1
            paid = stage in ("won", "live", "lost") and rnd.random() < 0.6
            rows.append({
                "workspace_id": workspace_id, "campaign_id": campaign_id, "site_id": site_id,
                "contact_id": contact_of[site_id], "owner_id": rnd.choice([None, *users]), "stage": stage,
                "stage_changed_at": now - timedelta(days=rnd.randint(0, 60)), "position": positions[stage],
                "next_action_on": today + timedelta(days=rnd.randint(-10, 20)) if rnd.random() < 0.5 else None,
                "notes": "", "price_cents": rnd.randint(50, 400) * 100 if paid else None, "currency": "USD",
                "payment_status": rnd.choice(("paid", "unpaid")) if paid else None,
                "won_at": now if stage in ("won", "live", "lost") else None, "created_at": now, "updated_at": now,
            })
        offset += size
    bulk(Opportunity, rows)
    main = campaign_ids[0]
    main_cards = list(db.session.execute(select(Opportunity.id, Opportunity.site_id, Opportunity.stage).where(
        Opportunity.campaign_id == main)))
    bulk(Backlink, [{
        "workspace_id": workspace_id, "source_url": f"https://site{site}.example/post", "source_domain":
        f"site{site}.example", "target_url": "https://shop.example/", "campaign_id": main, "opportunity_id": opp,
        "site_id": site, "status": "live", "created_at": now, "updated_at": now, "expected_anchor": "",
        "expected_rel": "", "acquisition": "outreach", "currency": "USD", "score_explanation": "", "etag": "",
        "last_modified": "", "check_count": 0,
    } for opp, site, stage in main_cards if stage == "live"])
    bulk(Activity, [{"workspace_id": workspace_id, "kind": "stage_changed", "summary": f"Moved to {stage}",
                     "happened_at": now - timedelta(days=k), "site_id": site, "opportunity_id": opp}
                    for opp, site, stage in main_cards for k in (1, 2)])
    bulk(Task, [{"workspace_id": workspace_id, "title": f"Follow up {n}", "notes": "", "kind": "manual",
                 "due_on": today + timedelta(days=rnd.randint(-5, 10)), "assignee_id": rnd.choice(users),
                 "campaign_id": main, "opportunity_id": main_cards[n][0], "site_id": main_cards[n][1],
                 "created_at": now, "updated_at": now} for n in range(min(500, len(main_cards)))])
    bulk(Cost, [{"workspace_id": workspace_id, "campaign_id": main, "amount_cents": rnd.randint(20, 300) * 100,
                 "currency": "USD", "description": "Writing", "spent_on": today} for _ in range(50)])
    db.session.commit()
    db.session.execute(db.text("ANALYZE"))  # fresh statistics, as a live database would have
    db.session.commit()
    return {"campaign": main, "opportunity": main_cards[0][0]}


def timed(client, url: str, reps: int, headers: dict) -> tuple[list[float], list[float]]:
    """Milliseconds per full request: wall clock, and this process's CPU time (steadier on a busy machine)."""
    wall, cpu = [], []
    for _ in range(reps):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url, headers=headers)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return wall, cpu


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered)) - 1))]


def main() -> None:
    """Fill, sign in, time every page over several runs, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sites", type=int, default=100_000)
    parser.add_argument("--cards", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--database-url", default="", help="an empty database to use instead of a SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/crm.db"
        app = create_app({"INSTANCE_PATH": folder, "SQLALCHEMY_DATABASE_URI": url, "HUEY_IMMEDIATE": True,
                          "SECRET_KEY": "bench-secret-key-long-enough-0123456789", "TRUSTED_HOSTS": None})
        with app.app_context():
            upgrade(revision="heads")
            workspace = Workspace(name="Bench")
            hashed = PasswordHasher().hash(PASSWORD)
            users = [User(email=f"user{i}@bench.example", name=f"User {i}", password_hash=hashed) for i in range(3)]
            db.session.add_all([workspace, *users])
            db.session.flush()
            roles = ("owner", "member", "member")
            db.session.add_all(Membership(user_id=u.id, workspace_id=workspace.id, role=r) for u, r in zip(
                users, roles, strict=True))
            db.session.commit()
            started = time.perf_counter()
            ids = fill(workspace.id, [u.id for u in users], args.sites, args.cards)
            fill_seconds = time.perf_counter() - started
            db.session.remove()
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        client.post("/login", data={"email": "user0@bench.example", "password": PASSWORD, "csrf_token": token})
        samples: dict[str, list[float]] = {name: [] for name in PAGES}
        cpu_samples: dict[str, list[float]] = {name: [] for name in PAGES}
        run_p95: dict[str, list[float]] = {name: [] for name in PAGES}
        load_before = os.getloadavg()
        for run in range(args.runs):
            for name, template in PAGES.items():
                headers = {"HX-Request": "true"} if "column" in template else {}
                target = template.format(**ids)
                if run == 0:
                    timed(client, target, 2, headers)  # warm-up: templates compiled, caches filled
                times, cpu = timed(client, target, args.reps, headers)
                samples[name] += times
                cpu_samples[name] += cpu
                run_p95[name].append(percentile(times, 0.95))
        with app.app_context():
            db.engine.dispose()
    results = {name: {"p50_ms": round(statistics.median(t), 1), "p95_ms": round(percentile(t, 0.95), 1),
                      "max_ms": round(max(t), 1), "p95_per_run_ms": [round(v, 1) for v in run_p95[name]],
                      "cpu_p50_ms": round(statistics.median(cpu_samples[name]), 1),
                      "cpu_p95_ms": round(percentile(cpu_samples[name], 0.95), 1)}
               for name, t in samples.items()}
    print(json.dumps({
        "bench": "board", "sites": args.sites, "cards_in_campaign": args.cards, "other_cards": 10_000,
        "runs": args.runs, "reps_per_run": args.reps, "database": url.split(":", 1)[0],
        "fill_seconds": round(fill_seconds, 1), "goal_p95_ms": 100,
        "worst_p95_ms": max(r["p95_ms"] for r in results.values()), "pages": results,
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "processor": platform.processor()
                    or platform.machine(), "python": platform.python_version(),
                    "load_average_before": [round(v, 2) for v in load_before],
                    "load_average_after": [round(v, 2) for v in os.getloadavg()]},
    }))


if __name__ == "__main__":
    main()
