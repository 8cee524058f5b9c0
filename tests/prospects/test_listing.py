"""The sites list's queries: every filter, sorts with unknown values last, pages that neither overlap nor skip."""

from __future__ import annotations

from datetime import timedelta

import pytest

from crm.db import utcnow
from crm.extensions import db
from crm.prospects import filters, listing
from tests.accounts.factories import UserFactory, WorkspaceFactory
from tests.prospects.factories import SiteFactory, TagFactory

pytestmark = pytest.mark.both_databases


@pytest.fixture
def ws(ctx):
    """A workspace with six sites spread over every filter, and one site of another workspace."""
    workspace = WorkspaceFactory()
    owner = UserFactory()
    garden, uk = TagFactory(workspace_id=workspace.id, name="Garden"), TagFactory(workspace_id=workspace.id, name="UK")
    now = utcnow()
    rows = {
        "alpha.com": {"dr": 70, "traffic": 5000, "tf": 30, "owner_id": owner.id,
                      "last_contacted_at": now - timedelta(days=3)},
        "bravo.co.uk": {"dr": 40, "traffic": 50_000, "tf": None, "status": "blocked"},
        "charlie_x.net": {"dr": None, "traffic": 10, "tf": 10, "last_contacted_at": now - timedelta(days=200)},
        "delta.org": {"dr": 55, "traffic": None, "tf": 20, "owner_id": owner.id},
        "echo.io": {"dr": 10, "traffic": 800, "tf": None, "status": "do_not_contact"},
        "foxtrot100.com": {"dr": 55, "traffic": 3000, "tf": 5},
    }  # fmt: skip
    made = {}
    for domain, values in rows.items():
        made[domain] = SiteFactory(workspace_id=workspace.id, domain=domain, **values)
    made["alpha.com"].tags = [garden, uk]
    made["bravo.co.uk"].tags = [uk]
    made["delta.org"].tags = [garden]
    SiteFactory(domain="alpha-rival.com", dr=99)  # another workspace: never listed
    db.session.commit()
    return {"id": workspace.id, "owner": owner.id, "garden": garden.id, "uk": uk.id}


def domains(ws, **args) -> list[str]:
    f = filters.parse({k: str(v) for k, v in args.items()})
    assert not f.errors, f.errors
    return [s.domain for s in listing.page_of(ws["id"], f).items]


def test_default_is_dr_highest_first_with_unknown_values_last(ws):
    assert domains(ws) == ["alpha.com", "foxtrot100.com", "delta.org", "bravo.co.uk", "echo.io", "charlie_x.net"]


def test_ascending_sorts_also_put_unknown_values_last(ws):
    assert domains(ws, sort="dr", dir="asc") == ["echo.io", "bravo.co.uk", "delta.org", "foxtrot100.com",
                                                 "alpha.com", "charlie_x.net"]
    assert domains(ws, sort="tf", dir="asc")[-2:] == ["bravo.co.uk", "echo.io"]
    assert domains(ws, sort="traffic")[0] == "bravo.co.uk" and domains(ws, sort="traffic")[-1] == "delta.org"


def test_sort_by_domain_and_by_last_contact(ws):
    assert domains(ws, sort="domain") == sorted(domains(ws))
    assert domains(ws, sort="domain", dir="desc") == sorted(domains(ws), reverse=True)
    assert domains(ws, sort="contacted")[:2] == ["alpha.com", "charlie_x.net"]


def test_search_by_domain_takes_wildcards_literally(ws):
    assert domains(ws, q="ALPHA") == ["alpha.com"]
    assert domains(ws, q="e_x") == ["charlie_x.net"]  # "_" is not "any character"
    assert domains(ws, q="%") == []
    assert domains(ws, q="o%") == []
    assert domains(ws, q="ch") == ["charlie_x.net"]  # under three characters: the start of the domain
    assert domains(ws, q="_x") == []
    assert domains(ws, q=".co") == ["alpha.com", "foxtrot100.com", "bravo.co.uk"]


def test_filters_by_tag_status_and_owner(ws):
    assert domains(ws, tag=ws["garden"]) == ["alpha.com", "delta.org"]
    assert domains(ws, tag=ws["uk"], sort="domain") == ["alpha.com", "bravo.co.uk"]
    assert domains(ws, status="blocked") == ["bravo.co.uk"]
    assert domains(ws, owner=ws["owner"]) == ["alpha.com", "delta.org"]
    assert domains(ws, owner="none", sort="domain") == ["bravo.co.uk", "charlie_x.net", "echo.io", "foxtrot100.com"]


def test_metric_ranges(ws):
    assert domains(ws, dr_min=40, dr_max=60) == ["foxtrot100.com", "delta.org", "bravo.co.uk"]
    assert domains(ws, traffic_min=1000, sort="traffic") == ["bravo.co.uk", "alpha.com", "foxtrot100.com"]
    assert domains(ws, dr_min=50, tf_max=20) == ["foxtrot100.com", "delta.org"]  # unknown TF is not "under 20"


def test_contact_recency(ws):
    assert domains(ws, contacted="never", sort="domain") == ["bravo.co.uk", "delta.org", "echo.io", "foxtrot100.com"]
    assert domains(ws, contacted="recent", days=30) == ["alpha.com"]
    assert domains(ws, contacted="recent", days=365) == ["alpha.com", "charlie_x.net"]
    assert "alpha.com" not in domains(ws, contacted="stale", days=30)
    assert len(domains(ws, contacted="stale", days=30)) == 5


def test_pages_neither_overlap_nor_skip(ws):
    for sort in ("dr", "traffic", "tf", "domain", "added", "contacted"):
        for direction in ("asc", "desc"):
            seen = domains(ws, sort=sort, dir=direction, per_page=25)
            small = []
            f = filters.parse({"sort": sort, "dir": direction})
            for page in range(1, 8):
                result = listing.page_of(ws["id"], filters.SiteFilter(sort=f.sort, desc=f.desc, page=page, per_page=1))
                small += [s.domain for s in result.items]
                assert result.has_next == (page < 6)
            assert small == seen, (sort, direction)


def test_count_is_capped(ws):
    f = filters.parse({})
    counted, capped = listing.count(ws["id"], f, cap=4)
    assert (counted, capped) == (4, True)
    page = listing.page_of(ws["id"], filters.SiteFilter(per_page=25))
    assert page.total == "6" and page.pages == 1 and not page.has_next


def test_many_matches_walk_the_sort_index_and_give_the_same_page(ws, monkeypatch):
    expected = domains(ws, dr_min=10, sort="traffic")
    monkeypatch.setattr(listing, "WALK_THRESHOLD", 1)
    assert domains(ws, dr_min=10, sort="traffic") == expected
    assert domains(ws, contacted="never", status="active", sort="tf", dir="asc") == ["foxtrot100.com", "delta.org"]


def test_bad_filter_values_are_named_and_ignored():
    f = filters.parse({"dr_min": "lots", "dr_max": "5", "tf_min": "9", "tf_max": "3", "status": "gone",
                       "sort": "nope", "per_page": "7", "page": "-3", "owner": "x"})
    assert f.errors == ("Minimum DR must be a number.", "The minimum TF is above the maximum.", "Unknown status.")
    assert f.ranges == (("dr", None, 5.0),) and f.status == "" and f.sort == "dr" and f.per_page == 50
    assert f.page == 1 and f.owner == ""
    assert filters.parse(f.to_args()) == f  # the query string gives the same filter back
