"""Every feature's models, imported together so migrations and the worker see the whole schema."""

from crm.accounts.models import Invitation, LoginThrottle, Membership, User, UserSession, Workspace  # noqa: F401
from crm.ops.models import WorkerHeartbeat  # noqa: F401
