"""Rows of another workspace for the backlink routes that take an id."""

from tests.links.factories import BacklinkFactory, LinkAlertFactory, LinkVerifyRunFactory
from tests.support.isolation import covers


@covers("links.backlink", "links.edit_backlink", "links.verify_backlink", "links.delete_backlink")
def backlink(workspace_id):
    row = BacklinkFactory(workspace_id=workspace_id)
    return {"backlink_id": row.id}, row


@covers("links.mark_alert_read")
def alert(workspace_id):
    row = LinkAlertFactory(backlink=BacklinkFactory(workspace_id=workspace_id))
    return {"alert_id": row.id}, row


@covers("links.run", "links.run_progress")
def run(workspace_id):
    backlink = BacklinkFactory(workspace_id=workspace_id)
    row = LinkVerifyRunFactory(workspace_id=workspace_id, backlink_ids=[backlink.id], total=1)
    return {"run_id": row.id}, row
