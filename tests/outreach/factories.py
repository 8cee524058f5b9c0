"""factory_boy factories for outreach rows and the sites, contacts, campaigns and opportunities they need."""

from __future__ import annotations

import factory

from crm.campaigns.models import Campaign, Opportunity, TargetPage
from crm.extensions import db
from crm.outreach.models import OutboundMessage, SenderIdentity, Sequence, SequenceStep, Suppression, Template
from crm.prospects.models import Contact, Site
from tests.factories import BaseFactory, WorkspaceFactory


def _workspace_id():
    return WorkspaceFactory().id


class SiteFactory(BaseFactory):
    class Meta:
        model = Site

    workspace_id = factory.LazyFunction(_workspace_id)
    domain = factory.Sequence(lambda n: f"site{n}.example")
    homepage = factory.LazyAttribute(lambda o: f"https://{o.domain}/")


class ContactFactory(BaseFactory):
    class Meta:
        model = Contact

    site = factory.SubFactory(SiteFactory)
    workspace_id = factory.SelfAttribute("site.workspace_id")
    email = factory.LazyAttributeSequence(lambda o, n: f"person{n}@{o.site.domain}")
    first_name = factory.Sequence(lambda n: f"Pat{n}")
    last_name = "Example"


class CampaignFactory(BaseFactory):
    class Meta:
        model = Campaign

    workspace_id = factory.LazyFunction(_workspace_id)
    name = factory.Sequence(lambda n: f"Campaign {n}")


class TargetPageFactory(BaseFactory):
    class Meta:
        model = TargetPage

    campaign = factory.SubFactory(CampaignFactory)
    workspace_id = factory.SelfAttribute("campaign.workspace_id")
    url = "https://ourshop.example/guides/raised-beds"
    anchors = factory.LazyFunction(lambda: ["raised bed guide"])


class OpportunityFactory(BaseFactory):
    class Meta:
        model = Opportunity

    campaign = factory.SubFactory(CampaignFactory)
    workspace_id = factory.SelfAttribute("campaign.workspace_id")
    contact = factory.SubFactory(ContactFactory, workspace_id=factory.SelfAttribute("..workspace_id"),
                                 site__workspace_id=factory.SelfAttribute("...workspace_id"))
    site = factory.SelfAttribute("contact.site")


class TemplateFactory(BaseFactory):
    class Meta:
        model = Template

    workspace_id = factory.LazyFunction(_workspace_id)
    name = factory.Sequence(lambda n: f"Template {n}")
    subject = "Idea for {{ site_domain }}"
    body = "Hi {{ first_name | default(\"there\") }},\n\nA thought about {{ site_domain }}.\n\n{{ sender_name }}"


class SenderFactory(BaseFactory):
    """A sender whose window is always open and who has no cap, so tests do not depend on the clock."""

    class Meta:
        model = SenderIdentity

    workspace_id = factory.LazyFunction(_workspace_id)
    from_name = "Sam Rivera"
    from_email = factory.Sequence(lambda n: f"sam{n}@agency.example")
    reply_domain = "replies.agency.example"
    daily_cap = 0
    window_days = "1234567"
    window_start = "00:00"
    window_end = "24:00"
    timezone = "UTC"


class SequenceFactory(BaseFactory):
    class Meta:
        model = Sequence

    workspace_id = factory.LazyFunction(_workspace_id)
    campaign_id = factory.LazyAttribute(lambda o: CampaignFactory(workspace_id=o.workspace_id).id)
    sender = factory.SubFactory(SenderFactory, workspace_id=factory.SelfAttribute("..workspace_id"))


class StepFactory(BaseFactory):
    class Meta:
        model = SequenceStep

    sequence = factory.SubFactory(SequenceFactory)
    workspace_id = factory.SelfAttribute("sequence.workspace_id")
    position = 1
    template = factory.SubFactory(TemplateFactory, workspace_id=factory.SelfAttribute("..workspace_id"))
    delay_business_days = 0


class SuppressionFactory(BaseFactory):
    class Meta:
        model = Suppression

    workspace_id = factory.LazyFunction(_workspace_id)
    kind = "address"
    value = factory.Sequence(lambda n: f"blocked{n}@site.example")
    reason = "manual"


class MessageFactory(BaseFactory):
    """A queued outbox row without an enrollment (for claim and page tests)."""

    class Meta:
        model = OutboundMessage

    workspace_id = factory.LazyFunction(_workspace_id)
    idempotency_key = factory.Sequence(lambda n: f"test/{n}")
    sender_id = factory.LazyAttribute(lambda o: SenderFactory(workspace_id=o.workspace_id).id)
    contact_id = factory.LazyAttribute(lambda o: ContactFactory(workspace_id=o.workspace_id,
                                                                site__workspace_id=o.workspace_id).id)
    site_id = factory.LazyAttribute(lambda o: _contact(o.contact_id).site_id)
    to_email = factory.LazyAttribute(lambda o: _contact(o.contact_id).email)
    from_email = "sam@agency.example"
    from_name = "Sam Rivera"
    subject = "Hello"
    body_text = "Hi there\n\n--\n1 Test Street\nTo stop receiving these emails, unsubscribe: http://localhost/u/x\n"
    message_id_header = factory.LazyAttribute(lambda o: f"<{o.idempotency_key.replace('/', '.')}@agency.example>")


def _contact(contact_id: int) -> Contact:
    return db.session.get(Contact, contact_id)
