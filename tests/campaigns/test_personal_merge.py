"""The personal line and fallbacks behave the same in the preview, the launch checklist, the CLI and the outbox."""

from __future__ import annotations

import html
import json
import re

import pytest
from sqlalchemy import select

from crm.campaigns.models import Campaign, Opportunity
from crm.extensions import db
from crm.outreach.models import OutboundMessage, Suppression
from crm.prospects.models import Contact
from tests.campaigns.factories import OpportunityFactory
from tests.conftest import csrf_token
from tests.outreach.world import build
from tests.prospects.factories import ContactFactory, SiteFactory

pytestmark = pytest.mark.both_databases

SUBJECT = "A thought for {{ site_domain }}"
BODY = ("Hi {{ first_name | default(\"there\") }},\n\n{{ personal_line }}\n\n"
        "Budget: {{ custom.budget | default(\"flexible\") }}\n{{ personal_ps | default(\"\") }}")
SOFT_BODY = "{{ personal_line | default(\"I enjoyed your site.\") }} {{ personal_ps | default(\"P.S. Thanks!\") }}"


def _world(workspace_id: int, body: str = BODY):
    """A campaign of two cards with a contact, the first with a personal line and P.S.; its sequence mails `body`."""
    world = build(workspace_id, people=2, steps=((0, (SUBJECT, body)),))
    first = db.session.get(Opportunity, world.opportunity_ids[0])
    first.personal_line, first.personal_ps = "Your compost guide changed my spring.", "P.S. Love the cat photo."
    db.session.get(Contact, world.contact_ids[0]).first_name = ""
    db.session.commit()
    return world


def _preview(client, campaign_id: int, contact_id: int, body: str) -> str:
    token = csrf_token(client, "/outreach/templates/new")
    response = client.post("/outreach/templates/preview", data={
        "csrf_token": token, "name": "t", "subject": SUBJECT, "body": body, "recipient": f"{campaign_id}:{contact_id}"})
    return html.unescape(response.get_data(as_text=True))


def test_the_preview_shows_the_cards_line_and_every_fallback(app, as_role, team):
    with app.app_context():
        world = _world(team.workspace_id)
    member = as_role("member")
    shown = _preview(member, world.campaign_id, world.contact_ids[0], BODY)
    assert "Hi there," in shown and "Your compost guide changed my spring." in shown
    assert "Budget: flexible" in shown and "P.S. Love the cat photo." in shown and "unknown merge field" not in shown
    soft = _preview(member, world.campaign_id, world.contact_ids[1], SOFT_BODY)
    assert "I enjoyed your site. P.S. Thanks!" in soft and "unknown merge field" not in soft
    blank = _preview(member, world.campaign_id, world.contact_ids[1], BODY)
    assert "{{ personal_line }} is empty for this contact and has no fallback" in blank


def test_the_render_command_agrees_with_the_preview(app, runner, team):
    with app.app_context():
        world = _world(team.workspace_id)
        first, second = (db.session.get(Contact, cid).email for cid in world.contact_ids)
        campaign = db.session.get(Opportunity, world.opportunity_ids[0]).campaign.name

    def render(email, body):
        result = runner.invoke(args=["outreach", "render", "--workspace", "Acme", "--subject", SUBJECT, "--body", body,
                                     "--contact", email, "--campaign", campaign])
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    good = render(first, BODY)
    assert good["problems"] == [] and "Your compost guide changed my spring." in good["text"]
    assert "I enjoyed your site." in render(second, SOFT_BODY)["text"]
    blocked = render(second, BODY)
    assert [p["field"] for p in blocked["problems"]] == ["personal_line"] and blocked["text"] == ""


def _rows(page: str) -> list[list[str]]:
    """The reason codes of each row of the launch checklist."""
    table = page.split('id="checklist"', 1)[1].split("</table>", 1)[0]
    return [codes.split() for codes in re.findall(r'<tr class="[^"]*" data-codes="([^"]*)"', table)]


def test_the_checklist_names_every_card_it_skips_and_its_counts_are_its_rows(app, as_role, team):
    with app.app_context():
        ws = team.workspace_id
        world = _world(ws)  # card 1 is ready; card 2 has no personal line: a missing field
        campaign_id = world.campaign_id
        campaign = db.session.get(Campaign, campaign_id)

        def card(email=None):
            site = SiteFactory(workspace_id=ws)
            contact = ContactFactory(workspace_id=ws, site=site, email=email) if email is not None else None
            return OpportunityFactory(workspace_id=ws, campaign=campaign, site=site, personal_line="Hello!",
                                      contact=contact)

        bare = card()
        card("")
        card("not-an-address")
        blocked = card("gone@unsubscribed.example")
        db.session.add(Suppression(workspace_id=ws, kind="address", value="gone@unsubscribed.example",
                                   reason="unsubscribe"))
        db.session.commit()
        bare_domain, missing_email = bare.site.domain, db.session.get(Contact, world.contact_ids[1]).email
        assert blocked.contact_id
    member = as_role("member")
    page = html.unescape(member.get(f"/campaigns/{campaign_id}/launch").get_data(as_text=True))
    rows = _rows(page)
    assert sorted(code for codes in rows for code in codes) == sorted(
        ["missing_field", "no_contact", "no_email", "invalid_email", "suppressed"])
    assert bare_domain in page and "The card has no contact" in page
    assert f"{{{{ personal_line }}}} is empty for {missing_email} and has no fallback" in page
    ready = int(re.search(r'data-count="ready"><strong>(\d+)</strong>', page).group(1))
    skipped = int(re.search(r'data-count="skipped"><strong>(\d+)</strong>', page).group(1))
    assert (ready, skipped) == (sum(1 for r in rows if not r), sum(1 for r in rows if r)) == (1, 5)
    shown = {code: int(n) for code, n in re.findall(r'data-reason="(\w+)">[^<:]+: (\d+)</span>', page)}
    assert shown == {code: sum(code in r for r in rows) for r in rows for code in r}
    done = member.post(f"/campaigns/{campaign_id}/launch", data={"csrf_token": csrf_token(member, "/tasks")},
                       follow_redirects=True).get_data(as_text=True)
    assert "Launched: 1 first pitch(es) queued, 5 recipient(s) skipped" in done
    with app.app_context():
        (message,) = db.session.scalars(select(OutboundMessage)).all()
        assert message.body_text.startswith("Hi there,\n\nYour compost guide changed my spring.\n\nBudget: flexible\n"
                                            "P.S. Love the cat photo.")
