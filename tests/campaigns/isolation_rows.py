"""Rows of another workspace for the campaign routes that take an id."""

from tests.campaigns.factories import CampaignFactory, CostFactory, OpportunityFactory, TaskFactory
from tests.support.isolation import factory_row

campaign = factory_row(
    CampaignFactory, "campaign_id",
    "campaigns.show_campaign", "campaigns.edit_campaign", "campaigns.board_column", "campaigns.table_view",
    "campaigns.bulk_change", "campaigns.pick_sites", "campaigns.campaign_costs", "campaigns.add_cost",
    "campaigns.personal_lines", "campaigns.export_table", "campaigns.sequence", "campaigns.launch_page",
    url={"stage": "prospect"},
)
opportunity = factory_row(
    OpportunityFactory, "opportunity_id",
    "campaigns.show_opportunity", "campaigns.move_opportunity", "campaigns.save_opportunity",
    "campaigns.save_opportunity_fields", "campaigns.save_personal",
    "campaigns.add_opportunity_task", "campaigns.record_link",
)
task = factory_row(TaskFactory, "task_id", "campaigns.complete_task", "campaigns.reopen_task")
cost = factory_row(CostFactory, "cost_id", "campaigns.delete_cost")
