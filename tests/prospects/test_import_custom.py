"""Imports fill custom fields (CLI --map and the mapping page), keep contacts' profiles and verdicts, and metrics."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from crm.extensions import db
from crm.prospects.models import Contact, CustomField, Site, SiteMetric
from tests.accounts.factories import WorkspaceFactory
from tests.conftest import csrf_token
from tests.prospects.samples import SAMPLES, sample_bytes
from tests.prospects.support import counts, csv_bytes
from tests.prospects.test_import_pages import _upload

HUNTER = SAMPLES / "hunter-domain-search-unverified.csv"
HUNTER_HEADER = ("Email address,First name,Last name,Position,Department,Seniority,LinkedIn URL,Twitter handle,"
                 "Phone number,Type,Confidence score,Verification status,Domain name,Organization")


@pytest.fixture
def acme(app):
    with app.app_context():
        return WorkspaceFactory(name="Acme Shoes").id


def _json(result) -> dict:
    assert result.exit_code == 0, result.output
    return json.loads(result.output.strip())


def _import(runner, path, *extra) -> dict:
    return _json(runner.invoke(args=["import", str(path), "--workspace", "Acme Shoes", *extra]))


def _contacts(workspace_id: int) -> dict[str, Contact]:
    return {c.email: c for c in db.session.scalars(select(Contact).where(Contact.workspace_id == workspace_id))}


def _fields(workspace_id: int) -> set[tuple[str, str, str, str]]:
    rows = db.session.scalars(select(CustomField).where(CustomField.workspace_id == workspace_id))
    return {(f.entity, f.key, f.label, f.type) for f in rows}


@pytest.mark.both_databases
def test_hunter_profiles_and_verdicts_are_kept(app, runner, acme):
    _import(runner, HUNTER)
    with app.app_context():
        people = _contacts(acme)
        olga = people["olga.finch@cranksmith.com"]
        assert olga.linkedin_url == "https://www.linkedin.com/in/cranksmith-olga" and olga.twitter == "cranksmith_olga"
        assert {e: c.email_verification for e, c in people.items()} == {
            "olga.finch@cranksmith.com": "valid", "b.nash@cranksmith.com": "accept_all",
            "press@cranksmith.com": "valid", "d.reyes@cranksmith.com": "unknown", "hello@cranksmith.com": "valid"}
        assert people["b.nash@cranksmith.com"].linkedin_url == "" and people["b.nash@cranksmith.com"].twitter == ""


@pytest.mark.both_databases
def test_map_into_custom_fields_of_a_recognised_export(app, runner, acme):
    dry = _import(runner, HUNTER, "--dry-run", "--map", "Seniority=custom.seniority",
                  "--map", "Department=site.custom.desk")
    assert dry["format"] == "hunter_domain_search"  # still the export it is, with two more columns
    assert dry["custom_fields"] == ["desk", "seniority"] and dry["custom_fields_created"] == ["desk", "seniority"]
    with app.app_context():
        assert _fields(acme) == set() and counts(acme)["contacts"] == 0
    out = _import(runner, HUNTER, "--map", "Seniority=custom.seniority", "--map", "Department=site.custom.desk")
    assert out["custom_fields"] == ["desk", "seniority"] and out["contacts"]["new"] == 5
    with app.app_context():
        assert _fields(acme) == {("contact", "seniority", "Seniority", "text"), ("site", "desk", "Department", "text")}
        people = _contacts(acme)
        assert people["olga.finch@cranksmith.com"].custom_fields["seniority"] == "senior"
        assert "seniority" not in (people["press@cranksmith.com"].custom_fields or {})  # its cell is empty
        site = db.session.scalar(select(Site).where(Site.workspace_id == acme))
        assert site.custom_fields == {"desk": "editorial"}
    again = _import(runner, HUNTER, "--map", "Seniority=custom.seniority")
    assert again["custom_fields_created"] == [] and (again["new"], again["updated"]) == (0, 0)


@pytest.mark.both_databases
def test_a_reimport_updates_custom_values_and_blanks_none(app, runner, acme, tmp_path):
    first = tmp_path / "first.csv"
    first.write_bytes(csv_bytes("Website,Email,Budget,Niche",
                                "https://spokesmag.com/,ann@spokesmag.com,150,cycling",
                                "https://gearsblog.org/,bo@gearsblog.org,90,tools"))
    _import(runner, first, "--map", "Budget=contact.custom.budget", "--map", "Niche=custom.niche")
    second = tmp_path / "second.csv"
    second.write_bytes(csv_bytes("Website,Email,Budget,Niche",
                                 "https://spokesmag.com/,ann@spokesmag.com,,",
                                 "https://gearsblog.org/,bo@gearsblog.org,120,"))
    out = _import(runner, second, "--map", "Budget=contact.custom.budget", "--map", "Niche=custom.niche")
    assert (out["new"], out["updated"], out["skipped"]) == (0, 1, 1)
    with app.app_context():
        people = _contacts(acme)
        assert people["ann@spokesmag.com"].custom_fields == {"budget": "150"}  # the empty cell blanked nothing
        assert people["bo@gearsblog.org"].custom_fields == {"budget": "120"}
        niches = {s.domain: s.custom_fields for s in db.session.scalars(select(Site).where(Site.workspace_id == acme))}
        assert niches == {"spokesmag.com": {"niche": "cycling"}, "gearsblog.org": {"niche": "tools"}}


def test_a_typed_field_refuses_what_is_not_its_type_and_says_so(app, runner, acme, tmp_path):
    with app.app_context():
        db.session.add(CustomField(workspace_id=acme, entity="site", key="price", label="Price", type="number",
                                   choices=[], position=1))
        db.session.commit()
    path = tmp_path / "prices.csv"
    path.write_bytes(csv_bytes("Website,Price", "https://apricot.com/,\"1,250\"", "https://bramble.net/,ask"))
    out = _import(runner, path, "--map", "Price=custom.price")
    assert out["custom_fields_created"] == [] and out["new"] == 2
    assert any(n["row"] == 3 and "'ask' is not a number" in n["message"] for n in out["notes"])
    with app.app_context():
        prices = {s.domain: s.custom_fields for s in db.session.scalars(select(Site).where(Site.workspace_id == acme))}
    assert prices == {"apricot.com": {"price": 1250}, "bramble.net": None}


def test_unrecognised_files_map_into_custom_fields_too(app, runner, acme, tmp_path):
    path = tmp_path / "odd.csv"
    path.write_bytes(csv_bytes("Outlet,Owner,Pitch angle", "https://mag.example.org/,ed@mag.example.org,Spring rides"))
    out = _import(runner, path, "--map", "Outlet=site_url", "--map", "Owner=email", "--map", "Pitch angle=custom.angle")
    assert out["format"] == "custom" and out["custom_fields"] == ["angle"]
    with app.app_context():
        assert _contacts(acme)["ed@mag.example.org"].site.custom_fields == {"angle": "Spring rides"}


@pytest.mark.parametrize(("pair", "message"), [
    ("Seniority=custom.2fast", "a custom field key starts with a letter"),
    ("Nowhere=custom.x", "The file has no column named 'Nowhere'"),
    ("Seniority=custom.dup", "both mapped to"),
])  # fmt: skip
def test_a_bad_custom_mapping_is_refused_and_nothing_is_written(app, runner, acme, pair, message):
    extra = ["--map", pair] + (["--map", "Department=custom.dup"] if "dup" in pair else [])
    result = runner.invoke(args=["import", str(HUNTER), "--workspace", "Acme Shoes", *extra])
    assert result.exit_code != 0 and message in result.output
    with app.app_context():
        assert counts(acme)["contacts"] == 0 and _fields(acme) == set()


def test_a_contact_field_needs_an_email_column(runner, acme, tmp_path):
    path = tmp_path / "sites.csv"
    path.write_bytes(csv_bytes("Website,Budget", "https://apricot.com/,10"))
    result = runner.invoke(args=["import", str(path), "--workspace", "Acme Shoes", "--map", "Budget=contact.custom.b"])
    assert result.exit_code != 0 and "no column holds the contact's email address" in result.output


@pytest.mark.both_databases
def test_ahrefs_dofollow_domains_and_spam_flag_reach_the_list_columns(app, runner, acme):
    _import(runner, SAMPLES / "ahrefs-refdomains-v3.csv")
    with app.app_context():
        sites = {s.domain: s for s in db.session.scalars(select(Site).where(Site.workspace_id == acme))}
        names = set(db.session.scalars(select(SiteMetric.name).where(SiteMetric.workspace_id == acme)))
    assert {"ref_domains_dofollow", "is_spam", "links_to_target_dofollow", "linked_domains_dofollow"} <= names
    assert all(s.ref_domains is not None and s.spam in (0, 100) for s in sites.values())


def test_batch_analysis_keeps_every_count_it_carries(app, runner, acme):
    _import(runner, SAMPLES / "ahrefs-batch-analysis.csv")
    with app.app_context():
        names = set(db.session.scalars(select(SiteMetric.name).where(SiteMetric.workspace_id == acme)))
    assert {"ref_domains_dofollow", "ref_domains_edu", "ref_domains_gov", "ref_ips", "ref_subnets",
            "backlinks_nofollow", "ahrefs_rank", "traffic", "keywords"} <= names


# The pages a marketer uses: the mapping step and the preview.

def test_the_mapping_step_says_what_it_recognised_in_words(as_role):
    client = as_role("member")
    preview = _upload(client, sample_bytes("ahrefs-refdomains-v3.csv")).location
    html = client.get(preview).get_data(as_text=True)
    assert "REF_DOMAINS_DOFOLLOW" not in html and "Dofollow referring domains" in html
    assert re.search(r"<td>Dofollow ref\. domains\s*</td><td class=\"small\">Site metric: Dofollow referring domains",
                     html)
    page = client.get(preview + "/map").get_data(as_text=True)
    assert "We did not recognise" not in page
    assert re.search(r"We recognised <strong>[^<]+</strong> as <strong>Ahrefs referring domains</strong>", page)
    assert "Site metric: Dofollow referring domains" in page and "New custom field on the contact" in page


@pytest.mark.both_databases
def test_a_column_becomes_a_new_custom_field_on_the_mapping_page(app, as_role, team):
    client = as_role("member")
    with app.app_context():
        db.session.add(CustomField(workspace_id=team.rival_workspace_id, entity="contact", key="rivalsecret",
                                   label="Rival secret", type="text", choices=[], position=1))
        db.session.add(CustomField(workspace_id=team.workspace_id, entity="contact", key="tier", label="Tier",
                                   type="text", choices=[], position=1))
        db.session.commit()
    map_url = _upload(client, sample_bytes("hunter-domain-search-unverified.csv")).location + "/map"
    page = client.get(map_url).get_data(as_text=True)
    assert '<option value="contact.custom.tier"' in page and "rivalsecret" not in page  # only this workspace's
    headers = HUNTER_HEADER.split(",")
    form = {"csrf_token": csrf_token(client, map_url)}
    recognised = {"Email address": "email", "First name": "first_name", "Last name": "last_name",
                  "Position": "position", "LinkedIn URL": "linkedin", "Twitter handle": "twitter",
                  "Type": "email_type", "Confidence score": "confidence", "Verification status": "verification",
                  "Domain name": "domain", "Organization": "site_name"}
    for i, header in enumerate(headers):
        form[f"col{i}"] = recognised.get(header, "")
        form[f"key{i}"] = ""
    form[f"col{headers.index('Seniority')}"] = "new.contact"  # key suggested from the header
    form[f"col{headers.index('Department')}"] = "contact.custom.tier"
    assert client.post(map_url, data={k: v for k, v in form.items() if k != "csrf_token"}).status_code == 400
    mapped = client.post(map_url, data=form)
    assert mapped.status_code == 302
    preview = client.get(mapped.location).get_data(as_text=True)
    assert "Hunter domain search" in preview and "The import creates the custom field(s) seniority" in preview
    assert "Contact custom field “seniority”" in preview
    client.post(mapped.location + "/run", data={"csrf_token": csrf_token(client, mapped.location)})
    with app.app_context():
        olga = _contacts(team.workspace_id)["olga.finch@cranksmith.com"]
        assert olga.custom_fields["seniority"] == "senior" and olga.custom_fields["tier"] == "editorial"
        assert ("contact", "seniority", "Seniority", "text") in _fields(team.workspace_id)
        assert _fields(team.rival_workspace_id) == {("contact", "rivalsecret", "Rival secret", "text")}
        site_id = olga.site_id
    page = client.get(f"/sites/{site_id}").get_data(as_text=True)
    assert 'href="https://www.linkedin.com/in/cranksmith-olga"' in page and "X @cranksmith_olga" in page
    assert "verified" in page and "accept-all domain" in page and "not verifiable" in page


def test_a_bad_new_field_key_is_said_on_the_mapping_page(app, as_role, team):
    client = as_role("member")
    map_url = _upload(client, sample_bytes("semrush-refdomains.csv")).location + "/map"
    form = {"csrf_token": csrf_token(client, map_url), "col0": "site.as", "col1": "domain", "col4": "new.site",
            "key4": "9 country"}
    response = client.post(map_url, data=form)
    assert response.status_code == 400 and "a custom field key starts with a letter" in response.get_data(as_text=True)
    with app.app_context():
        assert _fields(team.workspace_id) == set() and counts(team.workspace_id)["sites"] == 0
