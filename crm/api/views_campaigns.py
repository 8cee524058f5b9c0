"""API: campaigns, their opportunities (moving a stage, adding sites behind the guards) and report figures."""

from __future__ import annotations

from pydantic import Field, create_model
from sqlalchemy import select

from crm.accounts.models import Workspace
from crm.api.pages import page
from crm.api.problems import ApiProblem
from crm.api.registry import route
from crm.api.schemas import (
    AddedSites,
    CampaignList,
    CampaignOut,
    OpportunityList,
    OpportunityOut,
    Query,
    ReportFigures,
    SitesToAdd,
    Skipped,
    StageMove,
    Text,
)
from crm.campaigns import board, pipeline, services
from crm.campaigns.models import CAMPAIGN_STATUSES, STAGES, Campaign, Opportunity
from crm.campaigns.reporting.report import build_report
from crm.campaigns.services import CampaignError
from crm.extensions import db

CampaignQuery = create_model(
    "CampaignQuery", __base__=Query,
    status=(str | None, Field(None, json_schema_extra={"enum": list(CAMPAIGN_STATUSES)})))
OpportunityQuery = create_model(
    "OpportunityQuery", __base__=Query,
    stage=(str | None, Field(None, json_schema_extra={"enum": list(STAGES)})),
    owner=(str | None, Field(None, pattern=r"^(me|none|[0-9]{1,9})$", description='"me", "none" or a user id.')),
    q=(Text | None, Field(None, max_length=100, description="Part of the site's domain.")),
    overdue=(bool, Field(False, description="Only cards whose next action is past.")))


def owned(model, workspace_id: int, row_id: int):
    """A row of the caller's workspace, or 404 exactly as for a missing one."""
    row = db.session.get(model, row_id)
    if row is None or row.workspace_id != workspace_id:
        raise ApiProblem(404, f"No such {model.__tablename__.replace('_', ' ')} in this workspace.")
    return row


@route("/campaigns", summary="List campaigns", tag="campaigns", response=CampaignList, query=CampaignQuery)
def list_campaigns(caller, query):
    """Campaigns, optionally of one status, in id order."""
    rows = select(Campaign).where(Campaign.workspace_id == caller.workspace_id)
    if query.status in CAMPAIGN_STATUSES:
        rows = rows.where(Campaign.status == query.status)
    found, cursor = page(rows, Campaign, query.cursor, query.limit)
    return CampaignList(data=[CampaignOut.model_validate(c) for c in found], next_cursor=cursor)


@route("/campaigns/<int:campaign_id>", summary="One campaign", tag="campaigns", response=CampaignOut)
def get_campaign(caller, campaign_id: int):
    """A campaign's settings."""
    return CampaignOut.model_validate(owned(Campaign, caller.workspace_id, campaign_id))


@route("/campaigns/<int:campaign_id>/opportunities", summary="A campaign's opportunities (the table's filters)",
       tag="opportunities", response=OpportunityList, query=OpportunityQuery)
def list_opportunities(caller, campaign_id: int, query):
    """The campaign's opportunities narrowed as the table view narrows them."""
    campaign = owned(Campaign, caller.workspace_id, campaign_id)
    wanted = board.TableFilters(stage=query.stage or "", owner=query.owner or "", q=query.q or "",
                                overdue=query.overdue)
    rows, cursor = page(board.table_query(campaign.id, wanted, user_id=caller.user_id), Opportunity,
                        query.cursor, query.limit)
    return OpportunityList(data=[OpportunityOut.model_validate(o) for o in rows], next_cursor=cursor)


@route("/opportunities/<int:opportunity_id>", summary="One opportunity", tag="opportunities",
       response=OpportunityOut)
def get_opportunity(caller, opportunity_id: int):
    """An opportunity's stage, contact, owner and terms."""
    return OpportunityOut.model_validate(owned(Opportunity, caller.workspace_id, opportunity_id))


@route("/opportunities/<int:opportunity_id>/stage", method="POST", summary="Move an opportunity to a stage",
       tag="opportunities", response=OpportunityOut, body=StageMove)
def move_opportunity(caller, opportunity_id: int, body):
    """Move the card as the board does: the same stage rules and owner guard."""
    opportunity = owned(Opportunity, caller.workspace_id, opportunity_id)
    after = body.after_id
    if after is not None:
        neighbour = db.session.get(Opportunity, after) if after <= 2**31 - 1 else None
        if neighbour is None or neighbour.campaign_id != opportunity.campaign_id:
            raise ApiProblem(422, "after_id is not an opportunity of the same campaign.")
    try:
        pipeline.move(opportunity, body.stage, role=caller.role, actor_id=caller.user_id, after_id=after)
    except CampaignError as exc:
        status = 422 if body.stage not in STAGES else 403
        raise ApiProblem(status, str(exc)) from None
    return OpportunityOut.model_validate(opportunity)


@route("/campaigns/<int:campaign_id>/sites", method="POST", summary="Add sites to a campaign behind the guards",
       tag="opportunities", response=AddedSites, status=200, body=SitesToAdd)
def add_sites(caller, campaign_id: int, body):
    """Add sites as the "Add to campaign" action does: blocked, unsubscribed and recent sites are skipped."""
    campaign = owned(Campaign, caller.workspace_id, campaign_id)
    try:
        result = services.add_sites(caller.workspace_id, campaign.id, body.site_ids, caller.user_id)
    except CampaignError as exc:
        raise ApiProblem(422, str(exc)) from None
    added = db.session.scalars(select(Opportunity).where(Opportunity.id.in_(result.added or [0]))
                               .order_by(Opportunity.id))
    return AddedSites(added=[OpportunityOut.model_validate(o) for o in added],
                      skipped=[Skipped(site_id=s, domain=d, reason=r) for s, d, r in result.skipped])


@route("/campaigns/<int:campaign_id>/report", summary="The campaign report's figures", tag="reports",
       response=ReportFigures)
def campaign_report(caller, campaign_id: int):
    """The figures the campaign report page shows, computed by the same report code."""
    campaign = owned(Campaign, caller.workspace_id, campaign_id)
    report = build_report(db.session.get(Workspace, caller.workspace_id), campaign)
    headline = report.headline
    return ReportFigures(
        campaign_id=campaign.id, funnel=headline.counts, messages_sent=headline.messages_sent,
        reply_rate=headline.reply_rate, win_rate=headline.win_rate, live_links=len(report.live_links),
        lost_links=len(report.lost_links), lost_by_reason=dict(report.lost_by_reason),
        quality_buckets={b.label: b.count for b in report.quality}, unscored=report.unscored,
        generated_at=report.generated_at)
