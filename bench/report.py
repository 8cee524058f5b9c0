"""Campaign report and dashboard latency at 100,000 sites, 20,000 backlinks and 1,000,000 link checks.

Bulk-inserts a realistic workspace into a temporary SQLite file (migrated like production), signs in through the
test client and times GET /campaigns/<id>/report, GET /, GET /reports and a client's share page (signed out) over
several runs. Prints one JSON object with p50/p95 per page (goal: p95 under 100 ms) and the machine it ran on,
beside a same-run reference: the report's core counts as plain SQL statements over sqlite3 on the same file.
`--scale 0.05` makes a quick, small run.

The dashboard and index read precomputed figures (crm/reports/precomputed.py); "recompute_ms" is what a request
costs when every stored figure has just been marked stale (after an event, or once they are five minutes old).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from argon2 import PasswordHasher
from flask_migrate import upgrade
from sqlalchemy import insert, select, text, update

from crm import create_app
from crm.accounts.models import Membership, User, Workspace
from crm.campaigns.models import Campaign, Cost, Opportunity, TargetPage, Task
from crm.extensions import db
from crm.links.models import Backlink, LinkCheck
from crm.outreach.models import OutboundMessage, Reply, Sequence, SequenceStep, Template
from crm.prospects.models import Site
from crm.reports import sharing
from crm.reports.models import ReportFigures

PASSWORD = "bench password that is long enough"  # noqa: S105 - a throwaway account in a temporary database
CHUNK = 10_000
STATUSES = (["live"] * 70 + ["live_nofollow"] * 10 + ["not_indexable"] * 3 + ["missing"] * 7 + ["wrong_target"] * 3
            + ["page_error"] * 2 + ["unverified"] * 3 + ["unchecked"] * 2)
STAGES = ["prospect"] * 20 + ["pitched"] * 15 + ["no_response"] * 10 + ["replied"] * 5 + ["declined"] * 3 + \
    ["negotiating"] * 2 + ["won"] * 5 + ["live"] * 37 + ["lost"] * 3
ANCHORS = ["best running shoes", "Acme Running", "running shoe guide", "https://acme-running.example/", "click here",
           "the best running shoes for beginners", "marathon training plan", ""]


def bulk(model, rows) -> int:
    """Insert rows in chunks through the ORM's bulk insert; returns how many."""
    rows = list(rows)
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(model), rows[start : start + CHUNK])
    db.session.commit()
    return len(rows)


