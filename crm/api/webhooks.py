"""Outbound webhook endpoints and their deliveries: adding, pausing, signing, sending, retrying, replaying."""

from __future__ import annotations

import json
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from crm.api import posting, signing, slack
from crm.api.models import WebhookDelivery, WebhookEndpoint
from crm.db import utcnow
from crm.extensions import db
from crm.net.policy import FetchPolicy
from crm.sealing import seal, unseal

EVENTS = (
    "reply.received", "message.bounced", "contact.unsubscribed", "opportunity.stage_changed",
    "backlink.live", "backlink.changed", "backlink.lost", "import.finished",
)
KINDS = ("standard", "slack")
TEST_EVENT = "webhook.test"
_PURPOSE = "webhook-secret"


class WebhookError(ValueError):
    """An endpoint that cannot be added or changed as asked (the message says why)."""


def parse_events(text_or_list) -> list[str]:
    """Event names from "a,b" or a list, each once, in the catalogue's order; WebhookError for unknown ones."""
    items = text_or_list.split(",") if isinstance(text_or_list, str) else list(text_or_list or ())
    wanted = {item.strip() for item in items if item and item.strip()}
    unknown = sorted(wanted - set(EVENTS))
    if unknown:
        raise WebhookError(f"Unknown event {', '.join(unknown)}; the events are {', '.join(EVENTS)}.")
    if not wanted:
        raise WebhookError("Choose at least one event.")
    return [name for name in EVENTS if name in wanted]


def _policy() -> FetchPolicy:
    return FetchPolicy.from_mapping(current_app.config)


def create_endpoint(workspace_id: int, *, url: str, events, kind: str = "standard",
                    created_by_id: int | None = None) -> tuple[WebhookEndpoint, str]:
    """Add an endpoint and return it with its whsec_ secret (shown only now). Commits; nothing on error."""
    url = (url or "").strip()
    if kind not in KINDS:
        raise WebhookError(f"The kind is standard or slack, not {kind!r}.")
    names = parse_events(events)
    if not url or len(url) > 2000:
        raise WebhookError("Give the endpoint's URL (at most 2000 characters).")
    problem = posting.address_problem(url, _policy())
    if problem:
        raise WebhookError(f"That URL cannot receive webhooks: {problem}")
    secret = signing.new_secret()
    endpoint = WebhookEndpoint(workspace_id=workspace_id, url=url, kind=kind, events=names,
                               secret_sealed=seal(current_app.config["SECRET_KEY"], _PURPOSE, secret),
                               created_by_id=created_by_id)
    db.session.add(endpoint)
    db.session.commit()
    return endpoint, secret


def endpoints_of(workspace_id: int) -> list[WebhookEndpoint]:
    """The workspace's endpoints, newest first."""
    query = select(WebhookEndpoint).where(WebhookEndpoint.workspace_id == workspace_id)
    return list(db.session.scalars(query.order_by(WebhookEndpoint.id.desc())))


def deliveries_of(endpoint: WebhookEndpoint, limit: int = 50) -> list[WebhookDelivery]:
    """An endpoint's latest deliveries, newest first."""
    query = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id)
    return list(db.session.scalars(query.order_by(WebhookDelivery.id.desc()).limit(limit)))


def delete_endpoint(endpoint: WebhookEndpoint) -> None:
    """Delete an endpoint and its log. Commits."""
    db.session.delete(endpoint)
    db.session.commit()


def set_paused(endpoint: WebhookEndpoint, paused: bool, reason: str = "") -> None:
    """Pause or resume an endpoint; resuming clears the failure count. Commits."""
    endpoint.paused, endpoint.paused_reason = paused, (reason if paused else "")[:300]
    if not paused:
        endpoint.failures = 0
    db.session.commit()


def payload(event_type: str, data: dict, at: datetime | None = None) -> dict:
    """The Standard Webhooks payload: {"type", "timestamp", "data"}."""
    stamp = (at or utcnow()).isoformat().replace("+00:00", "Z")
    return {"type": event_type, "timestamp": stamp, "data": data}


def body_for(endpoint: WebhookEndpoint, event: dict) -> str:
    """The exact text posted: the event as compact JSON, or its Slack message."""
    if endpoint.kind == "slack":
        return json.dumps({"text": slack.text(event)}, separators=(",", ":"))
    return json.dumps(event, separators=(",", ":"), sort_keys=True)


def _new_delivery(endpoint: WebhookEndpoint, event_type: str, body: str) -> WebhookDelivery:
    row = WebhookDelivery(workspace_id=endpoint.workspace_id, endpoint_id=endpoint.id, event_type=event_type,
                          webhook_id="msg_" + secrets.token_urlsafe(18), body=body, status="pending",
                          next_attempt_at=utcnow())
    db.session.add(row)
    return row


def wanted(workspace_id: int, event_type: str) -> bool:
    """Whether any live endpoint of the workspace listens to this event."""
    return any(not e.paused and event_type in e.events for e in endpoints_of(workspace_id))


