"""The tasks page: my open tasks with overdue ones first, other views, making and completing tasks."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from crm.accounts.current import current_workspace, get_scoped_or_404, require_role
from crm.campaigns import forms, services, tasklist
from crm.campaigns.models import Task
from crm.campaigns.services import CampaignError
from crm.campaigns.views import actor, bp
from crm.security import safe_next

VIEW_LABELS = {"mine": "My tasks", "unassigned": "Unassigned", "all": "All open", "done": "Done"}


def _task_form(submitted: bool = False) -> forms.TaskForm:
    form = forms.TaskForm() if submitted else forms.TaskForm(None)
    form.assignee_id.choices = forms.people_choices(services.members(current_workspace().id))
    if not submitted:
        form.assignee_id.data = actor()[1]
    return form


@bp.get("/tasks")
@require_role("viewer")
def my_tasks(form=None):
    """Open tasks assigned to me (or another view), overdue ones marked."""
    view = request.args.get("view", "mine")
    view = view if view in tasklist.VIEWS else "mine"
    page = tasklist.tasks_for(current_workspace().id, actor()[1], view, page=request.args.get("page", 1, type=int))
    return render_template("campaigns/tasks.html", page=page, view=view, views=VIEW_LABELS,
                           form=form or _task_form(), is_overdue=tasklist.is_overdue)


@bp.post("/tasks")
@require_role("member")
def new_task():
    """A task not tied to any opportunity (a reminder, a chore)."""
    form = _task_form(submitted=True)
    if form.validate_on_submit():
        try:
            tasklist.create_task(current_workspace().id, title=form.title.data, actor_id=actor()[1],
                                 due_on=form.due_on.data, assignee_id=form.assignee_id.data, notes=form.notes.data)
        except CampaignError as exc:
            flash(str(exc), "danger")
        else:
            flash("Task added.", "success")
            return redirect(url_for("campaigns.my_tasks"))
    return my_tasks(form=form), 400


def _finish(task_id: int, done: bool):
    task = get_scoped_or_404(Task, task_id)
    form = forms.ActionForm()
    back = safe_next(request.form.get("next"), url_for("campaigns.my_tasks"))
    if form.validate_on_submit():
        role, user_id = actor()
        try:
            tasklist.complete_task(task, role=role, actor_id=user_id, done=done)
        except CampaignError as exc:
            flash(str(exc), "danger")
        else:
            flash(f"Task {'done' if done else 'reopened'}: {task.title}", "success")
    return redirect(back)


@bp.post("/tasks/<int:task_id>/done")
@require_role("member")
def complete_task(task_id: int):
    """Mark a task done."""
    return _finish(task_id, True)


@bp.post("/tasks/<int:task_id>/reopen")
@require_role("member")
def reopen_task(task_id: int):
    """Open a done task again."""
    return _finish(task_id, False)
