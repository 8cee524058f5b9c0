"""A 100,000-row Ahrefs backlinks export (UTF-16, tabs) imported end to end into a fresh SQLite database."""

# Usage: .venv/bin/python bench/import.py [--rows N] [--reps R] [--domains D] [--no-backlinks]
# Each run migrates a new SQLite file, creates a workspace, and times importing.run() (the service the web
# page, the job and the CLI share): reading, comparing with the database, writing and committing; then
# the same file again (nothing to write: every site is compared and skipped).
# The read alone (crm.prospects.records.read_export) is timed too, to show what the database part costs.
# Prints one JSON object.

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from crm import create_app  # noqa: E402
from crm.accounts.models import Workspace  # noqa: E402
from crm.extensions import db  # noqa: E402
from crm.links.models import Backlink  # noqa: E402
from crm.prospects.importing import ImportOptions, run  # noqa: E402
from crm.prospects.models import Site, SiteMetric, SitePage  # noqa: E402
from crm.prospects.records import read_export  # noqa: E402

HEADER = (
    "Referring page title", "Referring page URL", "Language", "Platform", "Referring page HTTP code",
    "Domain rating", "UR", "Domain traffic", "Referring domains", "Linked domains", "External links",
    "Page traffic", "Keywords", "Target URL", "Left context", "Anchor", "Right context", "Redirect Chain URLs",
    "Redirect Chain status codes", "Type", "Is spam", "Content", "Nofollow", "UGC", "Sponsored", "Rendered", "Raw",
    "Lost status", "Drop reason", "Discovered status", "First seen", "Last seen", "Lost", "Author", "Page type",
    "Page category", "Links in group",
)  # fmt: skip
WORDS = (
    "widget", "repair", "guide", "garden", "home", "tools", "best", "review", "kitchen", "travel", "budget", "tips",
    "news", "blog", "diy", "craft", "pets", "running", "coffee", "camping", "photo", "music", "yoga", "bike",
)  # fmt: skip
SUFFIXES = ("com", "com", "com", "net", "org", "co.uk", "io", "de", "com.au", "info", "blog", "fr")
SUBDOMAINS = ("www.", "", "", "blog.", "www.", "news.")


def generate(rows: int, domains: int, seed: int = 7) -> bytes:
    """An Ahrefs "Backlinks" export as Ahrefs writes it: UTF-16 with a BOM, tab-separated, every cell quoted."""
    rnd = random.Random(seed)
    names = [f"{rnd.choice(WORDS)}{rnd.choice(WORDS)}{i}.{rnd.choice(SUFFIXES)}" for i in range(domains)]
    strength = {name: (rnd.randint(0, 90), rnd.randint(0, 400_000)) for name in names}
    lines = ["\t".join(f'"{h}"' for h in HEADER)]
    for i in range(rows):
        domain = rnd.choice(names)
        dr, traffic = strength[domain]
        slug = "-".join(rnd.choices(WORDS, k=4))
        url = f"https://{rnd.choice(SUBDOMAINS)}{domain}/{slug}-{i}/"
        lost = rnd.random() < 0.03
        row = (
            slug.replace("-", " ").title(), url, "en", rnd.choice(("wordpress", "ghost", "forum", "")), "200",
            str(dr), str(rnd.randint(0, 60)), str(traffic), str(rnd.randint(0, 300)), str(rnd.randint(0, 900)),
            str(rnd.randint(0, 150)), str(rnd.randint(0, 5000)), str(rnd.randint(0, 800)),
            f"https://yoursite.example/{rnd.choice(WORDS)}/", "read more about",
            f"{rnd.choice(WORDS)} {rnd.choice(WORDS)}", "in this guide", "", "", rnd.choice(("text", "text", "image")),
            "false", "true", rnd.choice(("false", "false", "true")), "false", "false", "true", "true",
            "lost" if lost else "", "page 404" if lost else "", "", "2024-02-11 08:14:52", "2025-06-03 21:40:10",
            "2025-05-01 00:00:00" if lost else "", "Jane Roe", "Article", "/Home & Garden", "1",
        )
        lines.append("\t".join(f'"{cell}"' for cell in row))
    return ("\r\n".join(lines) + "\r\n").encode("utf-16")


def one_run(data: bytes, create_backlinks: bool) -> dict:
    """Import the file into a brand-new database; seconds and row counts."""
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"INSTANCE_PATH": folder, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/crm.db",
                          "HUEY_IMMEDIATE": True, "SECRET_KEY": "bench-secret-key-long-enough-0123456789"})
        with app.app_context():
            upgrade(revision="heads")
            workspace = Workspace(name="Bench")
            db.session.add(workspace)
            db.session.commit()
            started, cpu = time.perf_counter(), time.process_time()
            summary = run(workspace.id, data, ImportOptions(create_backlinks=create_backlinks))
            seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
            started = time.perf_counter()
            again = run(workspace.id, data, ImportOptions(create_backlinks=create_backlinks))
            reimport = time.perf_counter() - started
            assert again["new"] == again["updated"] == 0, "re-importing the same file must change nothing"
            counts = {name: db.session.scalar(select(func.count()).select_from(model))
                      for name, model in (("sites", Site), ("metrics", SiteMetric), ("pages", SitePage),
                                          ("backlinks", Backlink))}
            db.session.remove()
            db.engine.dispose()
    return {"seconds": seconds, "cpu_seconds": cpu_seconds, "reimport_seconds": reimport, "summary": summary,
            "counts": counts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--domains", type=int, default=25_000)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--no-backlinks", action="store_true", help="do not create backlink records")
    args = parser.parse_args()
    data = generate(args.rows, args.domains)
    read_times, read_cpu = [], []
    for _ in range(args.reps):
        started, cpu = time.perf_counter(), time.process_time()
        read_export(data)
        read_times.append(time.perf_counter() - started)
        read_cpu.append(time.process_time() - cpu)
    runs = [one_run(data, not args.no_backlinks) for _ in range(args.reps)]
    times = sorted(r["seconds"] for r in runs)
    last = runs[-1]
    print(json.dumps({
        "bench": "import",
        "rows": args.rows,
        "file_mb": round(len(data) / 1e6, 1),
        "encoding": last["summary"]["encoding"],
        "format": last["summary"]["format"],
        "create_backlinks": not args.no_backlinks,
        "reps": args.reps,
        "import_seconds_median": round(statistics.median(times), 3),
        "import_seconds_max": round(times[-1], 3),
        "import_cpu_seconds_median": round(statistics.median(r["cpu_seconds"] for r in runs), 3),
        "read_only_cpu_seconds_median": round(statistics.median(read_cpu), 3),
        "read_only_seconds_median": round(statistics.median(read_times), 3),
        "database_part_seconds_median": round(statistics.median(times) - statistics.median(read_times), 3),
        "reimport_same_file_seconds_median": round(statistics.median(r["reimport_seconds"] for r in runs), 3),
        "goal_seconds": 10,
        "counts": last["counts"],
        "summary": {k: last["summary"][k] for k in ("new", "updated", "skipped", "errors", "contacts", "metrics",
                                                    "pages", "backlinks")},
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
                    "load_average_1m": round(os.getloadavg()[0], 2)},
    }))


if __name__ == "__main__":
    main()
