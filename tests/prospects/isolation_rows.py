"""Rows of another workspace for the prospects routes that take an id."""

from tests.prospects.factories import ContactFactory, CustomFieldFactory, ProspectJobFactory, SiteFactory
from tests.support.isolation import factory_row

site = factory_row(SiteFactory, "site_id", "prospects.site", "prospects.edit_site", "prospects.add_contact",
                   "prospects.add_metric", "prospects.merge_site", "prospects.discover_site", "prospects.site_custom")
contact = factory_row(ContactFactory, "contact_id", "prospects.edit_contact", "prospects.delete_contact",
                      "prospects.contact_custom")
import_job = factory_row(ProspectJobFactory, "job_id", "prospects.import_job", "prospects.import_progress",
                         kind="import")
discovery_job = factory_row(ProspectJobFactory, "job_id", "prospects.discovery_job", "prospects.discovery_progress",
                            "prospects.add_discovered", kind="discovery", params={"site_ids": []},
                            result={"sites": [], "found": 0})
custom_field = factory_row(CustomFieldFactory, "field_id", "prospects.edit_field", "prospects.move_field",
                           "prospects.delete_field")
