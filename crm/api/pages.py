"""Cursor pagination for API lists: opaque cursors, ordered by id so pages never skip or repeat a row."""

from __future__ import annotations

import base64
import binascii

from pydantic import BaseModel, Field, create_model
from sqlalchemy import Select

from crm.api.problems import ApiProblem
from crm.extensions import db


def encode(last_id: int) -> str:
    """The cursor after the row with this id."""
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode(cursor: str | None) -> int:
    """The id a cursor continues after (0 for the first page); 400 for a cursor we did not give out."""
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, value = text.partition(":")
        if kind != "id" or not value.isdigit() or len(value) > 18:
            raise ValueError
        return int(value)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ApiProblem(400, "The cursor is not one this API gave out.") from None


def page(query: Select, model, cursor: str | None, limit: int) -> tuple[list, str | None]:
    """One page of a filtered select (the service's own filters), keyed on `model.id`: (rows, next cursor)."""
    after = decode(cursor)
    ordered = query.order_by(None).where(model.id > after).order_by(model.id).limit(limit + 1)
    rows = list(db.session.scalars(ordered).unique())
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, encode(rows[-1].id) if more and rows else None


def listing(item: type[BaseModel]) -> type[BaseModel]:
    """A list response model for items of one kind: {"data": [...], "next_cursor": ...}."""
    return create_model(
        f"{item.__name__}List",
        data=(list[item], ...),
        next_cursor=(str | None, Field(None, description="Pass as `cursor` for the next page; null on the last.")),
    )
