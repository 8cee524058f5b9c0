"""Rows of another workspace for the webhook settings routes that take an id."""

from crm.api.models import WebhookDelivery, WebhookEndpoint
from crm.extensions import db
from tests.support.isolation import covers, owner_id


def _rival_endpoint(workspace_id):
    # Made as a row directly: the address rule would refuse any URL a test could safely point at.
    endpoint = WebhookEndpoint(workspace_id=workspace_id, url="https://hooks.rival.example/in",
                                        events=["backlink.lost"], secret_sealed="sealed",
                                        created_by_id=owner_id(workspace_id))
    db.session.add(endpoint)
    db.session.commit()
    return endpoint


@covers("webhook_settings.endpoint_log", "webhook_settings.delete_endpoint", "webhook_settings.pause_endpoint",
        "webhook_settings.resume_endpoint", "webhook_settings.send_test")
def webhook_endpoint(workspace_id):
    endpoint = _rival_endpoint(workspace_id)
    return {"endpoint_id": endpoint.id}, endpoint


@covers("webhook_settings.resend_delivery")
def webhook_delivery(workspace_id):
    endpoint = _rival_endpoint(workspace_id)
    row = WebhookDelivery(workspace_id=workspace_id, endpoint_id=endpoint.id, event_type="backlink.lost",
                          webhook_id="msg_rival", body="{}", status="delivered")
    db.session.add(row)
    db.session.commit()
    return {"delivery_id": row.id}, row
