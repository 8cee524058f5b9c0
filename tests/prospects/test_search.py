"""Sites list search: domain fragment, note, tag or contact email, kept in step with every write."""

from __future__ import annotations

import pytest

from crm.extensions import db
from crm.prospects import bulk, contacts, filters, listing, merging, sites
from crm.prospects.importing.service import ImportOptions, run
from tests.accounts.factories import WorkspaceFactory
from tests.prospects.samples import sample_bytes
from tests.prospects.support import csv_bytes

pytestmark = pytest.mark.both_databases


@pytest.fixture
def ws(ctx):
    return WorkspaceFactory().id


def found(workspace_id: int, q: str) -> list[str]:
    """Domains the list shows for a search, in domain order, and the count it shows agrees.

    The same page read as a broad search (more matches than the count reads, so a page walks the sort index)
    must show the same sites.
    """
    f = filters.parse({"q": q, "sort": "domain"})
    page = listing.page_of(workspace_id, f)
    assert page.counted == len(page.items)
    shown = [s.domain for s in page.items]
    assert [s.domain for s in listing.page_of(workspace_id, f, cap=0).items] == shown
    return shown


def _edit(site, **changes) -> None:
    values = {"status": site.status, "owner_id": site.owner_id, "name": site.name, "homepage": site.homepage,
              "notes": site.notes, "tags_text": ", ".join(t.name for t in site.tags), "actor_id": None}
    sites.update(site, **{**values, **changes})


def test_a_new_site_is_found_by_domain_note_tag_and_email(ws):
    site = sites.create(ws, "https://www.quietpedals.com/about", None)
    _edit(site, notes="Editor prefers Tuesday pitches", tags_text="Cycling, Tier A")
    contacts.add(site, "Mara.Quill@QuietPedals.com")
    sites.create(ws, "loudwheels.net", None)
    assert found(ws, "etpeda") == ["quietpedals.com"]  # inside the domain
    assert found(ws, "TUESDAY PITCH") == ["quietpedals.com"]  # a note, any case
    assert found(ws, "tier a") == ["quietpedals.com"]  # a tag
    assert found(ws, "mara.quill@") == ["quietpedals.com"]  # a contact's address or a piece of it
    assert found(ws, "quill@quietpedals.com") == ["quietpedals.com"]
    assert found(ws, "wheels") == ["loudwheels.net"]
    assert found(ws, ".com") == ["quietpedals.com"] and found(ws, ".net") == ["loudwheels.net"]


def test_changed_values_are_found_and_old_ones_are_not(ws):
    site = sites.create(ws, "quietpedals.com", None)
    _edit(site, notes="Likes infographics", tags_text="Cycling")
    contact = contacts.add(site, "mara@quietpedals.com")
    _edit(site, notes="Wants a fee now", tags_text="Paid")
    contacts.update(contact, email="editor@quietpedals.com", first_name="", last_name="", position="", status="ok")
    assert found(ws, "infographic") == [] and found(ws, "fee now") == ["quietpedals.com"]
    assert found(ws, "cycling") == [] and found(ws, "paid") == ["quietpedals.com"]
    assert found(ws, "mara@") == [] and found(ws, "editor@") == ["quietpedals.com"]
    contacts.delete(contact)
    assert found(ws, "editor@") == []
    _edit(site, tags_text="")
    assert found(ws, "paid") == []


def test_bulk_tags_and_renamed_tags_are_found(ws):
    one, two = sites.create(ws, "quietpedals.com", None), sites.create(ws, "loudwheels.net", None)
    bulk.apply(ws, "tag", site_ids=[one.id, two.id], value="Spring push")
    assert found(ws, "spring") == ["loudwheels.net", "quietpedals.com"]
    bulk.apply(ws, "untag", site_ids=[two.id], value="Spring push")
    db.session.commit()
    assert found(ws, "spring") == ["quietpedals.com"]
    (tag,) = one.tags
    tag.name = "Autumn push"
    db.session.commit()
    assert found(ws, "spring") == [] and found(ws, "autumn") == ["quietpedals.com"]


def test_deleted_and_merged_sites_are_no_longer_found(ws):
    keep, drop = sites.create(ws, "quietpedals.com", None), sites.create(ws, "quietpedals.org", None)
    contacts.add(drop, "ivy@inkwell.io")
    _edit(drop, tags_text="Sister blog")
    merging.merge(keep, drop)
    assert found(ws, "pedals.org") == []  # the dropped domain
    assert found(ws, "ivy@") == ["quietpedals.com"]  # its contact moved to the site kept (by one UPDATE)
    assert found(ws, "sister") == ["quietpedals.com"]  # and its tag
    gone = sites.create(ws, "loudwheels.net", None)
    contacts.add(gone, "ops@loudwheels.net")
    db.session.delete(gone)
    db.session.commit()
    assert found(ws, "wheels") == [] and found(ws, "ops@loud") == []
    again = sites.create(ws, "newspokes.io", None)  # may take the deleted site's id: nothing of the old one shows
    assert found(ws, "ops@loud") == [] and found(ws, "spokes") == [again.domain]


