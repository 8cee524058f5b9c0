"""Tasks: made by hand or by events (idempotent by origin), completed, and listed per person and campaign."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from crm import timeline
from crm.campaigns import guards
from crm.campaigns.models import Campaign, Opportunity, Task
from crm.campaigns.services import CampaignError, members
from crm.db import utcnow
from crm.extensions import db
from crm.prospects.models import Site

MAX_TITLE = 200
VIEWS = ("mine", "unassigned", "all", "done")


def _check_assignee(workspace_id: int, assignee_id: int | None) -> None:
    if assignee_id is not None and assignee_id not in {u.id for u in members(workspace_id)}:
        raise CampaignError("Assign the task to a member of this workspace.")


def create_task(workspace_id: int, *, title: str, actor_id: int | None, due_on: date | None = None,
                assignee_id: int | None = None, opportunity: Opportunity | None = None,
                campaign_id: int | None = None, notes: str = "") -> Task:
    """A task made by a person (for an opportunity, a campaign, or nothing in particular); commits."""
    title = (title or "").strip()
    if not title:
        raise CampaignError("A task needs a title.")
    if len(title) > MAX_TITLE:
        raise CampaignError(f"Keep the title under {MAX_TITLE} characters.")
    _check_assignee(workspace_id, assignee_id)
    task = Task(workspace_id=workspace_id, title=title, notes=(notes or "").strip(), kind="manual",
                due_on=due_on, assignee_id=assignee_id, campaign_id=campaign_id)
    if opportunity is not None:
        task.opportunity_id, task.site_id = opportunity.id, opportunity.site_id
        task.campaign_id = opportunity.campaign_id
        timeline.record(workspace_id, "task_created", f"Task: {title}", site_id=opportunity.site_id,
                        opportunity_id=opportunity.id, actor_id=actor_id)
    db.session.add(task)
    db.session.commit()
    return task


def ensure_task(workspace_id: int, origin: str, *, title: str, kind: str, notes: str = "",
                opportunity: Opportunity | None = None, campaign: Campaign | None = None) -> Task | None:
    """The automatic task for an event, made once per origin; a done one is reopened (not committed).

    Returns the task when it was made or reopened, None when an open one already exists.
    """
    existing = db.session.scalar(select(Task).where(Task.workspace_id == workspace_id, Task.origin == origin))
    if existing is not None:
        if existing.done_at is None:
            return None
        # The same thing happened again after someone dealt with it (a link lost a second time).
        existing.done_at, existing.due_on = None, utcnow().date()
        return existing
    campaign = campaign or (opportunity.campaign if opportunity else None)
    assignee = (opportunity.owner_id if opportunity else None) or (campaign.owner_id if campaign else None)
    task = Task(workspace_id=workspace_id, origin=origin, title=title, kind=kind, notes=notes,
                due_on=utcnow().date(), assignee_id=assignee, campaign_id=campaign.id if campaign else None,
                opportunity_id=opportunity.id if opportunity else None,
                site_id=opportunity.site_id if opportunity else None)
    try:
        with db.session.begin_nested():  # two workers with the same event: the unique origin keeps one task
            db.session.add(task)
    except IntegrityError:
        return None
    return task


def complete_task(task: Task, *, role: str, actor_id: int, done: bool = True) -> None:
    """Mark a task done (or open again); members only their own and unassigned tasks; commits."""
    if not guards.may_complete_task(role, actor_id, task.assignee_id):
        raise CampaignError("This task is someone else's; ask them or an admin.")
    task.done_at = utcnow() if done else None
    if task.opportunity_id:
        timeline.record(task.workspace_id, "task_done" if done else "task_reopened",
                        f"Task {'done' if done else 'reopened'}: {task.title}", site_id=task.site_id,
                        opportunity_id=task.opportunity_id, actor_id=actor_id)
    db.session.commit()


def tasks_query(workspace_id: int, user_id: int, view: str = "mine"):
    """Tasks: mine (open), unassigned (open), all open, or done (newest first); soonest due first."""
    query = (
        select(Task)
        .where(Task.workspace_id == workspace_id)
        .options(joinedload(Task.assignee), joinedload(Task.opportunity).joinedload(Opportunity.site))
    )
    if view == "done":
        query = query.where(Task.done_at.is_not(None)).order_by(Task.done_at.desc())
    else:
        query = query.where(Task.done_at.is_(None))
        if view == "mine":
            query = query.where(Task.assignee_id == user_id)
        elif view == "unassigned":
            query = query.where(Task.assignee_id.is_(None))
        query = query.order_by(Task.due_on.is_(None), Task.due_on, Task.id)
    return query


def tasks_for(workspace_id: int, user_id: int, view: str = "mine", *, page: int = 1, per_page: int = 50):
    """A page of tasks: mine (open), unassigned (open), all open, or done (newest first); soonest due first."""
    return db.paginate(tasks_query(workspace_id, user_id, view), page=page, per_page=per_page, error_out=False)


def open_tasks(workspace_id: int, *, campaign_id: int | None = None, opportunity_id: int | None = None,
               limit: int = 50) -> list[Task]:
    """Open tasks of a campaign or an opportunity, soonest first."""
    query = select(Task).where(Task.workspace_id == workspace_id, Task.done_at.is_(None))
    if campaign_id is not None:
        query = query.where(Task.campaign_id == campaign_id)
    if opportunity_id is not None:
        query = query.where(Task.opportunity_id == opportunity_id)
    query = query.options(joinedload(Task.assignee), joinedload(Task.opportunity).joinedload(Opportunity.site))
    return list(db.session.scalars(query.order_by(Task.due_on.is_(None), Task.due_on, Task.id).limit(limit)))


def is_overdue(task: Task, today: date | None = None) -> bool:
    """An open task whose due date has passed."""
    return task.done_at is None and task.due_on is not None and task.due_on < (today or utcnow().date())


def site_domain(task: Task) -> str | None:
    """The domain a task is about, if any (loaded with the task)."""
    if task.opportunity is not None:
        return task.opportunity.site.domain
    if task.site_id:
        site = db.session.get(Site, task.site_id)
        return site.domain if site else None
    return None
