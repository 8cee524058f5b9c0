"""Saved snippets: pieces of text a workspace inserts into its answers."""

from __future__ import annotations

from sqlalchemy import func, select

from crm.extensions import db
from crm.outreach.models import Snippet

MAX_NAME, MAX_BODY = 80, 10_000


class SnippetError(ValueError):
    """The snippet cannot be saved; the message says why."""


def of_workspace(workspace_id: int) -> list[Snippet]:
    """The workspace's snippets, by name."""
    return list(db.session.scalars(select(Snippet).where(Snippet.workspace_id == workspace_id)
                                   .order_by(func.lower(Snippet.name), Snippet.id)))


def save(workspace_id: int, name: str, body: str, snippet: Snippet | None = None) -> Snippet:
    """Add a snippet, or change `snippet`; names are unique in the workspace (ignoring case). Commits."""
    name, body = " ".join((name or "").split()), (body or "").replace("\r\n", "\n").strip("\n")
    if not name or not body.strip():
        raise SnippetError("A snippet needs a name and some text.")
    if len(name) > MAX_NAME or len(body) > MAX_BODY:
        raise SnippetError(f"Keep the name under {MAX_NAME} characters and the text under {MAX_BODY:,}.")
    clash = db.session.scalar(select(Snippet.id).where(Snippet.workspace_id == workspace_id,
                                                       func.lower(Snippet.name) == name.lower()))
    if clash is not None and (snippet is None or clash != snippet.id):
        raise SnippetError(f"There is already a snippet called {name!r}.")
    if snippet is None:
        snippet = Snippet(workspace_id=workspace_id)
        db.session.add(snippet)
    snippet.name, snippet.body = name, body
    db.session.commit()
    return snippet


def delete(snippet: Snippet) -> None:
    """Remove a snippet. Commits."""
    db.session.delete(snippet)
    db.session.commit()