def populate(scale: float, rng: random.Random) -> dict:
    """Fill one workspace; returns the counts and the campaign ids to report on."""
    now = datetime.now(UTC)
    n_sites, n_links, checks_per_link = int(100_000 * scale), int(20_000 * scale), 50
    n_campaigns = max(2, int(40 * scale))
    workspace = Workspace(name="Acme", postal_address="1 Bench Street")
    user = User(email="bench@agency.example", name="Bench", password_hash=PasswordHasher().hash(PASSWORD))
    db.session.add_all([workspace, user])
    db.session.flush()
    db.session.add(Membership(user_id=user.id, workspace_id=workspace.id, role="owner"))
    db.session.commit()
    ws, stamp = workspace.id, {"created_at": now, "updated_at": now}
    bulk(Site, ({"workspace_id": ws, "domain": f"site{i}.example", "homepage": f"https://site{i}.example/",
                 "status": "active", "notes": "", "dr": rng.randint(0, 90), **stamp} for i in range(n_sites)))
    site_ids = list(db.session.scalars(select(Site.id).where(Site.workspace_id == ws).order_by(Site.id)))
    bulk(Campaign, ({"workspace_id": ws, "name": f"Campaign {i}", "kind": "guest_post", "status": "active",
                     "currency": "USD", "goal_links": 200, "budget_cents": 5_000_000, "description": "",
                     "starts_on": (now - timedelta(days=700)).date(), **stamp} for i in range(n_campaigns)))
    campaign_ids = list(db.session.scalars(select(Campaign.id).where(Campaign.workspace_id == ws)))
    bulk(TargetPage, ({"workspace_id": ws, "campaign_id": c, "url": "https://acme-running.example/guide",
                       "anchors": ["best running shoes", "Acme Running"]} for c in campaign_ids))
    bulk(Template, ({"workspace_id": ws, "name": name, "subject": "Hi", "body": "...", **stamp}
                    for name in ("Pitch", "Follow-up")))
    templates = list(db.session.scalars(select(Template.id).where(Template.workspace_id == ws)))
    bulk(Sequence, ({"workspace_id": ws, "campaign_id": c, "name": "Main", "status": "active", **stamp}
                    for c in campaign_ids))
    sequences = dict(db.session.execute(select(Sequence.campaign_id, Sequence.id)).all())
    bulk(SequenceStep, ({"workspace_id": ws, "sequence_id": s, "position": p, "template_id": templates[p - 1],
                         "delay_business_days": 3} for s in sequences.values() for p in (1, 2)))
    # Campaign links come from won opportunities: about 60% of the links, the rest found naturally.
    per_campaign = int(n_links * 0.6 / n_campaigns / 0.42) or 1
    opps = []
    for index, campaign in enumerate(campaign_ids):
        for j in range(per_campaign):
            stage = rng.choice(STAGES)
            won = stage in ("won", "live", "lost")
            price = rng.choice([None, 10_000, 25_000]) if won else None
            opps.append({"workspace_id": ws, "campaign_id": campaign, "stage": stage, "stage_changed_at": now,
                         "site_id": site_ids[(index * per_campaign + j) % len(site_ids)], "position": j, "notes": "",
                         "currency": "USD", "won_at": now - timedelta(days=rng.randint(5, 700)) if won else None,
                         "price_cents": price, "payment_status": "paid" if price else None, **stamp})
    bulk(Opportunity, opps)
    opp_rows = db.session.execute(select(Opportunity.id, Opportunity.campaign_id, Opportunity.stage)
                                  .where(Opportunity.workspace_id == ws)).all()
    messages, replies = [], []
    for opp_id, campaign, stage in opp_rows:
        if stage == "prospect":
            continue
        for position in (1, 2) if stage in ("pitched", "no_response") else (1,):
            messages.append({"workspace_id": ws, "idempotency_key": f"b-{opp_id}-{position}", "campaign_id": campaign,
                             "sequence_id": sequences[campaign], "step_position": position, "opportunity_id": opp_id,
                             "template_id": templates[position - 1], "to_email": "e@x.example",
                             "from_email": "me@agency.example", "subject": "Hi", "body_text": "...", "status": "sent",
                             "sent_at": now - timedelta(days=rng.randint(1, 700)), "due_at": now,
                             "next_attempt_at": now, **stamp})
    bulk(OutboundMessage, messages)
    for message_id, opp_id in db.session.execute(select(OutboundMessage.id, OutboundMessage.opportunity_id)
                                                 .where(OutboundMessage.step_position == 1)):
        if rng.random() < 0.45:
            replies.append({"workspace_id": ws, "dedupe_key": f"r-{message_id}", "message_id": message_id,
                            "opportunity_id": opp_id, "from_email": "e@x.example", "kind": rng.choice(
                                ["human", "human", "human", "out_of_office"]), "received_at": now})
    bulk(Reply, replies)
    won_opps = [(o, c) for o, c, s in opp_rows if s in ("won", "live", "lost")]
    links = []
    for i in range(n_links):
        opp, campaign = won_opps[i] if i < len(won_opps) else (None, None)
        status = rng.choice(STATUSES)
        live = status in ("live", "live_nofollow", "not_indexable")
        first_live = now - timedelta(days=rng.randint(1, 720)) if status != "unchecked" else None
        lost = first_live + timedelta(days=rng.randint(1, 60)) if first_live and status in (
            "missing", "wrong_target", "page_error") else None
        links.append({"workspace_id": ws, "source_url": f"https://site{i % n_sites}.example/post-{i}",
                      "source_domain": f"site{i % n_sites}.example", "target_url": "https://acme-running.example/guide",
                      "expected_anchor": "best running shoes", "expected_rel": "", "acquisition": "outreach" if opp
                      else "natural", "campaign_id": campaign, "opportunity_id": opp, "status": status,
                      "status_since": now - timedelta(days=rng.randint(0, 90)), "first_live_at": first_live,
                      "lost_at": lost, "score": rng.randint(3, 95) if live else None, "score_version": 1,
                      "score_explanation": "", "check_count": checks_per_link, "etag": "", "last_modified": "",
                      "harm_reasons": ["casino content"] if rng.random() < 0.03 else None, "currency": "USD",
                      "cost_cents": None, "pending_status": "missing" if rng.random() < 0.01 else None, **stamp})
    bulk(Backlink, links)
    link_rows = db.session.execute(select(Backlink.id, Backlink.status).where(Backlink.workspace_id == ws)).all()
    n_checks = 0
    for start in range(0, len(link_rows), 2_000):
        checks = []
        for link_id, status in link_rows[start : start + 2_000]:
            anchor = rng.choice(ANCHORS)
            for k in range(checks_per_link):
                latest = k == checks_per_link - 1
                checks.append({"workspace_id": ws, "backlink_id": link_id, "checked_at": now - timedelta(
                    days=14 * (checks_per_link - k)), "status": status if latest else "live", "found": True,
                    "final_url": "", "anchor_text": anchor, "reasons": [], "rendered": False,
                    "evidence": {"rel": rng.choice([[], [], ["sponsored"], ["nofollow"]]), "placement": "content"},
                    "score": rng.randint(3, 95)})
        n_checks += bulk(LinkCheck, checks)
    bulk(Cost, ({"workspace_id": ws, "campaign_id": c, "amount_cents": 50_000, "currency": "USD",
                 "description": "Content", "spent_on": now.date()} for c in campaign_ids))
    bulk(Task, ({"workspace_id": ws, "title": f"Task {i}", "notes": "", "kind": "manual", "assignee_id":
                 rng.choice([user.id, None]), "due_on": (now + timedelta(days=rng.randint(-20, 40))).date(),
                 "campaign_id": rng.choice(campaign_ids), **stamp} for i in range(int(2_000 * scale) or 1)))
    return {"sites": n_sites, "campaigns": n_campaigns, "opportunities": len(opps), "messages": len(messages),
            "replies": len(replies), "backlinks": n_links, "link_checks": n_checks, "campaign_ids": campaign_ids,
            "workspace_id": ws}


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the sorted values fall (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def measure(client, urls: list[str], requests: int) -> list[float]:
    """Milliseconds per request, cycling through the URLs."""
    times = []
    for i in range(requests):
        started = time.perf_counter()
        response = client.get(urls[i % len(urls)])
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (urls[i % len(urls)], response.status_code)
    return times


def cold(app, client, url: str) -> float:
    """Milliseconds for one request right after every stored figure was marked stale."""
    with app.app_context():
        db.session.execute(update(ReportFigures).values(stale=True))
        db.session.commit()
    return measure(client, [url], 1)[0]


REFERENCE_SQL = (
    # The report's core figures in plain SQL, one statement each: what a hand-written report would run.
    "SELECT count(DISTINCT opportunity_id) FROM outbound_message WHERE campaign_id = :c AND status = 'sent'",
    "SELECT count(DISTINCT m.opportunity_id) FROM reply r JOIN outbound_message m ON m.id = r.message_id"
    " WHERE m.campaign_id = :c AND r.kind = 'human'",
    "SELECT stage, count(*) FROM opportunity WHERE campaign_id = :c GROUP BY stage",
    "SELECT status, count(*), avg(score) FROM backlink WHERE campaign_id = :c GROUP BY status",
    "SELECT currency, sum(amount_cents) FROM cost WHERE campaign_id = :c GROUP BY currency",
    "SELECT b.score, count(*) FROM backlink b WHERE b.campaign_id = :c AND b.status LIKE 'live%' GROUP BY b.score",
)


def reference(path: str, campaigns: list[int], requests: int) -> list[float]:
    """Milliseconds per campaign for the core figures in raw SQL over sqlite3: the same-run reference."""
    connection = sqlite3.connect(path)
    times = []
    for i in range(requests):
        started = time.perf_counter()
        for statement in REFERENCE_SQL:
            connection.execute(statement, {"c": campaigns[i % len(campaigns)]}).fetchall()
        times.append((time.perf_counter() - started) * 1000)
    connection.close()
    return times


def main() -> None:
    """Build, measure, print one JSON object."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 100k sites, 20k links, 1M checks")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--requests", type=int, default=40, help="timed requests per page per run")
    args = parser.parse_args()
    rng = random.Random(20240601)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="crm-bench-report-") as folder:
        app = create_app({"ENV_NAME": "testing", "TESTING": True, "SECRET_KEY": "bench-secret-key-" + "x" * 32,
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/crm.db", "INSTANCE_PATH": folder,
                          "HUEY_IMMEDIATE": True, "HUEY_URL": "", "MAIL_BACKEND": "file", "WTF_CSRF_ENABLED": False,
                          "TRUSTED_HOSTS": ["localhost"]})
        with app.app_context():
            upgrade(revision="heads")
            started = time.perf_counter()
            counts = populate(args.scale, rng)
            insert_seconds = time.perf_counter() - started
            db.session.execute(text("ANALYZE"))  # what `PRAGMA optimize` does for a long-running database
            db.session.commit()
        campaigns = counts.pop("campaign_ids")
        workspace_id = counts.pop("workspace_id")
        with app.app_context():  # a client's read-only link to the first campaign's report, signed out
            _, token = sharing.create(workspace_id, campaigns[0], None, 30, app.config["SECRET_KEY"],
                                      notes=dict.fromkeys(sharing.NOTES, True))
        client = app.test_client()
        login = client.post("/login", data={"email": "bench@agency.example", "password": PASSWORD})
        assert login.status_code == 302, login.get_data(as_text=True)[:500]
        pages = {
            "campaign_report": [f"/campaigns/{c}/report" for c in campaigns[:10]],
            "dashboard": ["/"],
            "reports_index": ["/reports"],
            "share_page": [f"/share/{token}"],
        }
        results = {}
        for name, urls in pages.items():
            measure(client, urls, 3)  # warm caches and the template compiler
            runs = [measure(client, urls, args.requests) for _ in range(args.runs)]
            every = [t for run in runs for t in run]
            results[name] = {
                "p50_ms": round(statistics.median(every), 1),
                "p95_ms": round(percentile(every, 0.95), 1),
                "runs_p95_ms": [round(percentile(run, 0.95), 1) for run in runs],
                "requests": len(every),
                "recompute_ms": round(statistics.median(cold(app, client, urls[0]) for _ in range(3)), 1),
            }
        reference(f"{folder}/crm.db", campaigns[:10], 3)
        raw = [t for _ in range(args.runs) for t in reference(f"{folder}/crm.db", campaigns[:10], args.requests)]
        size_mb = os.path.getsize(f"{folder}/crm.db") / 1e6
    print(json.dumps({
        "benchmark": "report",
        "scale": args.scale,
        **counts,
        "insert_seconds": round(insert_seconds, 1),
        "database_mb": round(size_mb, 1),
        "pages": results,
        # Reference: the report's core counts as raw SQL on the same file, no ORM, template or HTTP.
        "reference_raw_sql_p50_ms": round(statistics.median(raw), 1),
        "reference_raw_sql_p95_ms": round(percentile(raw, 0.95), 1),
        "goal_p95_ms": 100,
        "meets_goal": all(r["p95_ms"] < 100 for r in results.values()),
        "machine": {"cpu_count": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
                    "sqlite": sqlite3.sqlite_version,
                    # Other work on the machine while measuring (a shared box inflates every figure).
                    "load_average_1m": [round(load_before, 2), round(os.getloadavg()[0], 2)]},
    }))


if __name__ == "__main__":
    main()
