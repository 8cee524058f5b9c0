"""Rows of another workspace for the API settings routes that take an id."""

from crm.accounts.models import Workspace
from crm.api import tokens
from crm.extensions import db
from tests.accounts.factories import MembershipFactory
from tests.support.isolation import covers


@covers("api_settings.revoke_token")
def api_token(workspace_id):
    member = MembershipFactory(workspace=db.session.get(Workspace, workspace_id), role="owner")
    db.session.flush()
    row, _ = tokens.create_token(workspace_id, name="Rival's sheet sync", created_by_id=member.user_id)
    return {"token_id": row.id}, row
