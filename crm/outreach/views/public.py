"""Addresses SendGrid calls: its two webhooks (the one-click unsubscribe page: crm/campaigns/views_unsubscribe.py).

The webhooks prove themselves by signature (events) or by a secret in the URL (inbound), not by a session,
so they are exempt from CSRF.
"""

from __future__ import annotations

import json
from functools import lru_cache

from flask import abort, current_app, jsonify, request

from crm.extensions import csrf
from crm.mail.incoming import parse_form
from crm.outreach import inbound, inbound_addresses, provider_events
from crm.outreach.views import bp
from crm.outreach.webhook_signature import EventWebhookVerifier, SignatureError


@lru_cache(maxsize=4)
def _verifier(public_key: str) -> EventWebhookVerifier:
    return EventWebhookVerifier(public_key)


@bp.post("/webhooks/sendgrid/events")
@csrf.exempt
def sendgrid_events():
    """SendGrid's Event Webhook: signature and freshness checked on the raw body, each event stored once."""
    key = current_app.config.get("SENDGRID_WEBHOOK_PUBLIC_KEY") or ""
    if not key:
        return jsonify(error="the event webhook is not set up: SENDGRID_WEBHOOK_PUBLIC_KEY is empty"), 503
    body = request.get_data(cache=True)
    try:
        _verifier(key).verify_request(body, request.headers)
    except SignatureError as exc:
        return jsonify(error=f"refused: {exc}"), 403
    except ValueError:
        return jsonify(error="SENDGRID_WEBHOOK_PUBLIC_KEY is not a usable key"), 503
    try:
        counts = provider_events.process(json.loads(body))
    except (ValueError, provider_events.EventError) as exc:
        return jsonify(error=f"not a list of events: {exc}"), 400
    return jsonify(counts)


@bp.post("/webhooks/sendgrid/inbound/<secret>")
@csrf.exempt
def sendgrid_inbound(secret: str):
    """SendGrid Inbound Parse for one workspace: replies matched inside it, stored once and acted on."""
    workspace_id = inbound_addresses.workspace_for(secret)
    if workspace_id is None:
        abort(404)
    result = inbound.receive(workspace_id, parse_form(request.form))
    return jsonify(result)
