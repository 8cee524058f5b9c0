"""`flask backup` and `flask restore`: a consistent copy during a running import, and a restore that works."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import func, select

from crm import create_app
from crm.extensions import db
from crm.prospects.importing import service
from crm.prospects.models import Site
from tests.conftest import app_settings, login

IMPORTED = 20_000


def _majestic(first: int, count: int) -> bytes:
    """A Majestic referring-domains export of `count` made-up domains."""
    lines = ["Domain,TrustFlow,CitationFlow"]
    lines += [f"site{n}.com,{n % 60},{n % 70}" for n in range(first, first + count)]
    return ("\r\n".join(lines) + "\r\n").encode()


def _sites(path: Path, workspace_id: int) -> int:
    """Sites of a workspace in a database file, after SQLite's integrity check passed on it."""
    with closing(sqlite3.connect(path)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return connection.execute("SELECT count(*) FROM site WHERE workspace_id = ?", (workspace_id,)).fetchone()[0]


def _counts(path: Path) -> dict[str, int]:
    """Rows per table of a database file."""
    with closing(sqlite3.connect(path)) as connection:
        names = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                                  "AND name NOT LIKE 'sqlite_%'")]
        return {n: connection.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}  # noqa: S608


def _import_in_thread(app, workspace_id: int, data: bytes, on_writing=None) -> tuple[threading.Thread, dict]:
    """Run the real importer in another thread; on_writing is called once, mid-write, inside its transaction."""
    outcome: dict = {}
    seen = threading.Event()

    def progress(stage: str, done: int, total: int | None) -> None:
        if stage == "Writing" and on_writing is not None and not seen.is_set():
            seen.set()
            on_writing()

    def work() -> None:
        with app.app_context():
            try:
                outcome["summary"] = service.run(workspace_id, data, service.ImportOptions(), progress_to=progress)
            except Exception as exc:  # reported to the test below
                outcome["error"] = exc

    thread = threading.Thread(target=work)
    thread.start()
    return thread, outcome


@pytest.fixture
def database(app) -> Path:
    """The file of the app's SQLite database."""
    return Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))


def test_a_backup_during_an_import_holds_none_of_it_and_one_after_holds_all(app, team, runner, database, tmp_path):
    # Rows committed just before (still in the write-ahead log, not yet in the main file) must be in the backup.
    with app.app_context():
        service.run(team.workspace_id, _majestic(0, 3), service.ImportOptions())
    during, after = tmp_path / "during.db", tmp_path / "after.db"
    writing, backed_up, results = threading.Event(), threading.Event(), {}

    def mid_write() -> None:
        writing.set()
        assert backed_up.wait(120), "the backup did not finish while the import waited"

    thread, outcome = _import_in_thread(app, team.workspace_id, _majestic(3, IMPORTED), mid_write)
    try:
        assert writing.wait(120), "the import never started writing"
        results["during"] = runner.invoke(args=["backup", str(during)])
    finally:
        backed_up.set()
        thread.join(300)
    assert "error" not in outcome, outcome.get("error")
    assert outcome["summary"]["new"] == IMPORTED
    assert results["during"].exit_code == 0, results["during"].output
    assert "integrity check ok" in results["during"].output
    assert _sites(during, team.workspace_id) == 3, "the backup holds none of the unfinished import"

    assert runner.invoke(args=["backup", str(after)]).exit_code == 0
    assert _sites(after, team.workspace_id) == 3 + IMPORTED
    assert not list(tmp_path.glob(".*.tmp")), "no temporary file is left behind"


def test_backups_taken_while_an_import_runs_hold_all_or_nothing(app, team, runner, tmp_path):
    thread, outcome = _import_in_thread(app, team.workspace_id, _majestic(0, 5000))
    seen = set()
    for n in range(4):
        target = tmp_path / f"copy{n}.db"
        result = runner.invoke(args=["backup", str(target)])
        assert result.exit_code == 0, result.output
        seen.add(_sites(target, team.workspace_id))
    thread.join(300)
    assert "error" not in outcome, outcome.get("error")
    assert seen <= {0, 5000}


def test_restore_gives_a_working_app_with_the_same_rows(app, team, runner, tmp_path, migrated_sqlite):
    with app.app_context():
        service.run(team.workspace_id, _majestic(0, 500), service.ImportOptions())
    saved = tmp_path / "saved.db"
    assert runner.invoke(args=["backup", str(saved)]).exit_code == 0
    expected = _counts(saved)

    target = tmp_path / "other" / "crm.db"
    target.parent.mkdir()
    shutil.copyfile(migrated_sqlite, target)
    other = create_app(app_settings(tmp_path / "other-instance", f"sqlite:///{target}"))
    other_runner = other.test_cli_runner()
    with other.app_context():
        from tests.accounts.factories import WorkspaceFactory

        WorkspaceFactory(name="Somebody else's work")
    refused = other_runner.invoke(args=["restore", str(saved)])
    assert refused.exit_code != 0 and "--yes" in refused.output
    assert _counts(target)["workspace"] == 1, "nothing changed without --yes"

    done = other_runner.invoke(args=["restore", str(saved), "--yes"])
    assert done.exit_code == 0, done.output
    assert _counts(target) == expected
    client = other.test_client()
    assert login(client, team.emails["viewer"]).status_code == 302
    page = client.get("/sites?q=site42.com")
    assert page.status_code == 200 and "site42.com" in page.get_data(as_text=True)
    with other.app_context():
        assert db.session.scalar(select(func.count()).select_from(Site)) == 500
        db.engine.dispose()


def test_restore_refuses_files_that_are_not_intact_backups_of_ours(app, runner, tmp_path, database):
    text = tmp_path / "notes.db"
    text.write_text("hello")
    foreign = tmp_path / "foreign.db"
    with closing(sqlite3.connect(foreign)) as connection:
        connection.execute("CREATE TABLE t (x)")
        connection.commit()
    assert runner.invoke(args=["backup", str(tmp_path / "good.db")]).exit_code == 0
    damaged = tmp_path / "damaged.db"
    data = bytearray((tmp_path / "good.db").read_bytes())
    data[4096 * 3:4096 * 6] = b"\xff" * (4096 * 3)
    damaged.write_bytes(bytes(data))
    before = database.read_bytes()
    for bad, reason in ((text, "not a SQLite database"), (foreign, "no alembic_version"),
                        (damaged, "damaged"), (tmp_path / "missing.db", "no file")):
        result = runner.invoke(args=["restore", str(bad), "--yes"])
        assert result.exit_code != 0 and reason in result.output, (bad.name, result.output)
    assert database.read_bytes() == before
    itself = runner.invoke(args=["backup", str(database)])
    assert itself.exit_code != 0 and "cannot overwrite the database itself" in itself.output


@pytest.mark.services
@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_on_postgresql_backup_points_to_pg_dump_and_writes_nothing(app, runner, tmp_path, backend):
    target = tmp_path / "crm.dump"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code != 0
    assert "pg_dump --format=custom" in result.output and "--host=127.0.0.1" in result.output
    assert "--port=5432" in result.output and "pg_restore" in result.output
    assert not target.exists()
    refused = runner.invoke(args=["restore", str(target), "--yes"])
    assert refused.exit_code != 0 and "pg_restore" in refused.output
