"""Harmful-link review: flagged links with reasons, remembered decisions, the disavow file, roles."""

from __future__ import annotations

import codecs
import csv
import io

import pytest

from crm.extensions import db
from crm.links.models import Backlink
from crm.reports import harmful
from crm.reports.models import DisavowDecision
from tests.conftest import csrf_token
from tests.links.factories import BacklinkFactory


def _decide(client, backlink_id, scope, decision, comment=""):
    token = csrf_token(client, "/reports/harmful")
    return client.post("/reports/harmful/decisions", data={"csrf_token": token, "backlink_id": backlink_id,
                                                           "scope": scope, "decision": decision, "comment": comment})


@pytest.mark.both_databases
def test_flagged_links_grouped_by_domain_with_reasons(app, scenario):
    with app.app_context():
        groups = harmful.review(scenario.workspace_id)
    assert [(g.domain, [link.id for link in g.links]) for g in groups] == [
        ("casino-links.example", [scenario.links["spam"]]), ("thin.example", [scenario.links["exact2"]])]
    assert groups[0].reasons == ["casino content", "very low score (8 < 15)"]
    assert groups[1].links[0].url_key == "https://thin.example/p?id=7"
    assert all(g.undecided for g in groups)


@pytest.mark.both_databases
def test_decisions_are_remembered_updated_and_cleared(app, scenario, as_role, team):
    member = as_role("member")
    spam, thin = scenario.links["spam"], scenario.links["exact2"]
    assert _decide(member, spam, "domain", "disavow", "casino network").status_code == 302
    assert _decide(member, thin, "url", "keep").status_code == 302
    html = member.get("/reports/harmful").get_data(as_text=True)
    assert "casino-links.example: will be disavowed." in html or "Note: casino network" in html
    with app.app_context():
        rows = {(r.kind, r.value): (r.decision, r.comment, r.decided_by_id)
                for r in db.session.scalars(db.select(DisavowDecision))}
        assert rows == {("domain", "casino-links.example"): ("disavow", "casino network", team.user_ids["member"]),
                        ("url", "https://thin.example/p?id=7"): ("keep", "", team.user_ids["member"])}
        groups = harmful.review(scenario.workspace_id)
        assert not any(g.undecided for g in groups)
    _decide(member, spam, "domain", "keep")
    with app.app_context():
        assert [(r.decision, r.comment) for r in db.session.scalars(db.select(DisavowDecision)
                                                                    .where(DisavowDecision.kind == "domain"))] == [
            ("keep", "")]
    _decide(member, spam, "domain", "undecided")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(DisavowDecision)) == 1


@pytest.mark.both_databases
def test_a_remembered_domain_covers_new_links_from_it(app, scenario, as_role):
    _decide(as_role("member"), scenario.links["spam"], "domain", "disavow")
    with app.app_context():
        BacklinkFactory(workspace_id=scenario.workspace_id, source_url="https://blog.casino-links.example/new",
                        source_domain="blog.casino-links.example", status="live", score=3)
        db.session.commit()
        [group] = [g for g in harmful.review(scenario.workspace_id) if g.domain == "casino-links.example"]
        assert len(group.links) == 2 and group.decision.decision == "disavow" and not group.undecided


@pytest.mark.both_databases
def test_the_disavow_file_holds_the_chosen_domains_and_urls(app, scenario, as_role):
    member = as_role("member")
    _decide(member, scenario.links["spam"], "domain", "disavow")
    _decide(member, scenario.links["exact2"], "url", "disavow", "thin page\ndomain:injected.example")
    with app.app_context():
        BacklinkFactory(workspace_id=scenario.workspace_id, source_url="https://kept.example/a", status="live",
                        score=2)
        db.session.commit()
        kept = db.session.scalar(db.select(Backlink.id).where(Backlink.source_url == "https://kept.example/a"))
    _decide(member, kept, "domain", "keep")
    response = as_role("viewer").get("/reports/harmful/disavow.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    assert 'filename="disavow.txt"' in response.headers["Content-Disposition"]
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "# Disavow file for Acme" and lines[1].startswith("# Reviewed in Outreach CRM; exported ")
    assert lines[2:] == [
        "# casino content; very low score (8 < 15)",
        "domain:casino-links.example",
        "# thin page domain:injected.example",
        "https://thin.example/p?id=7",
    ]


def test_an_empty_disavow_file_is_only_the_header(scenario, as_role):
    lines = as_role("viewer").get("/reports/harmful/disavow.txt").get_data(as_text=True).splitlines()
    assert len(lines) == 2 and all(line.startswith("#") for line in lines)


def test_a_viewer_reads_but_cannot_decide(app, scenario, as_role):
    viewer = as_role("viewer")
    html = viewer.get("/reports/harmful").get_data(as_text=True)
    assert "casino-links.example" in html and "casino content" in html and "Disavow domain" not in html
    assert _decide(viewer, scenario.links["spam"], "domain", "disavow").status_code == 403
    with app.app_context():
        assert db.session.scalars(db.select(DisavowDecision)).all() == []
    assert "Disavow domain" in as_role("member").get("/reports/harmful").get_data(as_text=True)


def test_another_workspaces_link_or_a_bad_choice_changes_nothing(app, scenario, team, as_role):
    with app.app_context():
        rival = BacklinkFactory(workspace_id=team.rival_workspace_id, status="live", score=1).id
        db.session.commit()
    member = as_role("member")
    assert _decide(member, rival, "domain", "disavow").status_code == 404
    response = _decide(member, scenario.links["spam"], "everything", "disavow")
    assert "Choose disavow, keep or undecided" in member.get(response.headers["Location"]).get_data(as_text=True)
    _decide(member, scenario.links["spam"], "domain", "burn")
    with app.app_context():
        assert db.session.scalars(db.select(DisavowDecision)).all() == []


def test_the_rival_sees_only_its_own_flags(app, scenario, team):
    with app.app_context():
        assert [g.reasons for g in harmful.review(team.rival_workspace_id)] == [["pharma content"]]


def test_harmful_csv_is_spreadsheet_safe(app, scenario, as_role):
    with app.app_context():
        BacklinkFactory(workspace_id=scenario.workspace_id, source_url="https://evil.example/x", status="live",
                        score=50, harm_reasons=["=cmd|' /C calc'!A0"])
        db.session.commit()
    data = as_role("viewer").get("/reports/harmful.csv").get_data()
    rows = list(csv.reader(io.StringIO(data[len(codecs.BOM_UTF8):].decode())))
    assert rows[0][:3] == ["Domain", "Source URL", "Target URL"] and len(rows) == 4
    assert "'=cmd|' /C calc'!A0" in [row[5] for row in rows]
