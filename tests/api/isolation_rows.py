"""Rows of another workspace for the API settings routes that take an id."""

from crm.api import tokens
from tests.support.isolation import covers, owner_id


@covers("api_settings.revoke_token")
def api_token(workspace_id):
    row, _ = tokens.create_token(workspace_id, name="Rival's sheet sync", created_by_id=owner_id(workspace_id))
    return {"token_id": row.id}, row
