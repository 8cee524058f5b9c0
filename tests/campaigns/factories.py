"""Factories for campaigns: campaigns, target pages, opportunities, tasks and costs."""

from __future__ import annotations

from datetime import date

import factory

from crm.campaigns.models import Campaign, Cost, Opportunity, TargetPage, Task
from tests.prospects.factories import SiteFactory
from tests.support.factorybase import BaseFactory, new_workspace_id


class CampaignFactory(BaseFactory):
    class Meta:
        model = Campaign

    workspace_id = factory.LazyFunction(new_workspace_id)
    name = factory.Sequence(lambda n: f"Campaign {n}")
    kind = "guest_post"
    status = "active"
    currency = "USD"


class TargetPageFactory(BaseFactory):
    class Meta:
        model = TargetPage

    workspace_id = factory.LazyFunction(new_workspace_id)
    campaign = factory.SubFactory(CampaignFactory, workspace_id=factory.SelfAttribute("..workspace_id"))
    url = "https://shop.example/trail-shoes"
    anchors = factory.LazyFunction(lambda: ["trail shoes"])


class OpportunityFactory(BaseFactory):
    """A card on a campaign's board; its site is the contact's when a contact is given."""

    class Meta:
        model = Opportunity

    workspace_id = factory.LazyFunction(new_workspace_id)
    campaign = factory.SubFactory(CampaignFactory, workspace_id=factory.SelfAttribute("..workspace_id"))
    contact = None
    site = factory.Maybe(
        "contact",
        yes_declaration=factory.SelfAttribute("contact.site"),
        no_declaration=factory.SubFactory(SiteFactory, workspace_id=factory.SelfAttribute("..workspace_id")),
    )
    stage = "prospect"
    position = factory.Sequence(lambda n: n)


class TaskFactory(BaseFactory):
    class Meta:
        model = Task

    workspace_id = factory.LazyFunction(new_workspace_id)
    title = factory.Sequence(lambda n: f"Task {n}")
    kind = "manual"


class CostFactory(BaseFactory):
    class Meta:
        model = Cost

    workspace_id = factory.LazyFunction(new_workspace_id)
    campaign_id = factory.LazyAttribute(lambda o: CampaignFactory(workspace_id=o.workspace_id).id)
    amount_cents = 10000
    currency = "USD"
    description = "Article writing"
    spent_on = factory.LazyFunction(date.today)
