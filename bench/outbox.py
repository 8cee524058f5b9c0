"""Outbox throughput: drain queued messages through send-due to a fake SendGrid that answers after 50 ms.

Usage: .venv/bin/python bench/outbox.py [--messages N] [--runs R] [--workers W] [--latency-ms L]

A threaded loopback server plays SendGrid's Mail Send API (202 after the latency). Each run queues N
messages (caps off, window always open) in a fresh SQLite database and times `send-due` with W sending
threads, each claiming under a lease; the fake counts the outbox rows it was sent, so duplicates show. The
reference, measured after each run, is the raw HTTP round-trip rate of the same fake with the same
concurrency (urllib, a connection per request, as a plain client does it); a second one keeps one connection
per client thread, the ceiling for this fake. The ratio shows what the outbox's bookkeeping costs.
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import http.client
import json
import logging
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from crm import create_app  # noqa: E402
from crm.db import utcnow  # noqa: E402
from crm.extensions import db  # noqa: E402
from crm.outreach import sending  # noqa: E402
from crm.outreach.models import OutboundMessage, SenderIdentity  # noqa: E402
from crm.prospects.models import Contact, Site  # noqa: E402


def fake_sendgrid(latency: float) -> tuple[ThreadingHTTPServer, Counter]:
    """A loopback Mail Send API answering 202 with a message id after `latency` seconds, one thread per connection.

    Also returns how often each outbox row (its `outbound_id` custom arg) was sent.
    """
    counter = iter(range(10**9))
    lock = threading.Lock()
    taken: Counter = Counter()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            outbound_id = (json.loads(body).get("personalizations") or [{}])[0].get("custom_args", {}).get(
                "outbound_id")
            time.sleep(latency)
            with lock:
                number = next(counter)
                if outbound_id is not None:
                    taken[outbound_id] += 1
            self.send_response(202)
            self.send_header("X-Message-Id", f"fake-{number}")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.request_queue_size = 512
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, taken


def make_app(folder: Path, host: str, workers: int):
    """The app on a fresh, migrated SQLite database, sending through the fake."""
    app = create_app({
        "ENV_NAME": "testing", "TESTING": True, "INSTANCE_PATH": str(folder / "instance"),
        "SECRET_KEY": "bench-secret-key-that-is-long-enough-0123456789",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'crm.db'}", "HUEY_IMMEDIATE": True, "HUEY_URL": "",
        "MAIL_BACKEND": "sendgrid", "SENDGRID_API_KEY": "SG.bench", "SENDGRID_API_HOST": host,
        "SENDGRID_TIMEOUT": 10, "PUBLIC_BASE_URL": "https://crm.example", "OUTREACH_SEND_WORKERS": workers,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": workers + 4, "max_overflow": 8},
    })
    with app.app_context():
        upgrade(revision="heads")
    return app


def queue_messages(app, count: int) -> None:
    """A workspace, an uncapped sender always in its window, and `count` queued first pitches to distinct sites."""
    from crm.accounts.models import Workspace

    with app.app_context():
        workspace = Workspace(name="Bench", postal_address="1 Bench Street")
        db.session.add(workspace)
        db.session.flush()
        sender = SenderIdentity(workspace_id=workspace.id, from_name="Sam", from_email="sam@agency.example",
                                daily_cap=0, window_days="1234567", window_start="00:00", window_end="24:00")
        db.session.add(sender)
        db.session.flush()
        now = utcnow()
        db.session.execute(insert(Site), [{"workspace_id": workspace.id, "domain": f"site{i}.example"}
                                          for i in range(count)])
        sites = dict(db.session.execute(db.select(Site.domain, Site.id)).all())
        db.session.execute(insert(Contact), [{"workspace_id": workspace.id, "site_id": sites[f"site{i}.example"],
                                              "email": f"editor@site{i}.example", "first_name": "Ed"}
                                             for i in range(count)])
        contacts = dict(db.session.execute(db.select(Contact.site_id, Contact.id)).all())
        rows = []
        for i in range(count):
            site_id = sites[f"site{i}.example"]
            key = f"bench/step:1/contact:{contacts[site_id]}"
            rows.append({
                "workspace_id": workspace.id, "idempotency_key": key, "sender_id": sender.id, "site_id": site_id,
                "contact_id": contacts[site_id], "to_email": f"editor@site{i}.example", "from_email": sender.from_email,
                "from_name": "Sam", "subject": f"An idea for site{i}.example",
                "body_text": "Hi Ed,\n\nA short pitch.\n\n--\n1 Bench Street\nTo stop receiving these emails, "
                             "unsubscribe: https://crm.example/u/x\n",
                "message_id_header": f"<bench{i}@agency.example>", "status": "queued", "due_at": now,
                "next_attempt_at": now, "created_at": now, "updated_at": now,
            })
        db.session.execute(insert(OutboundMessage), rows)
        db.session.commit()


def drain(messages: int, workers: int, host: str, taken: Counter) -> dict:
    """One run: fresh database, queue, then time send-due until the outbox is empty; counts duplicates."""
    taken.clear()
    with tempfile.TemporaryDirectory() as folder:
        app = make_app(Path(folder), host, workers)
        queue_messages(app, messages)
        with app.app_context():
            started = time.perf_counter()
            counts = sending.send_due(workers=workers)
            elapsed = time.perf_counter() - started
            db.engine.dispose()
    if counts["sent"] != messages:
        raise SystemExit(f"only {counts['sent']} of {messages} were sent: {counts}")
    duplicates = sum(count - 1 for count in taken.values())
    return {"seconds": round(elapsed, 2), "messages_per_second": round(messages / elapsed, 1),
            "requests_received": sum(taken.values()), "duplicates": duplicates}


_RAW_BODY = json.dumps({"personalizations": [{"to": [{"email": "a@b.example"}]}], "subject": "x"}).encode()


def raw_rate(host: str, requests: int, workers: int) -> float:
    """Requests per second the fake answers with `workers` concurrent clients and nothing else going on."""

    def post(_):
        request = urllib.request.Request(f"{host}/v3/mail/send", data=_RAW_BODY, method="POST",
                                         headers={"Content-Type": "application/json"})
        for tries_left in (2, 1, 0):  # a connection reset on a very busy machine is tried again, its time counted
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    response.read()
                return
            except ConnectionResetError:
                if not tries_left:
                    raise

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(post, range(requests)))
    return requests / (time.perf_counter() - started)


def kept_alive_rate(host: str, requests: int, workers: int) -> float:
    """The same with one kept-alive connection per client thread: the fastest this fake answers."""
    parts = urlsplit(host)
    local = threading.local()

    def post(_):
        for tries_left in (2, 1, 0):  # a connection the busy fake reset is opened again, its time counted
            if getattr(local, "connection", None) is None:
                local.connection = http.client.HTTPConnection(parts.netloc, timeout=10)
            try:
                local.connection.request("POST", "/v3/mail/send", _RAW_BODY, {"Content-Type": "application/json"})
                local.connection.getresponse().read()
                return
            except ConnectionResetError:
                local.connection.close()
                local.connection = None
                if not tries_left:
                    raise

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(post, range(requests)))
    return requests / (time.perf_counter() - started)


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    args = parser.parse_args()
    logging.disable(logging.INFO)  # the migrations' progress lines would get in the way of the one JSON object
    server, taken = fake_sendgrid(args.latency_ms / 1000)
    host = f"http://127.0.0.1:{server.server_port}"
    runs, reference, ceiling = [], [], []
    for _ in range(args.runs):  # each run next to its references, so a busy machine slows both alike
        runs.append(drain(args.messages, args.workers, host, taken))
        reference.append(raw_rate(host, min(args.messages, 2000), args.workers))
        ceiling.append(kept_alive_rate(host, min(args.messages, 2000), args.workers))
    server.shutdown()
    rate = statistics.median(r["messages_per_second"] for r in runs)
    raw = statistics.median(reference)
    print(json.dumps({
        "benchmark": "outbox send-due to a fake SendGrid",
        "messages": args.messages, "runs": args.runs, "workers": args.workers, "latency_ms": args.latency_ms,
        "messages_per_second_median": rate,
        "runs_detail": runs,
        "duplicates": sum(r["duplicates"] for r in runs),
        "reference_raw_http_requests_per_second_median": round(raw, 1),
        "reference_raw_http_runs": [round(r, 1) for r in reference],
        "share_of_raw_rate": round(rate / raw, 3),
        "ceiling_kept_alive_requests_per_second_median": round(statistics.median(ceiling), 1),
        "share_of_kept_alive_rate": round(rate / statistics.median(ceiling), 3),
        "physical_limit_per_second": round(args.workers / (args.latency_ms / 1000), 1),
        "goal_share_of_raw_rate": 0.8, "goal_met": rate >= 0.8 * raw and all(r["duplicates"] == 0 for r in runs),
        "machine": {"cpu_count": os.cpu_count(), "load_average_1m": round(os.getloadavg()[0], 2),
                    "platform": platform.platform(), "python": platform.python_version(),
                    "database": "sqlite (WAL)"},
    }))


if __name__ == "__main__":
    main()
