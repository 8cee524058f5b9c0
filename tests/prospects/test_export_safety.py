"""The sites export is safe to open in a spreadsheet, whatever text sites carry; and pages obey the page rules."""

from __future__ import annotations

import csv
import io
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crm.csvexport import unneutralise
from crm.extensions import db
from crm.prospects.models import Site
from tests.prospects.factories import ContactFactory, SiteFactory, TagFactory
from tests.web.test_security import INLINE_HANDLER, INLINE_SCRIPT, STYLE_ATTRIBUTE

FORMULA_START = set("=+-@\uff1d\uff0b\uff0d\uff20")
CELL_TRIGGERS = FORMULA_START | set("\t\r\n")
# Text a database stores: no NUL, no lone surrogates.
TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=60)
ATTACKS = st.sampled_from(["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "\n=1",
                           " =1", "'=1", "\uff1d1", "=cmd|' /C calc'!A0"])
DANGEROUS = st.one_of(TEXT, st.builds(lambda a, b: a + b, ATTACKS, TEXT))


@pytest.fixture
def exporter(app, team, as_role):
    with app.app_context():
        site = SiteFactory(workspace_id=team.workspace_id, domain="safe.com")
        return as_role("viewer"), site.id


def _cells(client, url="/sites/export") -> list[list[str]]:
    text = client.get(url).get_data(as_text=True).lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text, newline="")))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=DANGEROUS, notes=DANGEROUS)
def test_no_exported_cell_can_run_as_a_formula(app, exporter, name, notes):
    client, site_id = exporter
    with app.app_context():
        site = db.session.get(Site, site_id)
        site.name, site.notes = name[:200], notes
        db.session.commit()
    header, row = _cells(client)
    for cell in row:
        assert not cell or cell[0] not in CELL_TRIGGERS, repr(cell)
        assert cell.lstrip(" \t\r\n\u00a0\u3000")[:1] not in FORMULA_START, repr(cell)
    assert unneutralise(row[header.index("Name")]) == name[:200]
    assert unneutralise(row[header.index("Notes")]) == notes


def test_tags_and_emails_are_neutralised_too(app, team, as_role):
    with app.app_context():
        site = SiteFactory(workspace_id=team.workspace_id, domain="tagged.com")
        site.tags = [TagFactory(workspace_id=team.workspace_id, name="=1+1")]
        ContactFactory(site=site, email="-x@tagged.com")
        db.session.commit()
    header, row = _cells(as_role("viewer"))
    assert row[header.index("Tags")] == "'=1+1" and row[header.index("Emails")] == "'-x@tagged.com"


@pytest.mark.parametrize("path", ["/sites", "/sites/import", "/sites/{id}", "/sites?q=nothing"])
def test_pages_have_no_inline_script_handlers_styles_or_placeholders(app, team, as_role, path):
    with app.app_context():
        site_id = SiteFactory(workspace_id=team.workspace_id, domain="page.com", dr=5).id
    html = as_role("owner").get(path.format(id=site_id)).get_data(as_text=True)
    assert not INLINE_SCRIPT.search(html) and not INLINE_HANDLER.search(html) and not STYLE_ATTRIBUTE.search(html)
    assert not re.search(r"\splaceholder\s*=", html)