def record_event(workspace_id: int, event_type: str, data: dict) -> list[int]:
    """Queue the event for each live endpoint subscribed to it; returns the delivery ids (not committed)."""
    event = payload(event_type, data)
    rows = [_new_delivery(endpoint, event_type, body_for(endpoint, event))
            for endpoint in endpoints_of(workspace_id) if not endpoint.paused and event_type in endpoint.events]
    if rows:
        db.session.flush()
    return [row.id for row in rows]


def test_delivery(endpoint: WebhookEndpoint) -> int:
    """Queue a "webhook.test" event for this endpoint, paused or not; returns its delivery id. Commits."""
    event = payload(TEST_EVENT, {"endpoint_id": endpoint.id, "workspace_id": endpoint.workspace_id})
    row = _new_delivery(endpoint, TEST_EVENT, body_for(endpoint, event))
    db.session.commit()
    return row.id


def resend(workspace_id: int, delivery_id: int) -> int | None:
    """Queue the same body again as a new delivery with its own webhook-id; None when not this workspace's."""
    old = delivery_of(workspace_id, delivery_id)
    if old is None:
        return None
    row = _new_delivery(old.endpoint, old.event_type, old.body)
    db.session.commit()
    return row.id


def backoff(attempts: int, base: float) -> timedelta:
    """Wait before the next try after `attempts` failed ones: base, 2 x base, 4 x base, ... capped at a day."""
    return timedelta(seconds=min(base * 2 ** max(0, attempts - 1), 86400))


def attempt(delivery_id: int, poster: posting.Poster | None = None) -> str | None:
    """Try one pending delivery now; returns its status afterwards (None when gone). Commits."""
    row = db.session.get(WebhookDelivery, delivery_id)
    if row is None or row.status != "pending":
        return row.status if row else None
    endpoint = row.endpoint
    if endpoint.paused and row.event_type != TEST_EVENT:
        return row.status  # kept pending; resuming the endpoint lets the periodic job send it
    config = current_app.config
    own = poster is None
    poster = poster or posting.Poster(_policy())
    try:
        secret = unseal(config["SECRET_KEY"], _PURPOSE, endpoint.secret_sealed)
        stamp = int(utcnow().timestamp())
        result = poster.post(endpoint.url, row.body, signing.headers(secret, row.webhook_id, stamp, row.body),
                             timeout=float(config.get("WEBHOOK_TIMEOUT", 10)))
    finally:
        if own:
            poster.close()
    _record(row, endpoint, result, config)
    db.session.commit()
    return row.status


def _record(row: WebhookDelivery, endpoint: WebhookEndpoint, result: posting.PostResult, config) -> None:
    now = utcnow()
    row.attempts += 1
    row.last_attempt_at = now
    row.response_status, row.response_excerpt = result.status, result.excerpt
    row.error, row.duration_ms = result.error, result.duration_ms
    if result.ok:
        row.status, row.next_attempt_at = "delivered", None
        endpoint.failures = 0
        return
    endpoint.failures += 1
    if result.retryable and row.attempts < int(config.get("WEBHOOK_MAX_ATTEMPTS", 6)):
        row.next_attempt_at = now + backoff(row.attempts, float(config.get("WEBHOOK_RETRY_BASE_SECONDS", 30)))
    else:
        row.status, row.next_attempt_at = "failed", None
    limit = int(config.get("WEBHOOK_PAUSE_AFTER", 10))
    if not endpoint.paused and endpoint.failures >= limit:
        endpoint.paused = True
        endpoint.paused_reason = f"paused after {endpoint.failures} failed deliveries in a row"
        _tell_owner(endpoint)


def _tell_owner(endpoint: WebhookEndpoint) -> None:
    """A task for the endpoint's creator (or the workspace): the endpoint stopped and needs a look."""
    from crm.campaigns import tasklist  # the api stands above campaigns and may call down

    task = tasklist.ensure_task(
        endpoint.workspace_id, f"webhook-paused:{endpoint.id}", kind="webhook_paused",
        title=f"Webhook endpoint paused: {endpoint.url[:120]}",
        notes=f"{endpoint.paused_reason}. Fix the receiver, then resume it under Settings → Webhooks.")
    if task is not None and endpoint.created_by_id:
        task.assignee_id = endpoint.created_by_id


def due_ids(now: datetime | None = None, limit: int = 500) -> list[int]:
    """Pending deliveries whose time has come, on endpoints that are not paused, oldest first."""
    query = (select(WebhookDelivery.id).join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
             .where(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= (now or utcnow()),
                    WebhookEndpoint.paused.is_(False))
             .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id).limit(limit))
    return list(db.session.scalars(query))


def deliver_due(now: datetime | None = None) -> dict:
    """Attempt every due delivery once with one shared poster; returns counts by outcome."""
    counts = {"delivered": 0, "pending": 0, "failed": 0}
    poster = posting.Poster(_policy())
    try:
        for delivery_id in due_ids(now):
            status = attempt(delivery_id, poster)
            if status in counts:
                counts[status] += 1
    finally:
        poster.close()
    return counts


def delivery_of(workspace_id: int, delivery_id: int) -> WebhookDelivery | None:
    """One of the workspace's deliveries, or None."""
    row = db.session.get(WebhookDelivery, delivery_id)
    return row if row is not None and row.workspace_id == workspace_id else None
