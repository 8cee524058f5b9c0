"""The API's request and response shapes (pydantic), which are also its OpenAPI schemas."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from crm.api.pages import listing

MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL

# Query and body text: no NUL characters, which no database column can hold.
Text = Annotated[str, StringConstraints(pattern=r"^[^\x00]*$", max_length=2048)]


class Query(BaseModel):
    """Paging shared by every list."""

    model_config = ConfigDict(extra="ignore")
    cursor: Text | None = Field(None, description="The next_cursor of the previous page.")
    limit: int = Field(50, ge=1, le=200)


class Out(BaseModel):
    """A response object read from a row's attributes."""

    model_config = ConfigDict(from_attributes=True)


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[dict[str, str]] | None = None


class ContactOut(Out):
    id: int
    email: str
    first_name: str
    last_name: str
    position: str
    status: str
    is_role_address: bool
    source: str
    custom_fields: dict[str, str | int | float | bool | None] | None = None


class MetricOut(Out):
    name: str
    value: float
    source: str
    measured_at: datetime


class SiteOut(Out):
    id: int
    domain: str
    name: str
    homepage: str
    status: str
    owner_id: int | None
    notes: str
    last_contacted_at: datetime | None
    created_at: datetime
    metrics: dict[str, float | None]
    tags: list[str]
    custom_fields: dict[str, str | int | float | None] = Field(
        default_factory=dict, description="The site's values of the workspace's site custom fields, by key.")


class SiteDetail(SiteOut):
    contacts: list[ContactOut]
    metric_history: list[MetricOut]


class SiteNew(BaseModel):
    domain: Text = Field(description="A domain or URL; subdomains fold into the registrable domain.")


class CampaignOut(Out):
    id: int
    name: str
    kind: str
    status: str
    goal_links: int | None
    budget_cents: int | None
    currency: str
    starts_on: date | None
    ends_on: date | None
    owner_id: int | None
    description: str
    created_at: datetime


class OpportunityOut(Out):
    id: int
    campaign_id: int
    site_id: int
    contact_id: int | None
    owner_id: int | None
    stage: str
    stage_changed_at: datetime
    next_action_on: date | None
    price_cents: int | None
    currency: str
    payment_status: str | None
    won_at: datetime | None


class StageMove(BaseModel):
    stage: Text
    after_id: int | None = Field(None, description="Place the card after this one in the column.")


class SitesToAdd(BaseModel):
    site_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(min_length=1, max_length=5000)


class Skipped(BaseModel):
    site_id: int
    domain: str
    reason: str


class AddedSites(BaseModel):
    added: list[OpportunityOut]
    skipped: list[Skipped]


class ReportFigures(BaseModel):
    campaign_id: int
    funnel: dict[str, int]
    messages_sent: int
    reply_rate: float | None
    win_rate: float | None
    live_links: int
    lost_links: int
    lost_by_reason: dict[str, int]
    quality_buckets: dict[str, int]
    unscored: int
    generated_at: datetime


class BacklinkOut(Out):
    id: int
    source_url: str
    target_url: str
    source_domain: str
    expected_anchor: str
    expected_rel: str
    acquisition: str
    cost_cents: int | None
    currency: str
    campaign_id: int | None
    opportunity_id: int | None
    site_id: int | None
    placed_on: date | None
    status: str
    pending_status: str | None
    score: int | None
    score_explanation: str
    first_live_at: datetime | None
    lost_at: datetime | None
    last_checked_at: datetime | None
    next_check_at: datetime | None


class BacklinkNew(BaseModel):
    source_url: Text
    target_url: Text
    expected_anchor: Text = ""
    expected_rel: Literal["", "follow", "nofollow", "sponsored", "ugc"] = ""
    acquisition: Text = "outreach"
    cost: Text = Field("", description='An amount such as "120" or "120 EUR".')
    campaign_id: int | None = Field(None, ge=1, le=MAX_ID)


class CheckOut(Out):
    id: int
    backlink_id: int
    checked_at: datetime
    status: str
    found: bool
    http_status: int | None
    final_url: str
    anchor_text: str | None
    placement: str | None
    indexable: bool | None
    outbound_links: int | None
    reasons: list[str]
    score: int | None


class RecheckQueued(BaseModel):
    run_id: int
    backlink_ids: list[int]


class MessageOut(Out):
    id: int
    campaign_id: int | None
    opportunity_id: int | None
    contact_id: int | None
    site_id: int | None
    to_email: str
    from_email: str
    subject: str
    status: str
    step_position: int
    created_at: datetime


class ReplyOut(Out):
    id: int
    message_id: int | None
    opportunity_id: int | None
    contact_id: int | None
    site_id: int | None
    from_email: str
    from_name: str
    subject: str
    text: str
    kind: str
    received_at: datetime
    read_at: datetime | None


class TaskOut(Out):
    id: int
    title: str
    notes: str
    kind: str
    due_on: date | None
    assignee_id: int | None
    campaign_id: int | None
    opportunity_id: int | None
    site_id: int | None
    done_at: datetime | None


class TaskNew(BaseModel):
    title: Annotated[str, StringConstraints(pattern=r"^[^\x00]*$", max_length=500)]
    notes: Text = ""
    due_on: date | None = None
    assignee_id: int | None = Field(None, ge=1, le=MAX_ID)
    opportunity_id: int | None = Field(None, ge=1, le=MAX_ID)


SiteList, CampaignList, OpportunityList = listing(SiteOut), listing(CampaignOut), listing(OpportunityOut)
BacklinkList, CheckList, MessageList = listing(BacklinkOut), listing(CheckOut), listing(MessageOut)
ReplyList, TaskList = listing(ReplyOut), listing(TaskOut)
