"""Domain signals turned into webhook events for the workspace's endpoints."""

from __future__ import annotations

from crm import events
from crm.api import event_data, webhooks

# signal -> (event name, keyword arguments the event's data carries)
_MAP = (
    (events.reply_received, "reply.received", ("reply_id", "kind", "campaign_id", "opportunity_id", "contact_id")),
    (events.bounce, "message.bounced", ("message_id", "contact_id", "email", "permanent")),
    (events.unsubscribe, "contact.unsubscribed", ("contact_id", "email")),
    (events.stage_changed, "opportunity.stage_changed",
     ("opportunity_id", "campaign_id", "site_id", "from_stage", "to_stage", "reason")),
    (events.link_live, "backlink.live", ("backlink_id", "opportunity_id", "campaign_id")),
    (events.link_changed, "backlink.changed",
     ("backlink_id", "opportunity_id", "campaign_id", "old_status", "new_status")),
    (events.link_lost, "backlink.lost", ("backlink_id", "opportunity_id", "campaign_id", "reasons")),
    (events.import_finished, "import.finished", ("job_id", "format", "new", "updated", "skipped", "errors")),
)


def publish(workspace_id: int, event_type: str, data: dict) -> list[int]:
    """Queue the event for its endpoints (not committed); each delivery goes to the job queue once that commits."""
    from crm.api import webhook_tasks

    ids = webhooks.record_event(workspace_id, event_type, data)
    for delivery_id in ids:
        events.after_commit(lambda d=delivery_id: webhook_tasks.deliver(d))
    return ids


def _subscriber(event_type: str, keys: tuple[str, ...]):
    def receive(workspace_id, **kwargs):
        data = {"workspace_id": workspace_id, **{key: kwargs.get(key) for key in keys}}
        if webhooks.wanted(workspace_id, event_type):  # no lookups for events nobody listens to
            publish(workspace_id, event_type, event_data.enrich(workspace_id, event_type, data))

    receive.__name__ = f"webhook_{event_type.replace('.', '_')}"
    return receive


_RECEIVERS = [(signal, _subscriber(name, keys)) for signal, name, keys in _MAP]  # strong refs for blinker


def connect() -> None:
    """Subscribe to the domain signals (idempotent)."""
    for signal, receiver in _RECEIVERS:
        signal.connect(receiver)
