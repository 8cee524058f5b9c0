"""Looking up thousands of addresses at once gives each the entry it would get alone: address first, then domain."""

from __future__ import annotations

import pytest

from crm.outreach import suppression
from tests.outreach.factories import SuppressionFactory

pytestmark = pytest.mark.both_databases

ENTRIES = [("address", "ann@shop.example.com"), ("domain", "example.com"), ("domain", "b.garden.co.uk"),
           ("domain", "cook.org"), ("domain", "deep.blog.net")]
ADDRESSES = ["Ann@Shop.Example.com", "bob@shop.example.com", "cy@example.com", "di@a.b.garden.co.uk",
             "ed@b.garden.co.uk", "fay@garden.co.uk", "gus@cook.org", "hal@x.cook.org", "ivy@blog.net",
             "jo@sub.deep.blog.net", "kim@elsewhere.io", "lee@no-host"]


def _alone(entries: dict, address: str):
    """What one address gets, worked out the long way: its own entry, else its host's, else its registrable's."""
    normal = suppression.normalise_address(address)
    if ("address", normal) in entries:
        return entries["address", normal]
    return next((entries["domain", d] for d in suppression.domains_of(normal) if ("domain", d) in entries), None)


def test_find_many_matches_each_address_looked_up_alone(app, team):
    with app.app_context():
        entries = {(kind, value): SuppressionFactory(workspace_id=team.workspace_id, kind=kind, value=value,
                                                     reason="manual").id for kind, value in ENTRIES}
        SuppressionFactory(workspace_id=team.rival_workspace_id, kind="domain", value="elsewhere.io", reason="manual")
        found = {a: row.id for a, row in suppression.find_many(team.workspace_id, ADDRESSES).items()}
        expected = {suppression.normalise_address(a): _alone(entries, a) for a in ADDRESSES}
        assert found == {a: hit for a, hit in expected.items() if hit is not None}
        assert found["ann@shop.example.com"] == entries["address", "ann@shop.example.com"]
        assert "di@a.b.garden.co.uk" not in found and "jo@sub.deep.blog.net" not in found  # not their host's domain
        assert "kim@elsewhere.io" not in found  # Rival's entry
