"""API: outbound messages, replies and tasks."""

from __future__ import annotations

from pydantic import Field, create_model

from crm.api.pages import page
from crm.api.problems import ApiProblem
from crm.api.registry import route
from crm.api.schemas import MessageList, MessageOut, Query, ReplyList, ReplyOut, TaskList, TaskNew, TaskOut
from crm.api.views_campaigns import owned
from crm.campaigns import tasklist
from crm.campaigns.models import Opportunity, Task
from crm.campaigns.services import CampaignError
from crm.extensions import db
from crm.outreach import queries
from crm.outreach.models import MESSAGE_STATUSES, REPLY_KINDS, OutboundMessage, Reply

MessageQuery = create_model(
    "MessageQuery", __base__=Query,
    status=(str | None, Field(None, json_schema_extra={"enum": list(MESSAGE_STATUSES)})),
    campaign=(int | None, Field(None, ge=1, le=2**31 - 1, description="A campaign id.")))
ReplyQuery = create_model(
    "ReplyQuery", __base__=Query, kind=(str | None, Field(None, json_schema_extra={"enum": list(REPLY_KINDS)})))
TaskQuery = create_model(
    "TaskQuery", __base__=Query,
    view=(str, Field("mine", json_schema_extra={"enum": list(tasklist.VIEWS)},
                     description="As on the tasks page: mine, unassigned, all (open) or done.")))


@route("/messages", summary="List outbound messages (the outbox's filters)", tag="outreach",
       response=MessageList, query=MessageQuery)
def list_messages(caller, query):
    """Messages of the outbox, optionally one status or campaign."""
    status = query.status if query.status in MESSAGE_STATUSES else None
    rows, cursor = page(queries.outbox_query(caller.workspace_id, status, query.campaign), OutboundMessage,
                        query.cursor, query.limit)
    return MessageList(data=[MessageOut.model_validate(m) for m in rows], next_cursor=cursor)


@route("/messages/<int:message_id>", summary="One outbound message", tag="outreach", response=MessageOut)
def get_message(caller, message_id: int):
    """A message's recipient, subject and delivery status."""
    return MessageOut.model_validate(owned(OutboundMessage, caller.workspace_id, message_id))


@route("/replies", summary="List replies (the inbox's filter)", tag="outreach", response=ReplyList,
       query=ReplyQuery)
def list_replies(caller, query):
    """Replies matched to a site, optionally of one kind."""
    kind = query.kind if query.kind in REPLY_KINDS else None
    rows, cursor = page(queries.replies_query(caller.workspace_id, kind), Reply, query.cursor, query.limit)
    return ReplyList(data=[ReplyOut.model_validate(r) for r in rows], next_cursor=cursor)


@route("/tasks", summary="List tasks (the tasks page's views)", tag="tasks", response=TaskList, query=TaskQuery)
def list_tasks(caller, query):
    """Tasks as the tasks page lists them; "mine" means the token's creator."""
    view = query.view if query.view in tasklist.VIEWS else "mine"
    rows, cursor = page(tasklist.tasks_query(caller.workspace_id, caller.user_id, view), Task, query.cursor,
                        query.limit)
    return TaskList(data=[TaskOut.model_validate(t) for t in rows], next_cursor=cursor)


@route("/tasks", method="POST", summary="Create a task", tag="tasks", response=TaskOut, status=201, body=TaskNew)
def create_task(caller, body):
    """A task for an opportunity or for nobody in particular, with the same checks as the task form."""
    opportunity = db.session.get(Opportunity, body.opportunity_id) if body.opportunity_id else None
    if body.opportunity_id and (opportunity is None or opportunity.workspace_id != caller.workspace_id):
        raise ApiProblem(422, "opportunity_id is not an opportunity of this workspace.")
    try:
        task = tasklist.create_task(caller.workspace_id, title=body.title, actor_id=caller.user_id,
                                    due_on=body.due_on, assignee_id=body.assignee_id, opportunity=opportunity,
                                    notes=body.notes)
    except CampaignError as exc:
        raise ApiProblem(422, str(exc)) from None
    return TaskOut.model_validate(task)


@route("/tasks/<int:task_id>/complete", method="POST", summary="Mark a task done", tag="tasks", response=TaskOut)
def complete_task(caller, task_id: int):
    """Complete a task under the same rule as the page: members their own and unassigned ones, admins any."""
    task = owned(Task, caller.workspace_id, task_id)
    try:
        tasklist.complete_task(task, role=caller.role, actor_id=caller.user_id)
    except CampaignError as exc:
        raise ApiProblem(403, str(exc)) from None
    return TaskOut.model_validate(task)
