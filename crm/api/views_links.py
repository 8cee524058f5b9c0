"""API: backlinks with their checks, adding one, and asking for a recheck."""

from __future__ import annotations

from dataclasses import replace

from pydantic import Field, create_model
from sqlalchemy import select

from crm.api.pages import page
from crm.api.problems import ApiProblem
from crm.api.registry import route
from crm.api.schemas import (
    BacklinkList,
    BacklinkNew,
    BacklinkOut,
    CheckList,
    CheckOut,
    Query,
    RecheckQueued,
    Text,
)
from crm.api.views_campaigns import owned
from crm.links import backlinks as service
from crm.links.bulkinput import InputError, make_row
from crm.links.models import Backlink, LinkCheck
from crm.links.tasks import verify_run
from crm.links.verification import start_run

MAX_ID = 2**31 - 1
BacklinkQuery = create_model(
    "BacklinkQuery", __base__=Query,
    status=(str | None, Field(None, json_schema_extra={"enum": list(service.STATUS_FILTERS)})),
    campaign=(int | None, Field(None, ge=1, le=MAX_ID, description="A campaign id.")),
    site=(Text | None, Field(None, max_length=253, description="A site id, or part of the source domain.")),
    q=(Text | None, Field(None, max_length=200, description="Words in the source, target or anchor.")))


@route("/backlinks", summary="List backlinks (the backlinks page's filters)", tag="backlinks",
       response=BacklinkList, query=BacklinkQuery)
def list_backlinks(caller, query):
    """Backlinks matching the list page's filters, in id order."""
    site = query.site or ""
    if site.isdigit() and int(site) > MAX_ID:
        site = "0"
    rows = service.filtered(caller.workspace_id, status=query.status or "", campaign_id=query.campaign,
                            site=site, q=query.q or "")
    found, cursor = page(rows, Backlink, query.cursor, query.limit)
    return BacklinkList(data=[BacklinkOut.model_validate(b) for b in found], next_cursor=cursor)


@route("/backlinks/<int:backlink_id>", summary="One backlink", tag="backlinks", response=BacklinkOut)
def get_backlink(caller, backlink_id: int):
    """A backlink's expectation, status and score."""
    return BacklinkOut.model_validate(owned(Backlink, caller.workspace_id, backlink_id))


@route("/backlinks/<int:backlink_id>/checks", summary="A backlink's checks", tag="backlinks", response=CheckList,
       query=Query)
def list_checks(caller, backlink_id: int, query):
    """Every verification of a backlink with its evidence, oldest first."""
    backlink = owned(Backlink, caller.workspace_id, backlink_id)
    rows, cursor = page(select(LinkCheck).where(LinkCheck.backlink_id == backlink.id), LinkCheck,
                        query.cursor, query.limit)
    return CheckList(data=[CheckOut.model_validate(c) for c in rows], next_cursor=cursor)


@route("/backlinks", method="POST", summary="Track a backlink", tag="backlinks", response=BacklinkOut, status=201,
       body=BacklinkNew, errors=(409,))
def create_backlink(caller, body):
    """Add a backlink with the same validation as the "Add backlink" form; it is checked within the hour."""
    if body.campaign_id is not None:
        owned_campaign = service.lookups.campaign_exists(caller.workspace_id, body.campaign_id)
        if not owned_campaign:
            raise ApiProblem(422, "campaign_id is not a campaign of this workspace.")
    try:
        row = make_row(body.model_dump(exclude={"campaign_id"}), None)
        row = replace(row, currency=(row.currency or "USD").upper())
        backlink = service.add_backlink(caller.workspace_id, row, campaign_id=body.campaign_id)
    except InputError as exc:
        raise ApiProblem(409 if "already tracked" in str(exc) else 422, str(exc)) from None
    return BacklinkOut.model_validate(backlink)


@route("/backlinks/<int:backlink_id>/recheck", method="POST", summary="Ask for a recheck now", tag="backlinks",
       response=RecheckQueued, status=202)
def recheck_backlink(caller, backlink_id: int):
    """Queue a verification run, as "Verify now" does; the result arrives as a new check."""
    backlink = owned(Backlink, caller.workspace_id, backlink_id)
    run = start_run(caller.workspace_id, [backlink.id], caller.user_id)
    verify_run(run.id)
    return RecheckQueued(run_id=run.id, backlink_ids=[backlink.id])
