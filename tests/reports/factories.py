"""Factories for the rows a report reads: campaigns, opportunities, mail, replies, backlinks, checks, costs, tasks.

They flush rather than commit (a scenario makes a hundred rows): commit with db.session.commit() before a request.
"""

from __future__ import annotations

from datetime import date, timedelta

import factory

from crm.campaigns.models import Campaign, Cost, Opportunity, TargetPage, Task
from crm.db import utcnow
from crm.links.models import Backlink, LinkCheck
from crm.outreach.models import OutboundMessage, Reply, Sequence, SequenceStep, Template
from crm.prospects.models import Contact, Site
from crm.reports.models import DisavowDecision, ReportSchedule, ShareLink
from tests.factories import BaseFactory


class ReportFactory(BaseFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_persistence = "flush"


class SiteFactory(ReportFactory):
    class Meta:
        model = Site

    domain = factory.Sequence(lambda n: f"site{n}.example")
    homepage = factory.LazyAttribute(lambda o: f"https://{o.domain}/")


class ContactFactory(ReportFactory):
    class Meta:
        model = Contact

    site_id = factory.LazyAttribute(lambda o: SiteFactory(workspace_id=o.workspace_id).id)
    email = factory.Sequence(lambda n: f"editor{n}@mail.example")


class CampaignFactory(ReportFactory):
    class Meta:
        model = Campaign

    name = factory.Sequence(lambda n: f"Campaign {n}")
    kind = "guest_post"
    status = "active"
    currency = "USD"


class TargetPageFactory(ReportFactory):
    class Meta:
        model = TargetPage

    url = "https://acme-running.example/guide"
    anchors = factory.LazyFunction(list)


class OpportunityFactory(ReportFactory):
    class Meta:
        model = Opportunity

    site_id = factory.LazyAttribute(lambda o: SiteFactory(workspace_id=o.workspace_id).id)
    stage = "prospect"


class TemplateFactory(ReportFactory):
    class Meta:
        model = Template

    name = factory.Sequence(lambda n: f"Template {n}")
    subject = "Hello {{ first_name }}"
    body = "A pitch."


class SequenceFactory(ReportFactory):
    class Meta:
        model = Sequence

    name = "Main sequence"


class StepFactory(ReportFactory):
    class Meta:
        model = SequenceStep

    position = 1


class MessageFactory(ReportFactory):
    class Meta:
        model = OutboundMessage

    idempotency_key = factory.Sequence(lambda n: f"test-message-{n}")
    to_email = "editor@mail.example"
    from_email = "me@agency.example"
    subject = "Hello"
    body_text = "A pitch."
    status = "sent"
    sent_at = factory.LazyFunction(utcnow)


class ReplyFactory(ReportFactory):
    class Meta:
        model = Reply

    dedupe_key = factory.Sequence(lambda n: f"<reply-{n}@mail.example>")
    from_email = "editor@mail.example"
    kind = "human"


class BacklinkFactory(ReportFactory):
    class Meta:
        model = Backlink

    source_url = factory.Sequence(lambda n: f"https://blog{n}.example/post")
    source_domain = factory.LazyAttribute(lambda o: o.source_url.split("/")[2])
    target_url = "https://acme-running.example/guide"
    status = "unchecked"


class LinkCheckFactory(ReportFactory):
    class Meta:
        model = LinkCheck

    status = "live"
    found = True
    reasons = factory.LazyFunction(list)
    evidence = factory.LazyFunction(lambda: {"rel": [], "placement": "content"})
    checked_at = factory.LazyFunction(utcnow)


class CostFactory(ReportFactory):
    class Meta:
        model = Cost

    amount_cents = 1000
    description = "Content"
    spent_on = factory.LazyFunction(date.today)


class TaskFactory(ReportFactory):
    class Meta:
        model = Task

    title = factory.Sequence(lambda n: f"Task {n}")
    due_on = factory.LazyFunction(date.today)


class ShareLinkFactory(ReportFactory):
    class Meta:
        model = ShareLink

    campaign_id = factory.LazyAttribute(lambda o: CampaignFactory(workspace_id=o.workspace_id).id)
    token_hash = factory.Sequence(lambda n: f"{n:064x}")
    expires_at = factory.LazyFunction(lambda: utcnow() + timedelta(days=7))


class ReportScheduleFactory(ReportFactory):
    class Meta:
        model = ReportSchedule

    campaign_id = factory.LazyAttribute(lambda o: CampaignFactory(workspace_id=o.workspace_id).id)
    recipient = factory.Sequence(lambda n: f"client{n}@client.example")
    day_of_month = 1
    next_send_at = factory.LazyFunction(lambda: utcnow() + timedelta(days=7))


class DecisionFactory(ReportFactory):
    class Meta:
        model = DisavowDecision

    kind = "domain"
    value = factory.Sequence(lambda n: f"spam{n}.example")
    decision = "disavow"
