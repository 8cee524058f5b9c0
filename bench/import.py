"""`flask --app run import` of generated Ahrefs (UTF-16, tabs) and Semrush (UTF-8, commas) backlinks exports,
timed as a user waits for it.

Usage: .venv/bin/python bench/import.py [--rows 100000,1000000] [--reps 3] [--reps-large 1]
       [--database sqlite|postgresql|URL] [--formats ahrefs,semrush]

For each size: a fresh database is migrated and gets a workspace (not timed), then the CLI runs as a child
process, timed whole from process start to exit, twice: the first import, then the same file again (every
site compared and skipped). The reference, in the same run: a child Python reading the same file with the
csv module into the backlink table of a freshly migrated database of the same kind (the table the import
fills with one row per line, with the same indexes), in one transaction: executemany of batches of 5,000 on
SQLite, COPY on PostgreSQL. Each PostgreSQL run gets a database of its own (crm_bench_...), dropped after.
Peak memory is
the measured process's own: a small wrapper starts it and reports getrusage(RUSAGE_CHILDREN).ru_maxrss.
Medians of the runs. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
FLASK = str(Path(PYTHON).with_name("flask"))
ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

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

# The reference: what Python's own csv module and sqlite3 do with the same file, without our product's logic.
REFERENCE = r"""
import csv, sys
path, url, encoding, delimiter, source, target, anchor = sys.argv[1:8]
source, target, anchor = int(source), int(target), int(anchor)
now = "2026-01-01 00:00:00.000000"
columns = ("workspace_id, source_url, source_domain, target_url, expected_anchor, expected_rel, acquisition, currency, "
           "status, next_check_at, check_count, score_explanation, etag, last_modified, created_at, updated_at")
def rows():
    with open(path, encoding=encoding, newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        next(reader)
        for cells in reader:
            yield (1, cells[source], cells[source].split("/")[2], cells[target], cells[anchor], "", "natural", "USD",
                   "unchecked", now, 0, "", "", "", now, now)
if url.startswith("sqlite"):
    import sqlite3
    connection = sqlite3.connect(url.removeprefix("sqlite:///"))
    sql = f"INSERT OR IGNORE INTO backlink ({columns}) VALUES ({', '.join('?' * 16)})"
    batch = []
    with connection:
        for row in rows():
            batch.append(row)
            if len(batch) == 5000:
                connection.executemany(sql, batch)
                batch = []
        connection.executemany(sql, batch)
else:
    import psycopg
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as connection:
        with connection.cursor() as cursor, cursor.copy(f"COPY backlink ({columns}) FROM STDIN") as copy:
            for row in rows():
                copy.write_row(row)
"""
# Where the reference finds its cells: (encoding, delimiter, source URL, target URL, anchor column).
REFERENCE_COLUMNS = {"ahrefs": ("utf-16", "\t", 1, 13, 15), "semrush": ("utf-8-sig", ",", 2, 3, 4)}
SEMRUSH_HEADER = (
    "Page ascore", "Source title", "Source url", "Target url", "Anchor", "External links", "Internal links",
    "Nofollow", "Sponsored", "Ugc", "Text", "Frame", "Form", "Image", "Sitewide", "First seen", "Last seen",
    "New link", "Lost link",
)  # fmt: skip
# Runs one command and prints its wall time and the peak RSS of the process tree it started.
WRAPPER = r"""
import json, resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_kb": peak, "rc": done.returncode, "out": done.stdout[-4000:],
                  "err": done.stderr[-2000:]}))
