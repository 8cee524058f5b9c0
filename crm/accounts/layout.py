"""What the base layout shows of accounts: the current seat, the user's workspaces, role checks and forms."""

from __future__ import annotations

from flask import g
from flask_login import current_user

from crm.accounts.current import can
from crm.accounts.forms import ActionForm, SwitchWorkspaceForm
from crm.accounts.workspaces import memberships_of


def layout_values() -> dict:
    """The accounts values every page's layout uses, as plain values for the template context."""
    signed_in = current_user.is_authenticated
    return {
        "membership": g.get("membership"),
        "my_memberships": memberships_of(current_user) if signed_in else [],
        "can": can,
        "switch_form": SwitchWorkspaceForm() if signed_in else None,
        "logout_form": ActionForm() if signed_in else None,
    }
