"""`flask demo` leaves report-ready data (history over months, harmful links, tasks), and a second run adds nothing."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from crm.accounts.models import Workspace
from crm.campaigns.models import Campaign
from crm.campaigns.reporting.report import build_report
from crm.extensions import db
from crm.links.models import Backlink, LinkCheck
from crm.reports import harmful


def _counts():
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Campaign, Backlink, LinkCheck)}


def test_demo_makes_meaningful_reports_and_is_safe_twice(app, runner):
    # Imported here, not at collection: importing a demo module registers its step, and the steps run in the
    # order they were registered, so an early import would run the reports step before the others' data exists.
    from crm.reports.demo import CAMPAIGNS

    first = runner.invoke(args=["demo", "--workspace", "Demo agency"])
    assert first.exit_code == 0, first.output
    made = json.loads(first.output.strip().splitlines()[-1])["reports"]
    assert made["checks"] > 20 and made["harmful_links"] == 2 and made["tasks"] == 3
    with app.app_context():
        workspace = db.session.scalar(select(Workspace).where(Workspace.name == "Demo agency"))
        campaign = db.session.scalar(select(Campaign).where(Campaign.workspace_id == workspace.id,
                                                            Campaign.name == CAMPAIGNS[0][0]))
        report = build_report(workspace, campaign)
        counts = report.headline.counts
        assert counts["prospects"] > counts["pitched"] > counts["replied"] > counts["won"] >= counts["live"] > 0
        assert report.headline.links.live >= 4 and report.headline.links.average_quality
        assert report.headline.links.lost == 1 and report.templates and len(report.steps) == 2
        assert sum(1 for point in report.timeline if point.went_live) >= 2 and report.anchors.total >= 4
        assert report.headline.spend.total_cents > 0 and report.headline.cost_per_point
        assert len(harmful.review(workspace.id)) >= 2
        live = db.session.scalars(select(Backlink).where(Backlink.workspace_id == workspace.id,
                                                         Backlink.first_live_at.is_not(None),
                                                         Backlink.lost_at.is_(None))).all()
        # Every link that went live has checks; the report campaigns' links a monthly history since then.
        per_link = select(LinkCheck.backlink_id, func.count()).group_by(LinkCheck.backlink_id)
        checked = dict(db.session.execute(per_link).all())
        ours = {c.id for c in db.session.scalars(select(Campaign).where(Campaign.name.in_([s[0] for s in CAMPAIGNS])))}
        assert live and all(checked.get(link.id, 0) >= 1 for link in live)
        assert all(checked[link.id] >= 2 for link in live if link.campaign_id in ours)
        before = _counts()
    second = runner.invoke(args=["demo", "--workspace", "Demo agency"])
    assert second.exit_code == 0, second.output
    again = json.loads(second.output.strip().splitlines()[-1])["reports"]
    assert again == {"campaigns": 0, "backlinks": 0, "checks": 0, "harmful_links": 0, "tasks": 0}
    with app.app_context():
        assert _counts() == before
