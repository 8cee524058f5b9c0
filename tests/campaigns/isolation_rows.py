"""Rows of another workspace for the campaign routes that take an id."""

from crm.extensions import db
from crm.outreach.models import Thread
from tests.campaigns.factories import CampaignFactory, CostFactory, OpportunityFactory, TaskFactory
from tests.prospects.factories import ContactFactory, SiteFactory
from tests.support.isolation import covers, factory_row

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
site = factory_row(SiteFactory, "site_id", "campaigns.thread", "campaigns.mark_thread_read")
contact = factory_row(ContactFactory, "contact_id", "campaigns.contact_thread", "campaigns.answer_contact")


@covers("campaigns.show_thread", "campaigns.answer_thread", "campaigns.set_thread_state", "campaigns.set_thread_owner")
def thread(workspace_id):
    contact = ContactFactory(workspace_id=workspace_id)
    row = Thread(workspace_id=workspace_id, thread_key=f"{contact.id}:-", contact_id=contact.id,
                 site_id=contact.site_id, state="needs_reply")
    db.session.add(row)
    db.session.commit()
    return {"thread_id": row.id}, row
