"""The workspace dashboard's figures: links this month vs last, links needing attention, tasks due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, case, func, literal, or_, select

from crm.campaigns.models import Campaign, Task
from crm.campaigns.reporting import figures
from crm.campaigns.reporting.figures import LIVE_STATUSES, LOST_STATUSES, UNCERTAIN_STATUSES
from crm.db import utcnow
from crm.extensions import db
from crm.links.models import Backlink
from crm.reports.harmful import harm_candidates

TASKS_DUE_WITHIN = timedelta(days=7)
UNCHECKED_GRACE = timedelta(days=1)  # a new link waits for its first check; only then is "unchecked" a worry
ATTENTION_KINDS = (("lost", "Lost"), ("changed", "Changed"), ("unverified", "Not verified"))


@dataclass(frozen=True)
class MonthFigures:
    """Live links now and at the end of last month; links that went live or were lost this month and last."""

    live_now: int
    quality_now: float | None
    live_end_of_last_month: int
    went_live_this_month: int
    quality_this_month: float | None
    went_live_last_month: int
    quality_last_month: float | None
    lost_this_month: int
    lost_last_month: int


def _at_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _flag(condition):
    return case((condition, 1), else_=0)


@dataclass(frozen=True)
class LinkSummary:
    """Everything the dashboard counts over the workspace's links, read in one pass."""

    months: MonthFigures
    attention: dict[str, int]
    harmful: int


def link_summary(workspace_id: int, now: datetime | None = None) -> LinkSummary:
    """This month against last (from each link's status, score, first-live and lost dates), how many links need
    attention, and how many may be harmful: one scan of the workspace's links, whatever their number."""
    now = now or utcnow()
    this = _at_midnight(figures.month_start(now))
    last = _at_midnight(figures.add_months(figures.month_start(now), -1))
    live = Backlink.status.in_(LIVE_STATUSES)
    scored = Backlink.score.is_not(None)
    in_this = Backlink.first_live_at >= this
    in_last = and_(Backlink.first_live_at >= last, Backlink.first_live_at < this)
    gone = and_(Backlink.lost_at.is_not(None), Backlink.status.not_in(figures.ON_PAGE_STATUSES))
    kind = _attention_kind(now)
    row = db.session.execute(
        select(
            func.sum(_flag(live)), func.sum(case((live, Backlink.score))), func.sum(_flag(and_(live, scored))),
            func.sum(_flag(and_(Backlink.first_live_at < this,
                                or_(Backlink.lost_at.is_(None), Backlink.lost_at >= this, live)))),
            func.sum(_flag(in_this)), func.sum(case((in_this, Backlink.score))), func.sum(_flag(and_(in_this, scored))),
            func.sum(_flag(in_last)), func.sum(case((in_last, Backlink.score))), func.sum(_flag(and_(in_last, scored))),
            func.sum(_flag(and_(gone, Backlink.lost_at >= this))),
            func.sum(_flag(and_(gone, Backlink.lost_at >= last, Backlink.lost_at < this))),
            *(func.sum(_flag(kind == key)) for key, _ in ATTENTION_KINDS),
            func.sum(_flag(harm_candidates())),
        ).where(Backlink.workspace_id == workspace_id)
    ).one()
    n = [int(value or 0) for value in row]
    months = MonthFigures(
        live_now=n[0], quality_now=figures.rate(n[1], n[2]), live_end_of_last_month=n[3],
        went_live_this_month=n[4], quality_this_month=figures.rate(n[5], n[6]),
        went_live_last_month=n[7], quality_last_month=figures.rate(n[8], n[9]),
        lost_this_month=n[10], lost_last_month=n[11],
    )
    attention = {key: n[12 + i] for i, (key, _) in enumerate(ATTENTION_KINDS)}
    return LinkSummary(months=months, attention=attention, harmful=n[12 + len(ATTENTION_KINDS)])


@dataclass(frozen=True)
class AttentionLink:
    """A link someone should look at, and why."""

    id: int
    kind: str
    source_url: str
    target_url: str
    status: str
    pending_status: str | None
    since: datetime | None
    campaign: str | None


def _attention_kind(now: datetime):
    changed = or_(
        Backlink.pending_status.is_not(None),
        Backlink.status == "not_indexable",
        and_(Backlink.status == "live_nofollow", Backlink.expected_rel == "follow"),
    )
    unverified = or_(
        Backlink.status.in_([s for s in UNCERTAIN_STATUSES if s != "unchecked"]),
        and_(Backlink.status == "unchecked", Backlink.created_at < now - UNCHECKED_GRACE),
    )
    return case((Backlink.status.in_(LOST_STATUSES), literal("lost")), (changed, literal("changed")),
                (unverified, literal("unverified")))


def attention_links(workspace_id: int, limit: int = 10, now: datetime | None = None) -> list[AttentionLink]:
    """The links that most recently became lost, changed or unverifiable."""
    kind = _attention_kind(now or utcnow())
    since = func.coalesce(Backlink.status_since, Backlink.updated_at)
    query = (
        select(Backlink.id, kind, Backlink.source_url, Backlink.target_url, Backlink.status,
               Backlink.pending_status, since, Campaign.name)
        .outerjoin(Campaign, Campaign.id == Backlink.campaign_id)
        .where(Backlink.workspace_id == workspace_id, kind.is_not(None))
        .order_by(since.desc(), Backlink.id.desc())
        .limit(limit)
    )
    return [AttentionLink(*row) for row in db.session.execute(query)]


@dataclass(frozen=True)
class DueTask:
    """An open task due soon or overdue."""

    id: int
    title: str
    due_on: date
    overdue: bool
    mine: bool
    campaign: str | None


def tasks_due(workspace_id: int, user_id: int, today: date | None = None, limit: int = 10) -> list[DueTask]:
    """Open tasks for me or nobody, overdue or due within a week, soonest first."""
    today = today or utcnow().date()
    query = (
        select(Task.id, Task.title, Task.due_on, Task.assignee_id, Campaign.name)
        .outerjoin(Campaign, Campaign.id == Task.campaign_id)
        .where(Task.workspace_id == workspace_id, Task.done_at.is_(None), Task.due_on.is_not(None),
               Task.due_on <= today + TASKS_DUE_WITHIN, or_(Task.assignee_id == user_id, Task.assignee_id.is_(None)))
        .order_by(Task.due_on, Task.id)
        .limit(limit)
    )
    return [DueTask(task_id, title, due, due < today, assignee == user_id, campaign)
            for task_id, title, due, assignee, campaign in db.session.execute(query)]
