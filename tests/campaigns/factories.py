"""factory_boy factories for campaigns, their opportunities, tasks and costs, and the sites they are about."""

from __future__ import annotations

from datetime import date

import factory

from crm.campaigns.models import Campaign, Cost, Opportunity, TargetPage, Task
from crm.links.models import Backlink
from crm.prospects.models import Contact, Site
from tests.factories import BaseFactory


class SiteFactory(BaseFactory):
    class Meta:
        model = Site

    domain = factory.Sequence(lambda n: f"blog{n}.example")
    homepage = factory.LazyAttribute(lambda o: f"https://{o.domain}/")
    status = "active"


class ContactFactory(BaseFactory):
    class Meta:
        model = Contact

    site = factory.SubFactory(SiteFactory, workspace_id=factory.SelfAttribute("..workspace_id"))
    email = factory.Sequence(lambda n: f"editor{n}@mail.example")
    first_name = "Ana"
    status = "ok"


class CampaignFactory(BaseFactory):
    class Meta:
        model = Campaign

    name = factory.Sequence(lambda n: f"Campaign {n}")
    kind = "guest_post"
    status = "active"
    currency = "USD"


class TargetPageFactory(BaseFactory):
    class Meta:
        model = TargetPage

    campaign = factory.SubFactory(CampaignFactory, workspace_id=factory.SelfAttribute("..workspace_id"))
    url = "https://shop.example/trail-shoes"
    anchors = factory.LazyFunction(lambda: ["trail shoes"])


class OpportunityFactory(BaseFactory):
    class Meta:
        model = Opportunity

    campaign = factory.SubFactory(CampaignFactory, workspace_id=factory.SelfAttribute("..workspace_id"))
    site = factory.SubFactory(SiteFactory, workspace_id=factory.SelfAttribute("..workspace_id"))
    stage = "prospect"
    position = factory.Sequence(lambda n: n)


class TaskFactory(BaseFactory):
    class Meta:
        model = Task

    title = factory.Sequence(lambda n: f"Task {n}")
    kind = "manual"


class CostFactory(BaseFactory):
    class Meta:
        model = Cost

    campaign_id = factory.LazyAttribute(lambda o: CampaignFactory(workspace_id=o.workspace_id).id)
    amount_cents = 10000
    currency = "USD"
    description = "Article writing"
    spent_on = factory.LazyFunction(date.today)


class BacklinkFactory(BaseFactory):
    class Meta:
        model = Backlink

    source_url = factory.Sequence(lambda n: f"https://blog{n}.example/post/")
    source_domain = factory.LazyAttribute(lambda o: o.source_url.split("/")[2])
    target_url = "https://shop.example/trail-shoes"
    status = "unchecked"
