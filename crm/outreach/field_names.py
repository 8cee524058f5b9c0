"""Which custom field keys a workspace defines, read for checking the names templates use."""

from __future__ import annotations

from sqlalchemy import select

from crm.extensions import db
from crm.prospects.models import CustomField


def defined_keys(workspace_id: int) -> dict[str, list[str]]:
    """The workspace's custom field keys by scope (contact, opportunity, site); empty when none are defined."""
    keys: dict[str, list[str]] = {}
    for entity, key in db.session.execute(select(CustomField.entity, CustomField.key).where(
            CustomField.workspace_id == workspace_id)):
        keys.setdefault(entity, []).append(key)
    return keys
