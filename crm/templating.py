"""What every template can use: the current workspace, role checks, navigation and date filters."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask import Flask

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


def init_app(app: Flask, layout_values: Callable[[], dict] | None = None) -> None:
    """Register the context processor and filters; layout_values gives the signed-in user's values, if any."""

    @app.context_processor
    def layout_context():
        nav = [(label, endpoint) for label, endpoint in NAVIGATION if endpoint in app.view_functions]
        return {
            **(layout_values() if layout_values else {}),
            "navigation": nav,
            "config_endpoints": app.view_functions,  # lets a page link to another feature only when it exists
        }

    app.jinja_env.filters["datetime"] = format_datetime
