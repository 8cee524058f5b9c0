"""The base of every test factory: rows commit through the app's session and follow their parent's workspace."""

from __future__ import annotations

from factory.alchemy import SQLAlchemyModelFactory
from sqlalchemy import inspect

from crm.extensions import db


class BaseFactory(SQLAlchemyModelFactory):
    """Commits through the app's session (needs an app context).

    A row given a parent (``site=row`` or ``site_id=row.id``) and no ``workspace_id`` takes the parent's
    workspace, and a parent given by id stands in for the parent the factory would otherwise make.
    """

    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"

    @classmethod
    def _generate(cls, strategy, params):
        """Fill in the parent and the workspace from what the caller gave, then build as usual."""
        if not cls._meta.abstract:
            params = _with_parents(cls, dict(params))
        return super()._generate(strategy, params)


def _with_parents(cls, params: dict) -> dict:
    """Turn a parent's id into the parent row where the factory declares it, and copy its workspace."""
    relationships = inspect(cls._meta.model).relationships
    for name, rel in relationships.items():
        key = f"{name}_id"
        if name in cls._meta.declarations and key in params and name not in params:
            parent_id = params.pop(key)
            params[name] = db.session.get(rel.mapper.class_, parent_id) if parent_id is not None else None
    if params.get("workspace_id") is None and "workspace" not in params and hasattr(cls._meta.model, "workspace_id"):
        for name in [key for key, _ in relationships.items()]:
            parent = params.get(name)
            if parent is not None and getattr(parent, "workspace_id", None) is not None:
                params["workspace_id"] = parent.workspace_id
                break
    return params


def new_workspace_id() -> int:
    """A fresh workspace's id, for rows made without one."""
    from tests.accounts.factories import WorkspaceFactory

    return WorkspaceFactory().id
