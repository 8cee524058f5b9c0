"""The campaign's recipients as outreach's launch page asks for them: prospects with a contact, and merge fields."""

from __future__ import annotations

import pytest

from crm.outreach import recipients
from tests.campaigns.factories import (
    CampaignFactory,
    ContactFactory,
    OpportunityFactory,
    SiteFactory,
    TargetPageFactory,
)

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
        card("prospect", contact=False)
        card("pitched", page=guide)
        card("declined")
        found = recipients.recipients_for(ws, campaign.id)
        assert [r.opportunity_id for r in found] == [first.id, second.id]
        assert found[0].contact_id == first.contact_id and found[0].site_id == first.site_id
        assert found[0].context == {"page_url": f"https://{first.site.domain}/", "target_url": guide.url,
                                    "anchor_text": "trail guide"}
        assert found[1].context == {"page_url": f"https://{second.site.domain}/", "target_url": shoes.url}
        assert recipients.recipients_for(team.rival_workspace_id, campaign.id) == []
