"""Factories for reports: share links, report schedules and disavow decisions."""

from __future__ import annotations

from datetime import timedelta

import factory

from crm.db import utcnow
from crm.reports.models import DisavowDecision, ReportSchedule, ShareLink
from tests.campaigns.factories import CampaignFactory
from tests.support.factorybase import BaseFactory, new_workspace_id


class ShareLinkFactory(BaseFactory):
    class Meta:
        model = ShareLink

    workspace_id = factory.LazyFunction(new_workspace_id)
    campaign_id = factory.LazyAttribute(lambda o: CampaignFactory(workspace_id=o.workspace_id).id)
    token_hash = factory.Sequence(lambda n: f"{n:064x}")
    expires_at = factory.LazyFunction(lambda: utcnow() + timedelta(days=7))


class ReportScheduleFactory(BaseFactory):
    class Meta:
        model = ReportSchedule

    workspace_id = factory.LazyFunction(new_workspace_id)
    campaign_id = factory.LazyAttribute(lambda o: CampaignFactory(workspace_id=o.workspace_id).id)
    recipient = factory.Sequence(lambda n: f"client{n}@client.example")
    day_of_month = 1
    next_send_at = factory.LazyFunction(lambda: utcnow() + timedelta(days=7))


class DecisionFactory(BaseFactory):
    class Meta:
        model = DisavowDecision

    workspace_id = factory.LazyFunction(new_workspace_id)
    kind = "domain"
    value = factory.Sequence(lambda n: f"spam{n}.example")
    decision = "disavow"
