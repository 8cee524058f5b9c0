"""Once a workspace defines custom fields, a template naming a key it lacks is refused, with the closest key named."""

import json

import pytest
from sqlalchemy import func, select

from crm.extensions import db
from crm.outreach import library
from crm.outreach.models import Template
from crm.prospects.fielddefs import defined_keys
from crm.prospects.models import Contact, Site
from tests.conftest import csrf_token
from tests.outreach.world import build
from tests.prospects.factories import CustomFieldFactory

pytestmark = pytest.mark.both_databases


def _render(runner, *args):
    result = runner.invoke(args=["outreach", "render", "--workspace", "Acme", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _save(team, body: str):
    """Save a template as the template page does, with the workspace's custom field keys handed down."""
    return library.save_template(team.workspace_id, None, "Pitch", "Hi", body, defined_keys(team.workspace_id))


def test_a_misspelt_key_is_refused_at_save_naming_the_closest(ctx, team):
    CustomFieldFactory(workspace_id=team.workspace_id, entity="contact", key="budget", label="Budget")
    with pytest.raises(library.LibraryError) as caught:
        _save(team, "We pay {{ custom.budjet }}.")
    assert "custom.budjet" in str(caught.value) and "did you mean custom.budget?" in str(caught.value)
    assert db.session.scalar(select(func.count(Template.id))) == 0
    saved, _ = _save(team, "We pay {{ custom.budget }}.")
    assert saved.id


def test_keys_without_definitions_behave_as_before(ctx, team):
    saved, _ = _save(team, "{{ custom.anything | default('x') }}")
    assert saved.id


def test_a_scoped_key_is_checked_against_that_record_only(ctx, team):
    CustomFieldFactory(workspace_id=team.workspace_id, entity="site", key="niche", label="Niche")
    CustomFieldFactory(workspace_id=team.workspace_id, entity="contact", key="budget", label="Budget")
    with pytest.raises(library.LibraryError) as caught:
        _save(team, "{{ site.custom.budget }}")
    assert "site.custom.budget is not a defined custom field" in str(caught.value)


def test_dry_render_names_the_misspelt_key_and_renders_the_defined_one(ctx, team, runner):
    world = build(team.workspace_id, people=1)
    contact = db.session.get(Contact, world.contact_ids[0])
    site = db.session.get(Site, contact.site_id)
    CustomFieldFactory(workspace_id=team.workspace_id, entity="site", key="budget", label="Budget", type="number")
    site.custom_fields = {"budget": 150}
    db.session.commit()
    out = _render(runner, "--subject", "Hi", "--body", "We pay {{ custom.budjet }}", "--contact", contact.email)
    assert out["problems"] == [{"field": "custom.budjet",
                                "why": "custom.budjet is not a defined custom field; did you mean custom.budget?"}]
    assert out["text"] == ""
    out = _render(runner, "--subject", "Hi", "--body", "We pay {{ custom.budget }}", "--contact", contact.email)
    assert out["problems"] == [] and out["text"].startswith("We pay 150")


def test_values_set_on_the_pages_reach_the_render_contact_then_opportunity_then_site(app, team, runner, as_role):
    from crm.campaigns.models import Campaign

    with app.app_context():
        world = build(team.workspace_id, people=1)
        for entity in ("site", "opportunity", "contact"):
            CustomFieldFactory(workspace_id=team.workspace_id, entity=entity, key="angle", label=f"{entity} angle")
        CustomFieldFactory(workspace_id=team.workspace_id, entity="site", key="budget", label="Budget", type="number")
        db.session.commit()
        campaign = db.session.get(Campaign, world.campaign_id).name
        contact_id = world.contact_ids[0]
        email, site_id, opp_id = db.session.get(Contact, contact_id).email, world.site_ids[0], world.opportunity_ids[0]
    client = as_role("member")
    token = csrf_token(client, f"/sites/{site_id}")
    client.post(f"/sites/{site_id}/custom", data={"csrf_token": token, "cf_angle": "site", "cf_budget": "90"})
    refused = client.post(f"/campaigns/opportunities/{opp_id}/custom",
                          data={"csrf_token": token, "cf_angle": "x" * 2001}, follow_redirects=True)
    assert "at most 2000 characters" in refused.get_data(as_text=True)
    client.post(f"/campaigns/opportunities/{opp_id}/custom", data={"csrf_token": token, "cf_angle": "card"})
    body = "{{ custom.angle }} / {{ site.custom.angle }} / {{ custom.budget }}"
    with app.app_context():
        out = _render(runner, "--subject", "Hi", "--body", body, "--contact", email, "--campaign", campaign)
        assert out["problems"] == [] and out["text"].startswith("card / site / 90")
        db.session.get(Contact, contact_id).custom_fields = {"angle": "personal"}
        db.session.commit()
        out = _render(runner, "--subject", "Hi", "--body", body, "--contact", email, "--campaign", campaign)
        assert out["text"].startswith("personal / site / 90")