"""


def generate(path: Path, rows: int, domains: int, seed: int = 7) -> None:
    """An Ahrefs "Backlinks" export as Ahrefs writes it: UTF-16 with a BOM, tab-separated, every cell quoted."""
    rnd = random.Random(seed)
    names = [f"{rnd.choice(WORDS)}{rnd.choice(WORDS)}{i}.{rnd.choice(SUFFIXES)}" for i in range(domains)]
    strength = {name: (rnd.randint(0, 90), rnd.randint(0, 400_000)) for name in names}
    with path.open("w", encoding="utf-16", newline="") as out:
        out.write("\t".join(f'"{h}"' for h in HEADER) + "\r\n")
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
                f"{rnd.choice(WORDS)} {rnd.choice(WORDS)}", "in this guide", "", "",
                rnd.choice(("text", "text", "image")), "false", "true", rnd.choice(("false", "false", "true")),
                "false", "false", "true", "true", "lost" if lost else "", "page 404" if lost else "", "",
                "2024-02-11 08:14:52", "2025-06-03 21:40:10", "2025-05-01 00:00:00" if lost else "", "Jane Roe",
                "Article", "/Home & Garden", "1",
            )
            out.write("\t".join(f'"{cell}"' for cell in row) + "\r\n")


def generate_semrush(path: Path, rows: int, domains: int, seed: int = 7) -> None:
    """A Semrush "Backlinks" export as Semrush writes it: UTF-8 with a BOM, commas, cells quoted where needed."""
    import csv

    rnd = random.Random(seed)
    names = [f"{rnd.choice(WORDS)}{rnd.choice(WORDS)}{i}.{rnd.choice(SUFFIXES)}" for i in range(domains)]
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(SEMRUSH_HEADER)
        for i in range(rows):
            domain = rnd.choice(names)
            slug = "-".join(rnd.choices(WORDS, k=4))
            lost = rnd.random() < 0.03
            writer.writerow((
                rnd.randint(0, 90), slug.replace("-", " ").title(),
                f"https://{rnd.choice(SUBDOMAINS)}{domain}/{slug}-{i}/",
                f"https://yoursite.example/{rnd.choice(WORDS)}/", f"{rnd.choice(WORDS)}, {rnd.choice(WORDS)}",
                rnd.randint(0, 150), rnd.randint(0, 400), rnd.choice(("false", "false", "true")), "false", "false",
                "true", "false", "false", "false", "false", "2024-02-11", "2025-06-03", "false",
                "true" if lost else "false"))


def measured(command: list[str], env: dict) -> dict:
    """Run a command under the wrapper: its wall seconds (process start to exit), peak RSS in MB, output."""
    done = subprocess.run([PYTHON, "-c", WRAPPER, *command], capture_output=True, text=True, env=env, check=True,
                          cwd=ROOT)
    result = json.loads(done.stdout)
    if result["rc"] != 0:
        raise SystemExit(f"{command[:3]} failed: {result['err']}")
    result["peak_mb"] = round(result.pop("peak_kb") / 1024, 1)
    return result


def fresh_database(choice: str, folder: Path) -> tuple[str, callable]:
    """A new empty database URL (SQLite file, or a new PostgreSQL database) and a function that removes it."""
    if choice == "sqlite":
        path = folder / f"crm-{uuid.uuid4().hex[:8]}.db"
        return f"sqlite:///{path}", lambda: [p.unlink(missing_ok=True) for p in folder.glob(path.name + "*")]
    import sqlalchemy as sa

    admin = sa.create_engine(choice if choice != "postgresql" else ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"crm_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    return admin.url.set(database=name).render_as_string(hide_password=False), drop


def prepare(url: str, folder: Path) -> dict:
    """Migrate the database and create the workspace Bench; the environment the CLI runs with."""
    env = {**os.environ, "DATABASE_URL": url, "HUEY_IMMEDIATE": "1",
           "SECRET_KEY": "bench-secret-key-long-enough-0123456789"}
    subprocess.run([FLASK, "--app", "run", "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    script = ("from crm import create_app\nfrom crm.extensions import db\nfrom crm.accounts.models import Workspace\n"
              "app = create_app()\nwith app.app_context():\n    db.session.add(Workspace(name='Bench'))\n"
              "    db.session.commit()\n")
    subprocess.run([PYTHON, "-c", script], cwd=ROOT, env=env, check=True, capture_output=True)
    return env


def one_size(path: Path, rows: int, reps: int, database: str, folder: Path, kind: str = "ahrefs") -> dict:
    """Import timings (first and again) and the reference's, for one file."""
    first, again, reference = [], [], []
    summary = {}
    for _ in range(reps):
        url, drop = fresh_database(database, folder)
        try:
            env = prepare(url, folder)
            command = [FLASK, "--app", "run", "import", str(path), "--workspace", "Bench", "--create-backlinks"]
            first.append(measured(command, env))
            again.append(measured(command, env))
            summary = json.loads(first[-1]["out"].strip().splitlines()[-1])
            repeat = json.loads(again[-1]["out"].strip().splitlines()[-1])
            assert repeat["new"] == repeat["updated"] == 0, "re-importing the same file must change nothing"
        finally:
            drop()
        url, drop = fresh_database(database, folder)  # the same migrated schema: the backlink table and its indexes
        try:
            prepare(url, folder)
            columns = [str(c) for c in REFERENCE_COLUMNS[kind]]
            reference.append(measured([PYTHON, "-c", REFERENCE, str(path), url, *columns], env))
        finally:
            drop()

    def med(runs: list[dict], key: str) -> float:
        return round(statistics.median(r[key] for r in runs), 3)

    seconds, ref_seconds = med(first, "seconds"), med(reference, "seconds")
    return {
        "export": kind, "rows": rows, "file_mb": round(path.stat().st_size / 1e6, 1), "runs": reps,
        "import_seconds_median": seconds, "import_rows_per_s": round(rows / seconds),
        "import_peak_rss_mb_median": med(first, "peak_mb"),
        "reimport_seconds_median": med(again, "seconds"), "reimport_rows_per_s": round(rows / med(again, "seconds")),
        "reimport_peak_rss_mb_median": med(again, "peak_mb"),
        "reference_seconds_median": ref_seconds, "reference_rows_per_s": round(rows / ref_seconds),
        "reference_peak_rss_mb_median": med(reference, "peak_mb"),
        "import_to_reference_ratio": round(ref_seconds / seconds, 3),
        "all_import_seconds": [round(r["seconds"], 2) for r in first],
        "summary": {k: summary.get(k) for k in ("format", "encoding", "new", "updated", "skipped", "errors",
                                                "pages", "backlinks")},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", default="100000,1000000", help="comma-separated file sizes in rows")
    parser.add_argument("--domains-per-row", type=float, default=0.25, help="distinct sites per row of the file")
    parser.add_argument("--reps", type=int, default=3, help="runs for files up to 200,000 rows")
    parser.add_argument("--reps-large", type=int, default=1, help="runs for larger files")
    parser.add_argument("--database", default="sqlite", help="sqlite, postgresql or a PostgreSQL URL")
    parser.add_argument("--formats", default="ahrefs", help="comma-separated exports: ahrefs, semrush")
    args = parser.parse_args()
    sizes = [int(n) for n in args.rows.split(",")]
    load_before = round(os.getloadavg()[0], 2)
    results = []
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        for kind in args.formats.split(","):
            for rows in sizes:
                path = folder / f"{kind}-{rows}.{'tsv' if kind == 'ahrefs' else 'csv'}"
                make = generate if kind == "ahrefs" else generate_semrush
                make(path, rows, max(1, int(rows * args.domains_per_row)))
                reps = args.reps if rows <= 200_000 else args.reps_large
                results.append(one_size(path, rows, reps, args.database, folder, kind))
                path.unlink()
    print(json.dumps({
        "bench": "import", "database": "postgresql" if args.database != "sqlite" else "sqlite",
        "timed": "flask --app run import FILE --workspace W --create-backlinks, process start to exit",
        "goals": {"100000_rows_seconds": 10, "1000000_rows_seconds": 90, "peak_rss_mb": 300},
        "sizes": results,
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
                    "load_average_1m_before": load_before, "load_average_1m": round(os.getloadavg()[0], 2)},
    }))


if __name__ == "__main__":
    main()
