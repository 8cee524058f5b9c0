"""Rows of another workspace for the prospects routes that take an id."""

from tests.prospects.factories import ContactFactory, CustomFieldFactory, ProspectJobFactory, SiteFactory
from tests.support.isolation import covers


@covers("prospects.site", "prospects.edit_site", "prospects.add_contact", "prospects.add_metric",
        "prospects.merge_site", "prospects.discover_site", "prospects.site_custom")
def site(workspace_id):
    row = SiteFactory(workspace_id=workspace_id)
    return {"site_id": row.id}, row


@covers("prospects.edit_contact", "prospects.delete_contact", "prospects.contact_custom")
def contact(workspace_id):
    row = ContactFactory(site=SiteFactory(workspace_id=workspace_id), workspace_id=workspace_id)
    return {"contact_id": row.id}, row


@covers("prospects.import_job", "prospects.import_progress")
def import_job(workspace_id):
    row = ProspectJobFactory(workspace_id=workspace_id, kind="import")
    return {"job_id": row.id}, row


@covers("prospects.discovery_job", "prospects.discovery_progress", "prospects.add_discovered")
def discovery_job(workspace_id):
    row = ProspectJobFactory(workspace_id=workspace_id, kind="discovery", params={"site_ids": []},
                             result={"sites": [], "found": 0})
    return {"job_id": row.id}, row


@covers("prospects.edit_field", "prospects.move_field", "prospects.delete_field")
def custom_field(workspace_id):
    row = CustomFieldFactory(workspace_id=workspace_id)
    return {"field_id": row.id}, row
