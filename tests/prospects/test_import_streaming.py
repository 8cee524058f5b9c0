"""Imports of files larger than one write batch: streamed, still all or nothing, the per-row report intact."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select, text

from crm.extensions import db
from crm.links.models import Backlink
from crm.prospects.importing.limits import ImportFileError
from crm.prospects.importing.service import ImportOptions, run
from crm.prospects.importing.spool import BATCH
from tests.accounts.factories import WorkspaceFactory
from tests.prospects.bigfiles import export, link_row
from tests.prospects.support import counts, site

pytestmark = pytest.mark.both_databases

ROWS = 2 * BATCH + 700  # three batches of links, the last one short


@pytest.fixture
def workspace_id(ctx):
    return WorkspaceFactory().id


def _refuse_link(url: str) -> None:
    """A database trigger refusing one backlink row, as a constraint would: a failure in the middle of a write."""
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text(
            "CREATE TRIGGER refuse_link BEFORE INSERT ON backlink WHEN NEW.source_url = :url "
            "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END".replace(":url", f"'{url}'")))
    else:
        db.session.execute(text(
            "CREATE FUNCTION refuse_link() RETURNS trigger AS $$ BEGIN "
            f"IF NEW.source_url = '{url}' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; "
            "END $$ LANGUAGE plpgsql"))
        db.session.execute(text(
            "CREATE TRIGGER refuse_link BEFORE INSERT ON backlink FOR EACH ROW EXECUTE FUNCTION refuse_link()"))
    db.session.commit()


def _drop_trigger() -> None:
    db.session.rollback()
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text("DROP TRIGGER refuse_link"))
    else:
        db.session.execute(text("DROP TRIGGER refuse_link ON backlink"))
        db.session.execute(text("DROP FUNCTION refuse_link()"))
    db.session.commit()


def test_a_big_file_is_imported_whole(workspace_id):
    data = export(link_row(i) for i in range(ROWS))
    summary = run(workspace_id, io.BytesIO(data), ImportOptions(create_backlinks=True))
    assert (summary["rows"], summary["new"], summary["errors"]) == (ROWS, 500, 0)
    assert summary["backlinks"]["created"] == ROWS
    got = counts(workspace_id)
    assert (got["sites"], got["backlinks"], got["pages"], got["activities"]) == (500, ROWS, ROWS, 500)
    last = db.session.scalar(select(Backlink).where(Backlink.source_url == link_row(ROWS - 1)[1]))
    assert last.target_url == "https://shop.example/widgets/"
    assert last.site_id == site(workspace_id, last.source_domain).id


def test_a_failure_in_the_last_batch_leaves_nothing_written(workspace_id):
    _refuse_link(link_row(ROWS - 1)[1])  # the very last row of the file, in the last batch of links
    try:
        with pytest.raises(Exception, match=r"refused by the test|changed by someone else"):
            run(workspace_id, export(link_row(i) for i in range(ROWS)), ImportOptions(create_backlinks=True))
    finally:
        _drop_trigger()
    got = counts(workspace_id)
    assert (got["sites"], got["backlinks"], got["pages"], got["metrics"], got["activities"]) == (0, 0, 0, 0, 0)
    # Nothing was half-done: the same file then imports completely.
    summary = run(workspace_id, export(link_row(i) for i in range(ROWS)), ImportOptions(create_backlinks=True))
    assert summary["new"] == 500 and counts(workspace_id)["backlinks"] == ROWS


def test_the_per_row_report_names_each_skipped_row_across_batches(workspace_id):
    rows = [link_row(i) for i in range(ROWS)]
    bad = {3: "lots", BATCH + 10: "high", ROWS - 2: "9x"}  # unreadable Domain rating cells
    for index, value in bad.items():
        rows[index] = link_row(index, dr=value)
    rows[BATCH + 20] = link_row(BATCH + 20, lost=True)
    rows.append(rows[7])  # an exact repeat of an early row, at the very end
    rows.append(link_row(11, anchor="another anchor"))  # the same page and target again, another anchor
    summary = run(workspace_id, export(rows), ImportOptions(create_backlinks=True))
    assert summary["errors"] == 3
    assert sorted(e["row"] for e in summary["error_rows"]) == sorted(i + 2 for i in bad)  # line 1 is the header
    assert all(e["column"] == "Domain rating" for e in summary["error_rows"])
    assert summary["duplicate_rows"] == 1
    assert summary["backlinks"]["skipped"] == {
        "the export says the link is lost": 1, "the same page links to the same target on an earlier row": 1}
    assert summary["backlinks"]["created"] == ROWS - 3 - 1
    assert counts(workspace_id)["backlinks"] == ROWS - 3 - 1


def test_a_reimport_updates_sites_and_adds_only_new_links(workspace_id):
    run(workspace_id, export(link_row(i) for i in range(ROWS)), ImportOptions(create_backlinks=True))
    again = run(workspace_id, export(link_row(i) for i in range(ROWS)), ImportOptions(create_backlinks=True))
    assert (again["new"], again["updated"], again["skipped"]) == (0, 0, 500)
    assert again["backlinks"]["created"] == 0 and again["backlinks"]["skipped"] == {"already tracked": ROWS}
    # Stronger sites (DR 55) and 300 links from new pages on the same sites.
    rows = [link_row(i, dr=55) for i in range(ROWS + 300)]
    changed = run(workspace_id, export(rows), ImportOptions(create_backlinks=True))
    assert (changed["new"], changed["updated"]) == (0, 500)
    assert changed["backlinks"] == {"available": 300, "created": 300, "skipped": {"already tracked": ROWS},
                                    "requested": True}
    assert site(workspace_id, "site7-example.com").dr == 55.0
    got = counts(workspace_id)
    assert got["backlinks"] == ROWS + 300 and got["sites"] == 500


def test_a_dry_run_of_a_big_file_writes_nothing(workspace_id):
    summary = run(workspace_id, export(link_row(i) for i in range(ROWS)), ImportOptions(create_backlinks=True),
                  dry_run=True)
    assert summary["new"] == 500 and summary["backlinks"]["available"] == ROWS
    assert counts(workspace_id)["sites"] == 0 and counts(workspace_id)["backlinks"] == 0


def test_a_broken_end_of_file_refuses_it_whole(workspace_id):
    data = export(link_row(i) for i in range(ROWS)) + '"never closed\r\nmore\r\n'.encode("utf-16-le")
    with pytest.raises(ImportFileError, match="quote"):
        run(workspace_id, data, ImportOptions(create_backlinks=True))
    assert counts(workspace_id)["sites"] == 0


def test_a_50000_row_file_imports_with_its_progress_moving_to_the_end(workspace_id):
    sites = 12_000  # more sites than one planned part, so they are compared and written in several parts
    reports = []
    data = export(link_row(i, sites=sites) for i in range(50_000))
    summary = run(workspace_id, io.BytesIO(data), ImportOptions(create_backlinks=True),
                  progress_to=lambda phase, done, total: reports.append((phase, done, total)))
    assert (summary["rows"], summary["new"], summary["errors"]) == (50_000, sites, 0)
    assert summary["backlinks"]["created"] == 50_000 and summary["pages"] == 50_000
    got = counts(workspace_id)
    assert (got["sites"], got["backlinks"], got["activities"]) == (sites, 50_000, sites)
    writing = [(done, total) for phase, done, total in reports if phase == "Writing"]
    assert writing[-1][0] == writing[-1][1] == sites + 50_000  # the bar ends full: every site and link
    assert len({done for done, _ in writing if done <= sites}) >= 3  # and moves while the sites are written
    assert [done for done, _ in writing] == sorted(done for done, _ in writing)


def test_a_dry_run_reports_its_comparison_part_by_part(workspace_id):
    reports = []
    data = export(link_row(i, sites=12_000) for i in range(12_000))
    summary = run(workspace_id, data, ImportOptions(), dry_run=True,
                  progress_to=lambda phase, done, total: reports.append((phase, done, total)))
    comparing = [(done, total) for phase, done, total in reports if phase == "Comparing with your sites"]
    assert comparing[-1] == (12_000, 12_000) and len(comparing) >= 3
    assert summary["new"] == 12_000 and counts(workspace_id)["sites"] == 0
