"""An import keeps the sites list's search in step, and leaves search working after it succeeds or fails."""

from __future__ import annotations

import pytest

from crm.prospects import contacts, filters, listing, sites
from crm.prospects.importing.service import ImportOptions, run
from tests.accounts.factories import WorkspaceFactory
from tests.prospects.support import counts, csv_bytes, site

pytestmark = pytest.mark.both_databases

FILE = csv_bytes("Website,Email,Tags", "quietpedals.com,mara@quietpedals.com,Cycling",
                 "loudwheels.net,,Tier B", "quietpedals.com,ops@quietpedals.com,")


@pytest.fixture
def ws(ctx):
    return WorkspaceFactory().id


def found(workspace_id: int, q: str) -> list[str]:
    """Domains the sites list shows for a search."""
    return [s.domain for s in listing.page_of(workspace_id, filters.parse({"q": q, "sort": "domain"})).items]


def test_imported_sites_contacts_and_tags_are_found_and_later_edits_too(ws):
    run(ws, FILE, ImportOptions(tags=("June batch",)))
    assert found(ws, "etpeda") == ["quietpedals.com"]
    assert found(ws, "ops@quiet") == ["quietpedals.com"]
    assert found(ws, "tier b") == ["loudwheels.net"]
    assert found(ws, "june batch") == ["loudwheels.net", "quietpedals.com"]
    # A second import adds a contact to a known site; edits after the import are still kept in step.
    run(ws, csv_bytes("Website,Email", "loudwheels.net,rui@loudwheels.net"), ImportOptions())
    assert found(ws, "rui@loud") == ["loudwheels.net"]
    contacts.add(site(ws, "quietpedals.com"), "new.editor@quietpedals.com")
    sites.create(ws, "fastspokes.org", None)
    assert found(ws, "new.editor") == ["quietpedals.com"]
    assert found(ws, "spokes") == ["fastspokes.org"]


def test_an_import_stopped_half_way_leaves_nothing_and_search_still_follows_edits(ws):
    def stop(phase: str, done: int, total: int | None) -> None:
        if phase == "Writing":
            raise RuntimeError("stopped while writing")

    with pytest.raises(RuntimeError):
        run(ws, FILE, ImportOptions(), progress_to=stop)
    assert counts(ws)["sites"] == 0 and found(ws, "quiet") == []
    made = sites.create(ws, "quietpedals.com", None)
    contacts.add(made, "mara@quietpedals.com")
    assert found(ws, "mara@") == ["quietpedals.com"]
