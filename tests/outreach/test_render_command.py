"""`flask outreach render` prints what a contact would get, with every blocker named, and sends or saves nothing."""

import json

import pytest
from sqlalchemy import func, select

from crm.campaigns.models import Campaign
from crm.extensions import db
from crm.outreach.models import Enrollment, OutboundMessage
from crm.prospects.models import Contact
from tests.outreach.factories import TemplateFactory
from tests.outreach.world import build

pytestmark = pytest.mark.both_databases


def _render(runner, *args):
    result = runner.invoke(args=["outreach", "render", "--workspace", "Acme", *args])
    return result, (json.loads(result.output) if result.exit_code == 0 else None)


def test_render_a_saved_template_for_a_campaign_contact(ctx, team, runner):
    world = build(team.workspace_id, people=1)
    contact = db.session.get(Contact, world.contact_ids[0])
    contact.first_name, contact.custom_fields = "Ana", {"budget": "150"}
    campaign = db.session.get(Campaign, world.campaign_id)
    TemplateFactory(workspace_id=team.workspace_id, name="Budget pitch", subject="For {{ site_domain }}",
                    body="Hi {{ first_name }}, {{ custom.budget }} / {{ contact.custom.budget }} "
                         "for {{ target_url }}. {{ custom.deadline | default('No rush') }}.")
    db.session.commit()
    result, out = _render(runner, "--template", "Budget pitch", "--contact", contact.email.upper(),
                          "--campaign", campaign.name)
    assert result.exit_code == 0, result.output
    assert out["problems"] == []
    assert out["subject"] == f"For {contact.site.domain}"
    assert out["text"].startswith("Hi Ana, 150 / 150 for https://") and "No rush." in out["text"]
    assert "Unsubscribe" in out["text"] or "unsubscribe" in out["text"]
    assert out["html"].startswith("<") and "Hi Ana" in out["html"]
    assert db.session.scalar(select(func.count(OutboundMessage.id))) == 0
    assert db.session.scalar(select(func.count(Enrollment.id))) == 0


def test_inline_template_names_each_empty_field_and_the_blocked_contact(ctx, team, runner):
    world = build(team.workspace_id, people=1)
    contact = db.session.get(Contact, world.contact_ids[0])
    contact.status = "bounced"
    db.session.commit()
    result, out = _render(runner, "--subject", "Hi {{ custom.niche }}", "--body", "{{ oops }}",
                          "--contact", contact.email)
    assert result.exit_code == 0, result.output
    fields = {p["field"]: p["why"] for p in out["problems"]}
    assert "is empty for this contact" in fields["custom.niche"]
    assert "unknown merge field" in fields["oops"]
    assert "marked bounced" in fields["contact"]
    assert out["text"] == ""


def test_render_refuses_what_does_not_exist(ctx, team, runner):
    build(team.workspace_id, people=1)
    result, _ = _render(runner, "--template", "Nope", "--contact", "nobody@example.com")
    assert result.exit_code != 0 and "no contact" in result.output
    result, _ = _render(runner, "--template", "x", "--subject", "s", "--contact", "a@b.c")
    assert result.exit_code != 0 and "either --template" in result.output
