"""The fields added to an event's ids so a receiver can act without calling back (read-only lookups)."""

from __future__ import annotations

from crm.extensions import db


def _row(model, row_id, workspace_id):
    row = db.session.get(model, row_id) if row_id else None
    return row if row is not None and row.workspace_id == workspace_id else None


def enrich(workspace_id: int, event_type: str, data: dict) -> dict:
    """The event's data with the linked rows' main fields (the rows are read, never changed)."""
    from crm.campaigns.models import Opportunity
    from crm.links.models import Backlink
    from crm.outreach.models import Reply
    from crm.prospects.models import Contact

    extra: dict = {}
    if backlink := _row(Backlink, data.get("backlink_id"), workspace_id):
        extra.update(source_url=backlink.source_url, target_url=backlink.target_url, status=backlink.status)
    if reply := _row(Reply, data.get("reply_id"), workspace_id):
        extra.update(from_email=reply.from_email, subject=reply.subject)
    if contact := _row(Contact, data.get("contact_id"), workspace_id):
        extra.setdefault("email", contact.email)
    if opportunity := _row(Opportunity, data.get("opportunity_id"), workspace_id):
        extra.update(site_id=opportunity.site_id, site_domain=opportunity.site.domain, stage=opportunity.stage)
    return {**extra, **{key: value for key, value in data.items() if value is not None or key not in extra}}
