"""The dashboard, the first page after sign-in."""

from __future__ import annotations

from flask import Blueprint, render_template

from crm.accounts.current import current_workspace, require_role
from crm.ops.services import worker_status

bp = Blueprint("reports", __name__)


@bp.get("/")
@require_role("viewer")
def dashboard():
    """The workspace at a glance; each feature adds its panel here."""
    return render_template("reports/dashboard.html", workspace=current_workspace(), worker=worker_status())
