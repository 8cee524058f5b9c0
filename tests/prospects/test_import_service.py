"""The importer end to end through the service into the database: every sample, re-imports, updates, dedupe."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from crm.extensions import db
from crm.links.models import Backlink
from crm.prospects.importing.service import ImportOptions, run
from crm.prospects.metrics import metric_at
from crm.prospects.models import Contact, SiteMetric
from crm.timeline import Activity
from tests.accounts.factories import WorkspaceFactory
from tests.prospects.factories import ContactFactory, SiteFactory
from tests.prospects.samples import EXPECTED_FORMATS, sample_bytes
from tests.prospects.support import counts, csv_bytes, site

pytestmark = pytest.mark.both_databases

# Per sample: sites, contacts, dated metrics and (with "create backlink records") backlinks it must produce.
EXPECTED_ROWS = {
    "ahrefs-backlinks-v3.csv": (4, 0, 8, 5),
    "ahrefs-refdomains-v3.csv": (4, 0, 32, 0),
    "ahrefs-batch-analysis.csv": (4, 0, 56, 0),
    "semrush-backlinks.csv": (4, 0, 0, 5),
    "semrush-refdomains.csv": (4, 0, 8, 0),
    "moz-inbound-links-ose-2016.csv": (4, 0, 12, 5),
    "moz-linking-domains-unverified.csv": (4, 0, 16, 0),
    "majestic-backlinks-download.csv": (4, 0, 0, 5),
    "gsc-latest-links.csv": (4, 0, 0, 0),
    "gsc-top-linking-sites.csv": (4, 0, 8, 0),
    "pitchbox-partner-import.csv": (4, 4, 0, 0),
    "buzzstream-link-partners-import-legacy.csv": (4, 0, 0, 5),
    "hunter-domain-search-unverified.csv": (1, 5, 0, 0),
}


@pytest.fixture
def workspace_id(ctx):
    return WorkspaceFactory().id


@pytest.mark.parametrize("name", sorted(EXPECTED_FORMATS))
def test_every_sample_is_detected_and_imported(workspace_id, name):
    summary = run(workspace_id, sample_bytes(name), ImportOptions(create_backlinks=True))
    assert summary["format"] == EXPECTED_FORMATS[name]
    sites, contacts, metrics, backlinks = EXPECTED_ROWS[name]
    got = counts(workspace_id)
    assert (got["sites"], got["contacts"], got["metrics"], got["backlinks"]) == (sites, contacts, metrics, backlinks)
    assert (summary["new"], summary["updated"], summary["skipped"], summary["errors"]) == (sites, 0, 0, 0)
    assert got["activities"] == sites  # each new site's timeline says where it came from


def test_ahrefs_backlinks_fill_sites_pages_metrics_and_backlinks(workspace_id):
    run(workspace_id, sample_bytes("ahrefs-backlinks-v3.csv"), ImportOptions(create_backlinks=True))
    example = site(workspace_id, "spokewise.com")
    assert (example.dr, example.traffic) == (58.0, 9100.0)  # the newest-value columns are in step
    assert example.homepage == "https://spokewise.com/"
    assert sorted(p.url for p in example.pages) == [
        "https://blog.spokewise.com/truing-stands/", "https://list.spokewise.com/bike-shops?page=7"]
    assert {(m.name, m.source, m.value) for m in example.metrics} == {("dr", "ahrefs", 58.0),
                                                                     ("traffic", "ahrefs", 9100.0)}
    link = db.session.scalar(select(Backlink).where(Backlink.source_url == "https://blog.spokewise.com/truing-stands/"))
    assert (link.target_url, link.expected_anchor, link.acquisition) == (
        "https://ourshop.example/guides/wheel-truing", "the wheel truing guide", "natural")
    assert link.site_id == example.id and link.source_domain == "spokewise.com"
    assert link.next_check_at is not None and link.status == "unchecked"
    lost = db.session.scalar(select(Backlink).where(Backlink.source_url.like("%list.spokewise.com%")))
    assert lost is None  # the export says it is lost: nothing to verify


def test_without_the_option_no_backlinks_are_created(workspace_id):
    summary = run(workspace_id, sample_bytes("majestic-backlinks-download.csv"), ImportOptions())
    assert counts(workspace_id)["backlinks"] == 0
    assert summary["backlinks"]["available"] == 5 and summary["backlinks"]["created"] == 0


@pytest.mark.parametrize("name", ["ahrefs-backlinks-v3.csv", "pitchbox-partner-import.csv",
                                  "hunter-domain-search-unverified.csv", "ahrefs-batch-analysis.csv"])
def test_importing_the_same_file_again_changes_nothing(workspace_id, name):
    first = run(workspace_id, sample_bytes(name), ImportOptions(create_backlinks=True, tags=("June",)))
    before = counts(workspace_id)
    again = run(workspace_id, sample_bytes(name), ImportOptions(create_backlinks=True, tags=("June",)))
    assert counts(workspace_id) == before
    assert (again["new"], again["updated"], again["skipped"]) == (0, 0, first["new"])
    assert again["contacts"]["new"] == 0 and again["backlinks"]["created"] == 0


def test_importing_later_with_new_figures_adds_a_dated_value_and_moves_the_column(workspace_id):
    lines = ("Website,DR,Traffic", "https://www.alpha.com/,40,1000", "https://beta.com/,20,500")
    run(workspace_id, csv_bytes(*lines), ImportOptions(measured_on=date(2025, 1, 10)))
    later = ("Website,DR,Traffic", "https://www.alpha.com/,45,1000", "https://beta.com/,20,500")
    summary = run(workspace_id, csv_bytes(*later), ImportOptions(measured_on=date(2025, 6, 1)))
    assert (summary["new"], summary["updated"], summary["skipped"]) == (0, 1, 1)
    assert summary["samples"]["update"][0]["reasons"] == ["DR 40 → 45"]
    alpha = site(workspace_id, "alpha.com")
    assert alpha.dr == 45.0
    assert metric_at(alpha.id, "dr", date(2025, 3, 1)).value == 40.0  # what it was when pitched
    assert metric_at(alpha.id, "dr", date(2025, 6, 1)).value == 45.0
    assert metric_at(alpha.id, "dr", date(2024, 12, 31)) is None
    # An older file does not overwrite the newer figure on the site, but its value is kept in the history.
    run(workspace_id, csv_bytes("Website,DR", "alpha.com,30"), ImportOptions(measured_on=date(2024, 6, 1)))
    db.session.expire_all()
    assert site(workspace_id, "alpha.com").dr == 45.0
    assert metric_at(alpha.id, "dr", date(2024, 7, 1)).value == 30.0


def test_the_same_day_corrects_the_value_instead_of_adding_one(workspace_id):
    run(workspace_id, csv_bytes("Website,DA", "gamma.org,10"), ImportOptions(measured_on=date(2025, 2, 2)))
    summary = run(workspace_id, csv_bytes("Website,DA", "gamma.org,12"), ImportOptions(measured_on=date(2025, 2, 2)))
    assert summary["metrics"] == {"new": 0, "updated": 1}
    rows = db.session.scalars(select(SiteMetric).where(SiteMetric.workspace_id == workspace_id)).all()
    assert [(r.name, r.value, r.measured_at) for r in rows] == [("da", 12.0, datetime(2025, 2, 2, tzinfo=UTC))]
    assert site(workspace_id, "gamma.org").da == 12.0


def test_subdomains_and_www_fold_into_one_site_keeping_the_pages(workspace_id):
    data = csv_bytes("URL,Company", "https://www.shop.co.uk/a,Shop", "https://blog.shop.co.uk/b,", "http://shop.co.uk/,")
    summary = run(workspace_id, data, ImportOptions())
    assert summary["new"] == 1
    shop = site(workspace_id, "shop.co.uk")
    assert shop.name == "Shop" and shop.homepage == "https://www.shop.co.uk/"
    assert len(shop.pages) == 3


def test_contacts_are_unique_per_workspace_ignoring_case(workspace_id):
    owner = SiteFactory(workspace_id=workspace_id, domain="first.com")
    ContactFactory(site=owner, workspace_id=workspace_id, email="jane@second.com", first_name="", last_name="")
    data = csv_bytes("Website,Email,Name,Position", "second.com,JANE@second.com,Jane Roe,Editor",
                     "second.com,info@second.com,,")
    summary = run(workspace_id, data, ImportOptions())
    assert summary["contacts"] == {"new": 1, "updated": 0, "skipped": 1}
    assert "jane@second.com already belongs to first.com" in summary["samples"]["new"][0]["reasons"]
    info = db.session.scalar(select(Contact).where(Contact.email == "info@second.com"))
    assert info.is_role_address and info.source == "import:generic"
    # A later file completes what a contact was missing, on its own site only.
    data = csv_bytes("Website,Email,Name,Position", "first.com,Jane@Second.com,Jane Roe,Editor")
    summary = run(workspace_id, data, ImportOptions())
    assert summary["contacts"] == {"new": 0, "updated": 1, "skipped": 0}
    jane = db.session.scalar(select(Contact).where(Contact.email == "jane@second.com"))
    assert (jane.first_name, jane.last_name, jane.position, jane.site_id) == ("Jane", "Roe", "Editor", owner.id)


def test_tags_from_the_file_and_the_options_are_created_once(workspace_id):
    run(workspace_id, sample_bytes("pitchbox-partner-import.csv"), ImportOptions(tags=("Batch 1", "batch 1")))
    example = site(workspace_id, "spokewise.com")
    assert sorted(t.name for t in example.tags) == ["Batch 1", "Cycling"]
    run(workspace_id, csv_bytes("Website,Tags", "spokewise.com,cycling; Garden"), ImportOptions())
    db.session.expire_all()
    assert sorted(t.name for t in site(workspace_id, "spokewise.com").tags) == ["Batch 1", "Cycling", "Garden"]
    assert counts(workspace_id)["tags"] == 6  # four categories of the file, Batch 1 and Garden


def test_a_dry_run_writes_nothing(workspace_id):
    before = counts(workspace_id)
    summary = run(workspace_id, sample_bytes("ahrefs-backlinks-v3.csv"), ImportOptions(create_backlinks=True),
                  dry_run=True)
    assert summary["new"] == 4 and summary["dry_run"] is True
    assert counts(workspace_id) == before


def test_rows_with_errors_are_reported_and_the_rest_imported(workspace_id):
    data = csv_bytes("Website,Email,DR", "good.com,ann@good.com,10", "ht!tp://bad url,,5", "also-good.net,,abc",
                     "fine.org,not-an-email,3")
    summary = run(workspace_id, data, ImportOptions())
    assert summary["new"] == 1 and summary["errors"] == 3
    assert [e["row"] for e in summary["error_rows"]] == [3, 4, 5]
    assert "'abc' is not a number" in summary["error_rows"][1]["message"]
    assert counts(workspace_id)["sites"] == 1


def test_a_custom_mapping_imports_an_unrecognised_file(workspace_id):
    data = csv_bytes("Publication,Writer address,Authority", "https://mag.example.org/,ed@mag.example.org,33")
    mapping = {"Publication": "site_url", "Writer address": "email", "Authority": "site.da"}
    summary = run(workspace_id, data, ImportOptions(mapping=mapping))
    assert summary["format"] == "custom" and summary["new"] == 1
    mag = site(workspace_id, "example.org")
    assert mag.da == 33.0 and [c.email for c in mag.contacts] == ["ed@mag.example.org"]


def test_workspaces_are_kept_apart(workspace_id):
    other = WorkspaceFactory().id
    run(other, sample_bytes("pitchbox-partner-import.csv"), ImportOptions())
    summary = run(workspace_id, sample_bytes("pitchbox-partner-import.csv"), ImportOptions())
    assert summary["new"] == 4 and summary["contacts"]["new"] == 4  # the same addresses, another workspace
    assert counts(workspace_id)["sites"] == counts(other)["sites"] == 4


def test_the_timeline_says_what_an_update_brought(workspace_id):
    run(workspace_id, csv_bytes("Website,DR", "delta.com,10"), ImportOptions(measured_on=date(2025, 1, 1)))
    run(workspace_id, csv_bytes("Website,DR,Email", "delta.com,12,jo@delta.com"), ImportOptions())
    entries = db.session.scalars(select(Activity.summary).where(Activity.site_id == site(workspace_id, "delta.com").id)
                                 .order_by(Activity.id)).all()
    assert entries[0] == "Added from Prospect list"
    assert entries[1] == "Updated from Prospect list: DR 10 → 12; 1 new contact(s)"
