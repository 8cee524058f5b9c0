"""Rows of another workspace for the accounts routes that take an id."""

from tests.accounts.factories import InvitationFactory, MembershipFactory
from tests.support.isolation import covers


@covers("accounts.revoke")
def invitation(workspace_id):
    row = InvitationFactory(workspace_id=workspace_id)
    return {"invitation_id": row.id}, row


@covers("accounts.change_role", "accounts.remove_member")
def membership(workspace_id):
    row = MembershipFactory(workspace_id=workspace_id, role="owner")
    return {"membership_id": row.id}, row
