"""The importer's one pass over a file: sites folded bucket by bucket, yet everything said in the file's order."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crm.extensions import db
from crm.prospects.importing.fold import BUCKETS, MAX_LISTED
from crm.prospects.importing.service import ImportOptions, run
from crm.prospects.models import Contact, SitePage
from tests.accounts.factories import WorkspaceFactory
from tests.prospects.bigfiles import export, link_row
from tests.prospects.support import counts, csv_bytes, site

pytestmark = pytest.mark.both_databases

SITES = 4 * BUCKETS  # enough sites that every bucket holds several


@pytest.fixture
def workspace_id(ctx):
    return WorkspaceFactory().id


def test_the_report_lists_sites_in_the_order_of_the_file(workspace_id):
    rows = [link_row(i, sites=SITES) for i in reversed(range(3 * SITES))]  # the last sites come first
    summary = run(workspace_id, export(rows), ImportOptions(create_backlinks=True))
    assert summary["new"] == SITES
    first_rows = [sample["row"] for sample in summary["samples"]["new"]]
    assert first_rows == sorted(first_rows) and first_rows[0] == 2
    assert summary["samples"]["new"][0]["domain"] == f"site{(3 * SITES - 1) % SITES}-example.com"


def test_pages_keep_the_titles_their_rows_gave(workspace_id):
    run(workspace_id, export(link_row(i, sites=SITES) for i in range(2 * SITES)), ImportOptions())
    page = db.session.scalar(select(SitePage).where(SitePage.url == link_row(SITES + 3, sites=SITES)[1]))
    assert page.title == f"Post {SITES + 3}"


def test_every_skipped_row_is_counted_and_the_first_ones_named(workspace_id):
    bad = MAX_LISTED + 37
    rows = [link_row(i, sites=SITES, dr="lots" if i % 2 else 40) for i in range(2 * bad)]
    summary = run(workspace_id, export(rows), ImportOptions(create_backlinks=True))
    assert summary["errors"] == bad
    assert [e["row"] for e in summary["error_rows"]] == [i + 2 for i in range(1, 2 * MAX_LISTED, 2)]
    assert summary["backlinks"]["created"] == bad and counts(workspace_id)["backlinks"] == bad


def test_an_address_on_two_sites_stays_with_the_first_row_whichever_site_is_folded_first(workspace_id):
    lines = ["Website,Email,Name"]
    lines += [f"filler{i}.com,,Filler {i}" for i in range(3 * BUCKETS)]
    lines += ["late-but-first.com,jane@shared.org,Jane Roe"] + [f"other{i}.com,JANE@shared.org,J" for i in range(40)]
    summary = run(workspace_id, csv_bytes(*lines), ImportOptions())
    jane = db.session.scalars(select(Contact).where(Contact.email == "jane@shared.org")).one()
    assert jane.site_id == site(workspace_id, "late-but-first.com").id
    assert len(summary["notes"]) == 40
    assert all("already listed for late-but-first.com" in note["message"] for note in summary["notes"])


def test_repeated_links_are_found_by_their_full_keys(workspace_id):
    rows = [link_row(i, sites=SITES) for i in range(2 * SITES)]
    rows += [rows[5], link_row(5, sites=SITES, anchor="other words"), link_row(5, sites=SITES, target="https://shop.example/b/")]
    summary = run(workspace_id, export(rows), ImportOptions(create_backlinks=True))
    assert summary["duplicate_rows"] == 1
    assert summary["backlinks"]["skipped"] == {"the same page links to the same target on an earlier row": 1}
    assert summary["backlinks"]["created"] == 2 * SITES + 1
