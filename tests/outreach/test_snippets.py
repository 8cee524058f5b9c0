"""Saved snippets: managed per workspace on their page, offered in the composer, inserted by the inbox script."""

import pytest
from sqlalchemy import select

from crm.extensions import db
from crm.outreach import snippets
from crm.outreach.models import Snippet, Thread
from tests.conftest import csrf_token
from tests.outreach.test_inbound_webhook import sent  # noqa: F401 - the fixture: pitches sent
from tests.outreach.webhooks import inbound_url, parse_form

pytestmark = pytest.mark.both_databases


def _add(client, name, body):
    return client.post("/inbox/snippets", data={"name": name, "body": body,
                                                "csrf_token": csrf_token(client, "/inbox/snippets")})


def _names(app, workspace_id):
    with app.app_context():
        return [s.name for s in snippets.of_workspace(workspace_id)]


def test_members_add_change_and_remove_snippets_and_names_stay_unique(app, as_role, team):
    member = as_role("member")
    assert _add(member, "Rates", "Our rates:\n- guest post: 200 EUR").status_code == 302
    assert _add(member, "Availability", "We can write it next week.").status_code == 302
    page = member.get("/inbox/snippets").get_data(as_text=True)
    assert "Our rates:\n- guest post: 200 EUR" in page and page.find("Availability") < page.find("Rates")
    clash = _add(member, "  rates ", "Another text")
    assert clash.status_code == 400 and "There is already a snippet called &#39;rates&#39;." in clash.get_data(
        as_text=True)
    empty = _add(member, "Blank", "   ")
    assert empty.status_code == 400
    with app.app_context():
        rates = db.session.scalar(select(Snippet).where(Snippet.name == "Rates"))
        rates_id = rates.id
    assert "Our rates:" in member.get(f"/inbox/snippets/{rates_id}").get_data(as_text=True)
    token = csrf_token(member, "/inbox/snippets")
    member.post(f"/inbox/snippets/{rates_id}", data={"name": "Rates", "body": "New rates", "csrf_token": token})
    with app.app_context():
        assert db.session.get(Snippet, rates_id).body == "New rates"
    member.post(f"/inbox/snippets/{rates_id}/delete", data={"csrf_token": token})
    assert _names(app, team.workspace_id) == ["Availability"]


def test_viewers_read_snippets_but_cannot_change_them(app, as_role, team):
    _add(as_role("member"), "Rates", "Our rates")
    viewer = as_role("viewer")
    page = viewer.get("/inbox/snippets").get_data(as_text=True)
    assert "Our rates" in page and "Save snippet" not in page
    assert _add(viewer, "Mine", "Viewer text").status_code == 403
    assert _names(app, team.workspace_id) == ["Rates"]


def test_another_workspaces_snippets_are_not_listed_or_offered(app, client, as_role, team, sent):  # noqa: F811
    with app.app_context():
        snippets.save(team.rival_workspace_id, "Rival pitch", "Secret rival wording")
    _add(as_role("member"), "Rates", "Our rates are <b>fair</b>")
    row = sent[0]
    form = parse_form(row, headers={"In-Reply-To": row.message_id_header})
    assert client.post(inbound_url(app, row.workspace_id), data=form).json["result"] == "stored"
    with app.app_context():
        thread_id = db.session.scalar(select(Thread.id).where(Thread.contact_id == row.contact_id,
                                                              Thread.opportunity_id == row.opportunity_id))
    composer = as_role("member").get(f"/inbox/threads/{thread_id}").get_data(as_text=True)
    assert '<template id="snippet-' in composer and "Our rates are &lt;b&gt;fair&lt;/b&gt;</template>" in composer
    assert 'class="btn btn-sm btn-outline-secondary js-insert-snippet"' in composer
    assert "Secret rival wording" not in composer and "Rival pitch" not in composer
    assert "Secret rival wording" not in as_role("owner").get("/inbox/snippets").get_data(as_text=True)
