"""The workspace's audit trail page, for its owners only."""

from __future__ import annotations

from flask import render_template, request

from crm.accounts import audit
from crm.accounts.current import current_workspace, require_role
from crm.accounts.views import bp
from crm.extensions import db

PER_PAGE = 50


@bp.get("/workspace/audit")
@require_role("owner")
def audit_trail():
    """Who did what, when and from where in this workspace, newest first, filtered by action."""
    action = request.args.get("action", "")
    action = action if action in audit.ACTIONS else ""
    page = db.paginate(audit.listing(current_workspace().id, action or None),
                       page=request.args.get("page", 1, type=int), per_page=PER_PAGE, error_out=False)
    return render_template("accounts/audit.html", page=page, action=action, actions=audit.ACTIONS)
