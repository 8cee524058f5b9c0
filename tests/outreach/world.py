"""A small outreach world for tests: a campaign with opportunities, templates, a sender and a sequence."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from crm.campaigns.models import Opportunity
from crm.extensions import db
from crm.outreach.recipients import Recipient
from tests.campaigns.factories import CampaignFactory, OpportunityFactory, TargetPageFactory
from tests.outreach.factories import SenderFactory, SequenceFactory, StepFactory, TemplateFactory
from tests.prospects.factories import ContactFactory, SiteFactory

PITCH = (
    "Raised beds on {{ site_domain }}",
    "Hi {{ first_name | default(\"there\") }},\n\nI loved \"{{ page_title }}\". Our {{ anchor_text }} "
    "({{ target_url }}) might fit it.\n\n{{ sender_name }}",
)
FOLLOW_UP = ("", "Hi {{ first_name | default(\"there\") }}, just checking you saw my note about {{ site_domain }}.")
LAST = ("", "Last note from me, {{ first_name | default(\"there\") }}.")


def opportunity_recipients(workspace_id: int, campaign_id: int) -> list[Recipient]:
    """What campaigns supplies: one recipient per opportunity with a contact, with its page and target fields."""
    rows = db.session.scalars(select(Opportunity).where(
        Opportunity.workspace_id == workspace_id, Opportunity.campaign_id == campaign_id,
        Opportunity.contact_id.is_not(None)).order_by(Opportunity.id))
    found = []
    for opp in rows:
        target = opp.target_page
        context = {"page_title": f"Raised beds at {opp.site.domain}"}
        if target is not None:
            context.update(target_url=target.url, anchor_text=(target.anchors or [""])[0])
        found.append(Recipient(opp.id, opp.contact_id, opp.site_id, context))
    return found


@dataclass
class World:
    """Ids of what build() made."""

    workspace_id: int
    campaign_id: int
    sequence_id: int
    sender_id: int
    template_ids: list[int]
    contact_ids: list[int]
    site_ids: list[int]
    opportunity_ids: list[int]

    def recipients(self) -> list[Recipient]:
        """The campaign's recipients as campaigns would supply them."""
        return opportunity_recipients(self.workspace_id, self.campaign_id)


def build(workspace_id: int, people: int = 3, steps=((0, PITCH), (3, FOLLOW_UP), (5, LAST)), **sender) -> World:
    """A campaign with `people` opportunities at distinct sites and a sequence of the given (delay, template) steps."""
    campaign = CampaignFactory(workspace_id=workspace_id)
    target = TargetPageFactory(campaign=campaign, workspace_id=workspace_id,
                               url="https://ourshop.example/guides/raised-beds", anchors=["raised bed guide"])
    identity = SenderFactory(workspace_id=workspace_id, **sender)
    sequence = SequenceFactory(workspace_id=workspace_id, campaign_id=campaign.id, sender=identity)
    templates = []
    for position, (delay, (subject, body)) in enumerate(steps, start=1):
        template = TemplateFactory(workspace_id=workspace_id, subject=subject, body=body)
        StepFactory(sequence=sequence, workspace_id=workspace_id, position=position, template=template,
                    delay_business_days=delay)
        templates.append(template.id)
    opportunities = []
    for _ in range(people):
        site = SiteFactory(workspace_id=workspace_id)
        contact = ContactFactory(site=site, workspace_id=workspace_id)
        opportunities.append(OpportunityFactory(campaign=campaign, workspace_id=workspace_id, contact=contact,
                                                site=site, target_page=target))
    db.session.commit()
    return World(workspace_id, campaign.id, sequence.id, identity.id, templates,
                 [o.contact_id for o in opportunities], [o.site_id for o in opportunities],
                 [o.id for o in opportunities])

