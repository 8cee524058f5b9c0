"""Rows of another workspace for the campaign routes that take an id."""

from tests.campaigns.factories import CampaignFactory, CostFactory, OpportunityFactory, TaskFactory
from tests.support.isolation import covers


@covers(
    "campaigns.show_campaign", "campaigns.edit_campaign", "campaigns.board_column", "campaigns.table_view",
    "campaigns.bulk_change", "campaigns.pick_sites", "campaigns.campaign_costs", "campaigns.add_cost",
    "campaigns.personal_lines",
)
def campaign(workspace_id):
    row = CampaignFactory(workspace_id=workspace_id)
    return {"campaign_id": row.id, "stage": "prospect"}, row


@covers(
    "campaigns.show_opportunity", "campaigns.move_opportunity", "campaigns.save_opportunity",
    "campaigns.save_opportunity_fields", "campaigns.save_personal",
    "campaigns.add_opportunity_task", "campaigns.record_link",
)
def opportunity(workspace_id):
    row = OpportunityFactory(workspace_id=workspace_id)
    return {"opportunity_id": row.id}, row


@covers("campaigns.complete_task", "campaigns.reopen_task")
def task(workspace_id):
    row = TaskFactory(workspace_id=workspace_id)
    return {"task_id": row.id}, row


@covers("campaigns.delete_cost")
def cost(workspace_id):
    row = CostFactory(workspace_id=workspace_id)
    return {"cost_id": row.id}, row
