"""Addresses other systems call: SendGrid's two webhooks, and the one-click unsubscribe link in every message.

The webhooks prove themselves by signature (events) or by a secret in the URL (inbound), not by a session,
so they are exempt from CSRF. The unsubscribe POST answers RFC 8058 one-click requests from mail clients
(body "List-Unsubscribe=One-Click", no session, no CSRF token); anything else posted there is our own
confirmation form, which carries its CSRF token like every other form.
"""

from __future__ import annotations

import json
from functools import lru_cache

from flask import abort, current_app, jsonify, render_template, request

from crm.accounts.forms import ActionForm
from crm.accounts.models import Workspace
from crm.extensions import csrf, db
from crm.mail.incoming import parse_form
from crm.outreach import inbound, inbound_addresses, provider_events, stopping
from crm.outreach.tokens import TokenError, read_unsubscribe_token
from crm.outreach.views import bp
from crm.outreach.webhook_signature import EventWebhookVerifier, SignatureError
from crm.prospects.models import Contact

ONE_CLICK_FIELD, ONE_CLICK_VALUE = "List-Unsubscribe", "One-Click"


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


def _unsubscribe_target(token: str):
    try:
        ref = read_unsubscribe_token(current_app.config["SECRET_KEY"], token)
    except TokenError:
        return None, None
    contact = db.session.get(Contact, ref.contact_id)
    if contact is None or contact.workspace_id != ref.workspace_id:
        return None, None
    return contact, db.session.get(Workspace, ref.workspace_id)


def _masked(email: str) -> str:
    local, _, domain = email.partition("@")
    return (local[:2] + "…" if len(local) > 2 else local) + "@" + domain


@bp.route("/u/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str):
    """GET: a confirmation page. POST: unsubscribe (one-click from mail clients, or the page's own button)."""
    one_click = request.method == "POST" and request.form.get(ONE_CLICK_FIELD) == ONE_CLICK_VALUE
    if request.method == "POST" and not one_click:
        csrf.protect()  # the confirmation page's button is an ordinary form
    contact, workspace = _unsubscribe_target(token)
    if contact is None:
        return render_template("outreach/unsubscribe_invalid.html"), 404
    if request.method == "GET":
        return render_template("outreach/unsubscribe.html", email=_masked(contact.email), workspace=workspace,
                               token=token, form=ActionForm(), already=contact.status == "unsubscribed")
    stopping.unsubscribe(workspace.id, contact.id, "one-click" if one_click else "unsubscribe page",
                         email=contact.email, site_id=contact.site_id)
    if one_click:
        return jsonify(result="unsubscribed")
    return render_template("outreach/unsubscribed.html", email=_masked(contact.email), workspace=workspace)