def test_imported_sites_are_found(ws):
    run(ws, sample_bytes("pitchbox-partner-import.csv"), ImportOptions(tags=("June batch",)))
    run(ws, csv_bytes("Website,Email,Notes", "gearbarn.co.uk,Sales@GearBarn.co.uk,Met at the trade fair"),
        ImportOptions())
    assert found(ws, "velocol") == ["velocollege.edu"]
    assert found(ws, "webmaster@") == ["velocollege.edu"]
    assert found(ws, "community") == ["pedalpost.org"]  # the file's category became a tag
    assert found(ws, "june batch") == ["chainline.net", "pedalpost.org", "spokewise.com", "velocollege.edu"]
    assert found(ws, "sales@gear") == ["gearbarn.co.uk"]


def test_short_text_matches_the_start_of_the_domain(ws):
    for domain in ("ab-bikes.com", "cab.net", "abacus.org"):
        sites.create(ws, domain, None)
    assert found(ws, "ab") == ["ab-bikes.com", "abacus.org"]
    assert found(ws, "A") == ["ab-bikes.com", "abacus.org"]
    assert found(ws, "ab.") == ["cab.net"]


@pytest.mark.parametrize("q", ['"', '""', '"pedal', "pedal*", "*", "NEAR(pedal wheel)", "pedal NEAR wheel",
                               "-pedal", "pedal -wheel", "pedal OR wheel", "pedal AND", "NOT", "doc:pedal",
                               "^pedal", "(pedal", "pedal)", "{doc}: x", "%", "%%%", "_", "___", "\\", "\\%",
                               "o'brien", "'; DROP TABLE site; --", "\u00e9t\u00e9", "\u4e2d\u6587\u7ad9"])
def test_special_characters_never_fail_and_match_themselves(ws, q):
    plain = sites.create(ws, "pedalwheel.com", None)
    _edit(plain, notes="pedal wheel and pedalwheel")
    literal = sites.create(ws, "literal.org", None)
    _edit(literal, notes=f"the text is [{q}] exactly")
    expected = ["literal.org"]
    if len(q) < 3:  # too short for a substring: the start of a domain, and no domain starts with these
        expected = []
    assert found(ws, q) == expected


def test_other_workspaces_are_never_searched(ws):
    site = sites.create(ws, "quietpedals.com", None)
    _edit(site, notes="secret rates")
    other = WorkspaceFactory().id
    theirs = sites.create(other, "quietpedals.com", None)
    contacts.add(theirs, "boss@quietpedals.com")
    assert found(other, "secret") == [] and found(ws, "boss@") == []
    assert found(other, "pedals") == ["quietpedals.com"] and found(ws, "pedals") == ["quietpedals.com"]


@pytest.mark.parametrize("sort", ["dr", "contacted", "domain", "added"])
def test_a_broad_search_pages_like_a_narrow_one(ws, sort):
    """Many matches are read along the sort index: every page holds the same sites, in the same order."""
    expected = set()
    for n in range(23):
        if n % 3 != 2 or n % 5 == 0:  # a domain, a note or a tag with "garden" in it
            expected.add(f"{'garden' if n % 3 == 0 else 'shed'}{n}.com")
        site = sites.create(ws, f"{'garden' if n % 3 == 0 else 'shed'}{n}.com", None)
        _edit(site, notes="Garden club member" if n % 3 == 1 else "", tags_text="Gardens" if n % 5 == 0 else "")
        site.dr = None if n % 4 == 0 else (n * 7) % 50
        site.last_contacted_at = None if n % 2 else site.created_at
    sites.create(ws, "unrelated.net", None)
    db.session.commit()
    for desc in (True, False):
        pages = []
        for number in range(1, 5):
            f = filters.SiteFilter(q="GARDEN", sort=sort, desc=desc, page=number, per_page=5)
            narrow, broad = listing.page_of(ws, f), listing.page_of(ws, f, cap=3)
            assert broad.capped and broad.total == "3+" and not narrow.capped
            assert [s.id for s in broad.items] == [s.id for s in narrow.items]
            pages += [s.domain for s in narrow.items]
        assert len(pages) == len(expected) and set(pages) == expected  # every match once, "unrelated" never


def test_a_broad_search_with_accented_text_still_ignores_case(ws):
    for n in range(4):
        _edit(sites.create(ws, f"cafe{n}.fr", None), notes="Écrit pour le Café du coin")
    _edit(sites.create(ws, "autre.fr", None), notes="rien")
    f = filters.SiteFilter(q="éCRIT POUR", sort="domain", desc=False)
    assert [s.domain for s in listing.page_of(ws, f, cap=1).items] == [f"cafe{n}.fr" for n in range(4)]
