"""Rows of another workspace for the accounts routes that take an id."""

from tests.accounts.factories import InvitationFactory, MembershipFactory
from tests.support.isolation import factory_row

invitation = factory_row(InvitationFactory, "invitation_id", "accounts.revoke")
membership = factory_row(MembershipFactory, "membership_id", "accounts.change_role", "accounts.remove_member",
                         role="owner")
