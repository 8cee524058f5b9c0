"""The marketer's own verdict on a reply: a positive answer, counted apart in subject and body tests."""

from __future__ import annotations

from crm.extensions import db
from crm.outreach.models import Reply


def mark_positive(reply: Reply, positive: bool) -> None:
    """Mark a reply written by a person as positive, or take the mark away; commits."""
    if reply.kind != "human":
        raise ValueError("Only a reply written by a person can be marked positive.")
    reply.positive = positive
    db.session.commit()
