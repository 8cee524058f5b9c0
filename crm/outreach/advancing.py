"""The periodic step that moves enrollments on: resume paused ones, queue follow-ups that have come due."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError

from crm import timeline
from crm.db import utcnow
from crm.extensions import db
from crm.outreach import identities, suppression
from crm.outreach.models import Enrollment, OutboundMessage
from crm.outreach.sequencing import CapPlanner, queue_step, steps_of
from crm.outreach.stopping import stop_enrollments

SENT_STATUSES = ("sent", "delivered", "opened", "clicked")
BATCH = 500


def _due_ids(now: datetime, limit: int, workspace_id: int | None) -> list[int]:
    query = select(Enrollment.id).where(or_(
        and_(Enrollment.status == "active", Enrollment.next_due_at <= now),
        and_(Enrollment.status == "paused", Enrollment.paused_until <= now),
    )).order_by(Enrollment.id).limit(limit)
    if workspace_id is not None:
        query = query.where(Enrollment.workspace_id == workspace_id)
    return list(db.session.scalars(query))


def _blocked(enrollment: Enrollment) -> str | None:
    contact, site = enrollment.contact, enrollment.contact.site if enrollment.contact else None
    if contact is None:
        return "contact removed"
    if contact.status != "ok":
        return f"contact {contact.status}"
    if site is not None and site.status != "active":
        return f"site {site.status.replace('_', ' ')}"
    if suppression.find(enrollment.workspace_id, contact.email) is not None:
        return "suppressed"
    return None


def _resume(enrollment: Enrollment, now: datetime) -> bool:
    """Make a paused enrollment active; True when it still has a step to queue."""
    enrollment.status, enrollment.paused_until, enrollment.stop_reason = "active", None, ""
    held = db.session.scalar(select(OutboundMessage.id).where(
        OutboundMessage.enrollment_id == enrollment.id, OutboundMessage.step_position == enrollment.next_position,
    ))
    if held is not None:
        return False  # its message was held in the queue until now and goes as it is
    enrollment.next_due_at = min(enrollment.next_due_at or now, now)
    return True


def _advance_one(enrollment: Enrollment, now: datetime, planners: dict[int, CapPlanner]) -> str:
    reason = _blocked(enrollment)
    if reason is not None:
        stop_enrollments(enrollment.workspace_id, reason, contact_id=enrollment.contact_id)
        return "stopped"
    steps = [s for s in steps_of(enrollment.sequence) if s.position == enrollment.next_position]
    if not steps:
        enrollment.status, enrollment.stop_reason, enrollment.next_due_at = "finished", "all steps sent", None
        return "finished"
    sender = enrollment.sequence.sender
    if sender is None or not sender.active:
        return "waiting_for_sender"  # stays due; the launch page says why
    planner = planners.get(sender.id)
    if planner is None:
        planner = planners[sender.id] = CapPlanner(sender)
    earliest = max(now, enrollment.next_due_at or now)
    result = queue_step(enrollment, steps[0], earliest, planner, enrollment.contact.timezone)
    enrollment.next_due_at = None
    if result.problems:
        enrollment.status, enrollment.stop_reason = "stopped", f"step {steps[0].position} cannot render"
        timeline.record(
            enrollment.workspace_id, "outreach_problem",
            f"Follow-up {steps[0].position} to {enrollment.contact.email} was not sent: "
            + "; ".join(p.message for p in result.problems),
            site_id=enrollment.site_id, contact_id=enrollment.contact_id, opportunity_id=enrollment.opportunity_id,
        )
        return "stopped"
    return "queued_followups" if result.message is not None else "already_queued"


def advance_due(now: datetime | None = None, limit: int = 5000, workspace_id: int | None = None) -> dict[str, int]:
    """Resume paused enrollments and queue due follow-ups (of one workspace, or all); one commit per enrollment."""
    now = now or utcnow()
    counts: Counter = Counter()
    planners: dict[int, CapPlanner] = {}
    while limit > 0:
        ids = _due_ids(now, min(BATCH, limit), workspace_id)
        if not ids:
            break
        limit -= len(ids)
        moved = 0
        for enrollment_id in ids:
            enrollment = db.session.get(Enrollment, enrollment_id)
            try:
                if enrollment.status == "paused":
                    counts["resumed"] += 1
                    outcome = _advance_one(enrollment, now, planners) if _resume(enrollment, now) else "resumed"
                else:
                    outcome = _advance_one(enrollment, now, planners)
                db.session.commit()
            except (IntegrityError, identities.IdentityError):
                db.session.rollback()  # another worker queued it first, or the identity needs fixing
                planners.clear()
                outcome = "skipped"
            if outcome != "resumed":
                counts[outcome] += 1
            moved += outcome not in ("waiting_for_sender", "skipped")
        if not moved:
            break  # only enrollments that must wait are left; don't spin over them
    return dict(counts)
