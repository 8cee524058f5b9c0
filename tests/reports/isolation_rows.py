"""Rows of another workspace for the reports routes that take an id."""

from tests.campaigns.factories import CampaignFactory
from tests.reports.factories import ReportScheduleFactory, ShareLinkFactory
from tests.support.isolation import factory_row

campaign = factory_row(CampaignFactory, "campaign_id", "reports.campaign_report", "reports.create_share_link",
                       "reports.create_report_schedule")
campaign_csv = factory_row(CampaignFactory, "campaign_id", "reports.report_csv", url={"chart": "links"})
share_link = factory_row(ShareLinkFactory, "share_link_id", "reports.revoke_share_link", "reports.share_link_notes")
report_schedule = factory_row(ReportScheduleFactory, "schedule_id", "reports.delete_report_schedule")
