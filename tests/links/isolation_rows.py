"""Rows of another workspace for the backlink routes that take an id."""

from tests.links.factories import BacklinkFactory, LinkAlertFactory, LinkVerifyRunFactory
from tests.support.isolation import covers, factory_row

backlink = factory_row(BacklinkFactory, "backlink_id", "links.backlink", "links.edit_backlink",
                       "links.verify_backlink", "links.delete_backlink")
alert = factory_row(LinkAlertFactory, "alert_id", "links.mark_alert_read")


@covers("links.run", "links.run_progress")
def run(workspace_id):
    backlink = BacklinkFactory(workspace_id=workspace_id)
    row = LinkVerifyRunFactory(workspace_id=workspace_id, backlink_ids=[backlink.id], total=1)
    return {"run_id": row.id}, row
