"""The links part of `flask demo`: every kind of backlink with history, scores and alerts, without the network."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from crm.accounts.models import Workspace
from crm.campaigns.models import Campaign, Opportunity
from crm.extensions import db
from crm.links.models import Backlink, LinkAlert, LinkCheck
from crm.prospects.models import Site


def _workspace(name: str) -> int:
    return db.session.scalar(select(Workspace.id).where(Workspace.name == name))


def test_demo_makes_backlinks_in_every_state_and_runs_twice(app, runner, team):
    first = runner.invoke(args=["demo", "--workspace", "Links demo"])
    assert first.exit_code == 0, first.output
    assert json.loads(first.output.strip().splitlines()[-1])["links"]["backlinks"] == 6
    with app.app_context():
        workspace_id = _workspace("Links demo")
        statuses = dict(db.session.execute(select(Backlink.source_domain, Backlink.status)
                                           .where(Backlink.workspace_id == workspace_id)).all())
        assert set(statuses.values()) >= {"live", "live_nofollow", "missing", "unverified"}
        pending = db.session.scalars(select(Backlink.pending_status).where(Backlink.workspace_id == workspace_id,
                                                                            Backlink.pending_status.is_not(None)))
        assert list(pending) == ["missing"]
        live = db.session.scalar(select(Backlink).where(Backlink.workspace_id == workspace_id,
                                                        Backlink.status == "live"))
        assert live.score is not None and live.score_explanation and live.checks[0].score_detail["components"]
        kinds = set(db.session.scalars(select(LinkAlert.kind).where(LinkAlert.workspace_id == workspace_id)))
        assert kinds == {"removed", "nofollow_added"}
        checks = db.session.scalar(select(func.count()).select_from(LinkCheck)
                                   .where(LinkCheck.workspace_id == workspace_id))
    second = runner.invoke(args=["demo", "--workspace", "Links demo"])
    assert second.exit_code == 0, second.output
    assert json.loads(second.output.strip().splitlines()[-1])["links"]["backlinks"] == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LinkCheck)
                                 .where(LinkCheck.workspace_id == workspace_id)) == checks


def test_demo_backlinks_join_the_sites_and_opportunities_of_the_workspace(app, runner, team):
    with app.app_context():
        workspace = Workspace(name="With a campaign")
        db.session.add(workspace)
        db.session.flush()
        site = Site(workspace_id=workspace.id, domain="runnersroutine.com", dr=50, traffic=96_000)
        campaign = Campaign(workspace_id=workspace.id, name="Trail shoes launch")
        db.session.add_all([site, campaign])
        db.session.flush()
        opportunity = Opportunity(workspace_id=workspace.id, campaign_id=campaign.id, site_id=site.id, stage="live")
        db.session.add(opportunity)
        db.session.commit()
        ids = site.id, opportunity.id, campaign.id
    result = runner.invoke(args=["demo", "--workspace", "With a campaign"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        backlink = db.session.scalar(select(Backlink).where(Backlink.source_domain == "runnersroutine.com"))
        assert (backlink.site_id, backlink.opportunity_id, backlink.campaign_id) == ids
        authority = {c["name"]: c for c in backlink.checks[0].score_detail["components"]}["authority"]
        assert authority["raw"] == {"dr": 50}
