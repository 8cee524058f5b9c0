"""Who a campaign's sequence has enrolled, for its launch page: each enrollment with the contact's address."""

from __future__ import annotations

from sqlalchemy import select

from crm.extensions import db
from crm.outreach.models import Enrollment
from crm.prospects.models import Contact


def enrollments(workspace_id: int, sequence_id: int) -> list[tuple[Enrollment, str]]:
    """A sequence's enrollments with each contact's address, newest first."""
    return list(db.session.execute(
        select(Enrollment, Contact.email).join(Contact, Contact.id == Enrollment.contact_id)
        .where(Enrollment.workspace_id == workspace_id, Enrollment.sequence_id == sequence_id)
        .order_by(Enrollment.id.desc())
    ))
