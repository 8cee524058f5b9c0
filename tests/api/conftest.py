"""API fixtures: a token per role for Acme, and one row of every kind in Acme and in Rival."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from crm.api import tokens
from crm.extensions import db
from crm.outreach.models import Reply
from tests.campaigns.factories import CampaignFactory, OpportunityFactory, TaskFactory
from tests.links.factories import BacklinkFactory, LinkCheckFactory
from tests.outreach.factories import MessageFactory
from tests.prospects.factories import ContactFactory, SiteMetricFactory


@dataclass(frozen=True)
class Rows:
    """Ids of one row of each kind in a workspace."""

    site_id: int
    campaign_id: int
    opportunity_id: int
    backlink_id: int
    message_id: int
    task_id: int

    def path_values(self) -> dict[str, int]:
        """Values for every path parameter the API has."""
        return {"site_id": self.site_id, "campaign_id": self.campaign_id, "opportunity_id": self.opportunity_id,
                "backlink_id": self.backlink_id, "message_id": self.message_id, "task_id": self.task_id}


def make_rows(workspace_id: int) -> Rows:
    """A site with a contact and a metric, a campaign with an opportunity, a backlink with a check, a sent
    message with a reply, and a task."""
    contact = ContactFactory(workspace_id=workspace_id, site__workspace_id=workspace_id)
    SiteMetricFactory(site=contact.site)
    campaign = CampaignFactory(workspace_id=workspace_id)
    opportunity = OpportunityFactory(workspace_id=workspace_id, campaign=campaign, site=contact.site,
                                     contact_id=contact.id)
    backlink = BacklinkFactory(workspace_id=workspace_id, campaign_id=campaign.id)
    LinkCheckFactory(backlink=backlink)
    message = MessageFactory(workspace_id=workspace_id, campaign_id=campaign.id, status="sent")
    db.session.add(Reply(workspace_id=workspace_id, dedupe_key=f"r{message.id}", message_id=message.id,
                         site_id=message.site_id, contact_id=message.contact_id, from_email=message.to_email,
                         subject="Re: Hello", text="Sounds good", kind="human"))
    db.session.commit()
    task = TaskFactory(workspace_id=workspace_id, opportunity_id=opportunity.id, campaign_id=campaign.id,
                       site_id=contact.site_id, due_on=date(2030, 1, 1))
    return Rows(contact.site_id, campaign.id, opportunity.id, backlink.id, message.id, task.id)


@pytest.fixture
def world(app, team):
    """(Acme's rows, Rival's rows)."""
    with app.app_context():
        return make_rows(team.workspace_id), make_rows(team.rival_workspace_id)


@pytest.fixture
def bearer(app, team):
    """A function giving Authorization headers for a new Acme token made by the user with `role`."""

    def make(role: str = "owner", scope: str = "write", **extra) -> dict[str, str]:
        with app.app_context():
            _, plaintext = tokens.create_token(team.workspace_id, name=f"{role} {scope}", scope=scope,
                                               created_by_id=team.user_ids[role], **extra)
        return {"Authorization": f"Bearer {plaintext}"}

    return make


def queue_jobs(app) -> None:
    """Queue jobs in the app's Huey storage instead of running them: a recheck then reaches no page."""
    from crm.jobs import huey

    app.config["HUEY_IMMEDIATE"] = False
    huey.init_app(app)
