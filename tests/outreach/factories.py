"""Factories for outreach: templates, senders, sequences and steps, suppressions, outbox rows and replies."""

from __future__ import annotations

import factory

from crm.db import utcnow
from crm.extensions import db
from crm.outreach.models import (
    OutboundMessage,
    Reply,
    SenderIdentity,
    Sequence,
    SequenceStep,
    Suppression,
    Template,
)
from crm.prospects.models import Contact
from tests.campaigns.factories import CampaignFactory
from tests.prospects.factories import ContactFactory
from tests.support.factorybase import BaseFactory, new_workspace_id


class TemplateFactory(BaseFactory):
    class Meta:
        model = Template

    workspace_id = factory.LazyFunction(new_workspace_id)
    name = factory.Sequence(lambda n: f"Template {n}")
    subject = "Idea for {{ site_domain }}"
    body = "Hi {{ first_name | default(\"there\") }},\n\nA thought about {{ site_domain }}.\n\n{{ sender_name }}"


class SenderFactory(BaseFactory):
    """A sender whose window is always open and who has no cap, so tests do not depend on the clock."""

    class Meta:
        model = SenderIdentity

    workspace_id = factory.LazyFunction(new_workspace_id)
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

    workspace_id = factory.LazyFunction(new_workspace_id)
    name = "Main sequence"
    campaign_id = factory.LazyAttribute(lambda o: CampaignFactory(workspace_id=o.workspace_id).id)
    sender = factory.SubFactory(SenderFactory, workspace_id=factory.SelfAttribute("..workspace_id"))


class StepFactory(BaseFactory):
    class Meta:
        model = SequenceStep

    workspace_id = factory.LazyFunction(new_workspace_id)
    sequence = factory.SubFactory(SequenceFactory, workspace_id=factory.SelfAttribute("..workspace_id"))
    position = 1
    template = factory.SubFactory(TemplateFactory, workspace_id=factory.SelfAttribute("..workspace_id"))
    delay_business_days = 0


class SuppressionFactory(BaseFactory):
    class Meta:
        model = Suppression

    workspace_id = factory.LazyFunction(new_workspace_id)
    kind = "address"
    value = factory.Sequence(lambda n: f"blocked{n}@site.example")
    reason = "manual"


class MessageFactory(BaseFactory):
    """A queued outbox row without an enrollment (for claim and page tests)."""

    class Meta:
        model = OutboundMessage

    workspace_id = factory.LazyFunction(new_workspace_id)
    idempotency_key = factory.Sequence(lambda n: f"test/{n}")
    sender_id = factory.LazyAttribute(lambda o: SenderFactory(workspace_id=o.workspace_id).id)
    contact_id = factory.LazyAttribute(lambda o: ContactFactory(workspace_id=o.workspace_id).id)
    site_id = factory.LazyAttribute(lambda o: _contact(o.contact_id).site_id)
    to_email = factory.LazyAttribute(lambda o: _contact(o.contact_id).email)
    from_email = "sam@agency.example"
    from_name = "Sam Rivera"
    subject = "Hello"
    body_text = "Hi there\n\n--\n1 Test Street\nTo stop receiving these emails, unsubscribe: http://localhost/u/x\n"
    message_id_header = factory.LazyAttribute(lambda o: f"<{o.idempotency_key.replace('/', '.')}@agency.example>")


class SentMessageFactory(MessageFactory):
    """A message already sent to a bare address, with no sender or contact row (what reports count)."""

    sender_id = None
    contact_id = None
    site_id = None
    to_email = "editor@mail.example"
    from_email = "me@agency.example"
    body_text = "A pitch."
    message_id_header = ""
    status = "sent"
    sent_at = factory.LazyFunction(utcnow)


class ReplyFactory(BaseFactory):
    class Meta:
        model = Reply

    workspace_id = factory.LazyFunction(new_workspace_id)
    dedupe_key = factory.Sequence(lambda n: f"<reply-{n}@mail.example>")
    from_email = "editor@mail.example"
    kind = "human"


def _contact(contact_id: int) -> Contact:
    return db.session.get(Contact, contact_id)
