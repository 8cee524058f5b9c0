"""Factories for accounts: workspaces, users, memberships, invitations (rows commit so requests see them)."""

from __future__ import annotations

from datetime import timedelta

import factory
from argon2 import PasswordHasher

from crm.accounts.models import Invitation, Membership, User, Workspace
from crm.db import utcnow
from tests.support.factorybase import BaseFactory

PASSWORD = "correct horse battery staple"
# One hash for every test user: argon2 is slow on purpose, and tests make many users.
PASSWORD_HASH = PasswordHasher().hash(PASSWORD)


class WorkspaceFactory(BaseFactory):
    class Meta:
        model = Workspace

    name = factory.Sequence(lambda n: f"Workspace {n}")
    postal_address = "1 Test Street, Testville"


class UserFactory(BaseFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@agency.example")
    name = factory.Faker("name")
    password_hash = PASSWORD_HASH


class MembershipFactory(BaseFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    workspace = factory.SubFactory(WorkspaceFactory)
    role = "member"


class InvitationFactory(BaseFactory):
    class Meta:
        model = Invitation

    workspace_id = factory.LazyAttribute(lambda o: WorkspaceFactory().id)
    email = factory.Sequence(lambda n: f"invitee{n}@agency.example")
    role = "member"
    token_hash = factory.Sequence(lambda n: f"{n:064d}")
    expires_at = factory.LazyFunction(lambda: utcnow() + timedelta(days=7))
