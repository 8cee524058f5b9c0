"""The one-click unsubscribe link in every message, `/u/<token>` (GET shows a confirmation page, POST unsubscribes).

The POST answers RFC 8058 one-click requests from mail clients (body "List-Unsubscribe=One-Click", no session,
no CSRF token); anything else posted there is our own confirmation form, which carries its CSRF token like every
other form. The page stands with campaigns: it shows the contact (prospects) a token of outreach's names, and
asks outreach to stop mailing them.
"""

from __future__ import annotations

from flask import current_app, jsonify, render_template, request

from crm.accounts.forms import ActionForm
from crm.accounts.models import Workspace
from crm.campaigns.views import bp
from crm.extensions import csrf, db
from crm.outreach import stopping
from crm.outreach.tokens import TokenError, read_unsubscribe_token
from crm.prospects.models import Contact

ONE_CLICK_FIELD, ONE_CLICK_VALUE = "List-Unsubscribe", "One-Click"


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
