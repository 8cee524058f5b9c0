"""JSON API p95 of list and detail calls at 100,000 sites, and webhook deliveries per second against raw POSTs."""

# Usage: .venv/bin/python bench/api.py [--sites N] [--runs R] [--reps N] [--deliveries N]
# A fresh SQLite database in a temporary folder is migrated and filled with N sites by bulk insert. Each run
# times --reps calls of GET /api/v1/sites (first page) and GET /api/v1/sites/<id> with a bearer token, then
# sends --deliveries webhook events to a loopback receiver that answers every POST after 50 ms (the job's own
# code: signing, the address rule, logging each attempt), and the same number of plain urllib3 POSTs of the same
# body to the same receiver, one after another in both cases. Medians over the runs; prints one JSON object.

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import urllib3  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402

from crm import create_app  # noqa: E402
from crm.accounts.models import Membership, User, Workspace  # noqa: E402
from crm.api import tokens, webhooks  # noqa: E402
from crm.extensions import db  # noqa: E402
from crm.prospects.models import Site  # noqa: E402

WORDS = ("garden", "travel", "coffee", "tools", "pets", "yoga", "bike", "photo", "money", "tech", "food", "home")


class _SlowReceiver(BaseHTTPRequestHandler):
    """Answers every POST with 200 after 50 ms, like a receiver doing a little work."""

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        time.sleep(0.05)
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def fill(workspace_id: int, count: int) -> list[int]:
    """Bulk-insert the sites; return their ids."""
    rnd, now = random.Random(7), datetime.now(UTC)
    rows = [{"workspace_id": workspace_id, "domain": f"{rnd.choice(WORDS)}{rnd.choice(WORDS)}{i}.com",
             "homepage": "", "status": "active", "notes": "", "created_at": now, "updated_at": now,
             "dr": rnd.randint(0, 95), "traffic": rnd.randint(0, 500_000)} for i in range(count)]
    for start in range(0, len(rows), 10_000):
        db.session.execute(insert(Site), rows[start:start + 10_000])
    db.session.commit()
    return list(db.session.scalars(select(Site.id).where(Site.workspace_id == workspace_id)))


def timed_calls(client, urls: list[str], headers: dict) -> list[float]:
    """Milliseconds per call."""
    out = []
    for url in urls:
        started = time.perf_counter()
        response = client.get(url, headers=headers)
        out.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return out


def main() -> None:
    """Fill, then time API calls and webhook deliveries over several runs; print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sites", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reps", type=int, default=50)
    parser.add_argument("--deliveries", type=int, default=40)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SlowReceiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    hook_url = f"http://127.0.0.1:{server.server_port}/hook"
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"INSTANCE_PATH": folder, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/crm.db",
                          "HUEY_IMMEDIATE": True, "SECRET_KEY": "bench-secret-key-long-enough-0123456789",
                          "TRUSTED_HOSTS": None, "FETCH_ALLOW_PRIVATE_NETWORKS": True, "API_RATE_LIMIT": 10**9})
        with app.app_context():
            upgrade(revision="heads")
            workspace, user = Workspace(name="Bench"), User(email="owner@bench.example", name="Owner",
                                                            password_hash="!")  # noqa: S106 - no sign-in
            db.session.add_all([workspace, user])
            db.session.flush()
            db.session.add(Membership(user_id=user.id, workspace_id=workspace.id, role="owner"))
            db.session.commit()
            workspace_id = workspace.id
            site_ids = fill(workspace_id, args.sites)
            _, bearer = tokens.create_token(workspace_id, name="bench", created_by_id=user.id)
            endpoint, _ = webhooks.create_endpoint(workspace_id, url=hook_url, events=["backlink.lost"])

            body = webhooks.body_for(endpoint, webhooks.payload("backlink.lost", {"backlink_id": 1}))
        client, headers = app.test_client(), {"Authorization": f"Bearer {bearer}"}
        rnd = random.Random(3)
        figures = {"list": [], "detail": [], "webhooks_per_s": [], "raw_per_s": []}
        timed_calls(client, ["/api/v1/sites", f"/api/v1/sites/{site_ids[0]}"], headers)  # warm-up
        pool = urllib3.PoolManager()
        for _ in range(args.runs):
            figures["list"].append(p95(timed_calls(client, ["/api/v1/sites"] * args.reps, headers)))
            detail = [f"/api/v1/sites/{rnd.choice(site_ids)}" for _ in range(args.reps)]
            figures["detail"].append(p95(timed_calls(client, detail, headers)))
            with app.app_context():
                for n in range(args.deliveries):
                    webhooks.record_event(workspace_id, "backlink.lost", {"backlink_id": n})
                started = time.perf_counter()
                counts = webhooks.deliver_due()
                figures["webhooks_per_s"].append(args.deliveries / (time.perf_counter() - started))
                assert counts["delivered"] == args.deliveries, counts
            started = time.perf_counter()
            for _ in range(args.deliveries):
                pool.request("POST", hook_url, body=body, headers={"Content-Type": "application/json"})
            figures["raw_per_s"].append(args.deliveries / (time.perf_counter() - started))
        server.shutdown()
    median = {name: round(statistics.median(values), 2) for name, values in figures.items()}
    print(json.dumps({
        "sites": args.sites, "runs": args.runs, "reps": args.reps, "deliveries_per_run": args.deliveries,
        "receiver_delay_ms": 50,
        "api_p95_ms": {"list /api/v1/sites": median["list"], "detail /api/v1/sites/<id>": median["detail"]},
        "webhook_deliveries_per_s": median["webhooks_per_s"], "raw_posts_per_s": median["raw_per_s"],
        "webhooks_vs_raw": round(median["webhooks_per_s"] / median["raw_per_s"], 3),
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpu": platform.processor() or platform.machine()},
    }))


if __name__ == "__main__":
    main()
