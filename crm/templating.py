"""What every template can use: the current workspace, role checks, navigation and date filters."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, g
from flask_login import current_user

# The product's sections, in header order: (label, endpoint). Sections appear as their features land.
NAVIGATION = [
    ("Dashboard", "reports.dashboard"),
    ("Sites", "prospects.list_sites"),
    ("Campaigns", "campaigns.list_campaigns"),
    ("Tasks", "campaigns.my_tasks"),
    ("Outreach", "outreach.outbox"),
    ("Links", "links.list_backlinks"),
    ("Reports", "reports.index"),
]


def format_datetime(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A UTC timestamp as text, with its zone."""
    if value is None:
        return "—"
    return value.strftime(fmt) + " UTC"


def init_app(app: Flask) -> None:
    """Register the context processor and filters."""
    from crm.accounts.current import can
    from crm.accounts.forms import ActionForm, SwitchWorkspaceForm
    from crm.accounts.workspaces import memberships_of

    @app.context_processor
    def layout_context():
        nav = [(label, endpoint) for label, endpoint in NAVIGATION if endpoint in app.view_functions]
        signed_in = current_user.is_authenticated
        return {
            "membership": g.get("membership"),
            "my_memberships": memberships_of(current_user) if signed_in else [],
            "can": can,
            "navigation": nav,
            "config_endpoints": app.view_functions,  # lets a page link to another feature only when it exists
            "switch_form": SwitchWorkspaceForm() if signed_in else None,
            "logout_form": ActionForm() if signed_in else None,
        }

    app.jinja_env.filters["datetime"] = format_datetime
