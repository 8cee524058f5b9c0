"""The campaign's recipients as campaigns hands them down to outreach: prospects, their contact, and merge fields."""

from __future__ import annotations

import pytest

from crm.campaigns.recipients import campaign_recipients, with_contact
from tests.campaigns.factories import CampaignFactory, OpportunityFactory, TargetPageFactory
from tests.prospects.factories import ContactFactory, SiteFactory

pytestmark = pytest.mark.both_databases


def test_outreach_gets_the_prospects_with_a_contact_and_their_target_page(app, team):
    with app.app_context():
        ws = team.workspace_id
        campaign = CampaignFactory(workspace_id=ws)
        guide = TargetPageFactory(workspace_id=ws, campaign=campaign, url="https://shop.example/guide",
                                  anchors=["trail guide", "guide"])
        shoes = TargetPageFactory(workspace_id=ws, campaign=campaign, url="https://shop.example/shoes", anchors=[])

        def card(stage, page=None, contact=True, position=0):
            site = SiteFactory(workspace_id=ws, homepage="")
            person = ContactFactory(workspace_id=ws, site=site) if contact else None
            return OpportunityFactory(workspace_id=ws, campaign=campaign, site=site, stage=stage, position=position,
                                      contact_id=person.id if person else None,
                                      target_page_id=page.id if page else None)

        second = card("prospect", page=shoes, position=2)
        first = card("prospect", position=1)  # no target page chosen: the campaign's first one
        bare = card("prospect", contact=False, position=3)
        card("pitched", page=guide)
        card("declined")
        found = with_contact(ws, campaign.id)
        assert [r.opportunity_id for r in found] == [first.id, second.id]
        assert found[0].contact_id == first.contact_id and found[0].site_id == first.site_id
        blank_lines = {"personal_line": "", "personal_ps": ""}
        assert found[0].context == {"page_url": f"https://{first.site.domain}/", "site_domain": first.site.domain,
                                    "target_url": guide.url, "anchor_text": "trail guide", **blank_lines}
        assert found[1].context == {"page_url": f"https://{second.site.domain}/", "site_domain": second.site.domain,
                                    "target_url": shoes.url, **blank_lines}
        listed = campaign_recipients(ws, campaign.id)  # what the launch checklist lists
        assert [(r.opportunity_id, r.contact_id) for r in listed][-1] == (bare.id, None)
        assert listed[-1].context["site_domain"] == bare.site.domain
        assert with_contact(team.rival_workspace_id, campaign.id) == []


def test_the_cards_personal_line_and_ps_reach_the_merge_fields(app, team):
    with app.app_context():
        ws = team.workspace_id
        campaign = CampaignFactory(workspace_id=ws)
        site = SiteFactory(workspace_id=ws)
        person = ContactFactory(workspace_id=ws, site=site)
        OpportunityFactory(workspace_id=ws, campaign=campaign, site=site, contact_id=person.id,
                           personal_line="  Your raised-bed guide got me digging.  ", personal_ps="P.S. Nice photos.")
        (found,) = with_contact(ws, campaign.id)
        assert found.context["personal_line"] == "Your raised-bed guide got me digging."
        assert found.context["personal_ps"] == "P.S. Nice photos."
