"""Rows of another workspace for the reports routes that take an id."""

from crm.extensions import db
from tests.campaigns.factories import CampaignFactory
from tests.reports.factories import ReportScheduleFactory, ShareLinkFactory
from tests.support.isolation import covers


@covers("reports.campaign_report", "reports.create_share_link", "reports.create_report_schedule")
def campaign(workspace_id):
    row = CampaignFactory(workspace_id=workspace_id)
    db.session.commit()
    return {"campaign_id": row.id}, row


@covers("reports.report_csv")
def campaign_csv(workspace_id):
    row = CampaignFactory(workspace_id=workspace_id)
    db.session.commit()
    return {"campaign_id": row.id, "chart": "links"}, row


@covers("reports.revoke_share_link", "reports.share_link_notes")
def share_link(workspace_id):
    row = ShareLinkFactory(workspace_id=workspace_id)
    db.session.commit()
    return {"share_link_id": row.id}, row


@covers("reports.delete_report_schedule")
def report_schedule(workspace_id):
    row = ReportScheduleFactory(workspace_id=workspace_id)
    db.session.commit()
    return {"schedule_id": row.id}, row
