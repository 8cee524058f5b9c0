"""Rows of another workspace for the outreach routes that take an id."""

import uuid

from crm.extensions import db
from crm.outreach.models import Reply, Snippet
from tests.outreach.factories import MessageFactory, SenderFactory, SuppressionFactory, TemplateFactory
from tests.support.isolation import covers, factory_row

template = factory_row(TemplateFactory, "template_id", "campaigns.edit_template", "campaigns.delete_template")
sender = factory_row(SenderFactory, "sender_id", "outreach.edit_sender", "outreach.test_sender_connection",
                     "outreach.sender_mailbox")
suppression = factory_row(SuppressionFactory, "suppression_id", "outreach.remove_suppression")


@covers("outreach.message", "outreach.message_eml", "outreach.cancel_message", "outreach.retry_message",
        "outreach.mark_message_sent")
def message(workspace_id):
    row = MessageFactory(workspace_id=workspace_id, status="unknown")
    return {"message_id": row.id}, row


@covers("outreach.mark_reply_positive")
def reply(workspace_id):
    message = MessageFactory(workspace_id=workspace_id, status="sent")
    row = Reply(workspace_id=workspace_id, dedupe_key=f"isolation-{message.id}", message_id=message.id,
                contact_id=message.contact_id, site_id=message.site_id, from_email=message.to_email, kind="human")
    db.session.add(row)
    db.session.commit()
    return {"reply_id": row.id}, row


@covers("outreach.edit_snippet", "outreach.update_snippet", "outreach.delete_snippet")
def snippet(workspace_id):
    row = Snippet(workspace_id=workspace_id, name=f"Rates {uuid.uuid4().hex[:8]}", body="Our rates are on the sheet.")
    db.session.add(row)
    db.session.commit()
    return {"snippet_id": row.id}, row
