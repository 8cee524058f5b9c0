"""Campaigns: creating and editing them, adding sites as opportunities behind the guards, and their numbers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from crm import timeline
from crm.accounts.models import Membership, User, Workspace
from crm.campaigns import guards
from crm.campaigns.models import CAMPAIGN_KINDS, CAMPAIGN_STATUSES, Campaign, Opportunity, TargetPage
from crm.campaigns.numbers import campaign_numbers, numbers_for
from crm.campaigns.targets import Target
from crm.db import utcnow
from crm.extensions import db
from crm.prospects.models import Contact, Site

__all__ = ["AddResult", "CampaignError", "add_sites", "campaign_numbers", "numbers_for"]

KIND_LABELS = {
    "guest_post": "Guest post",
    "link_insertion": "Link insertion",
    "broken_link": "Broken-link building",
    "resource_page": "Resource page",
    "digital_pr": "Digital PR",
    "reclamation": "Link reclamation",
    "unlinked_mention": "Unlinked mention",
}
CHUNK = 500  # ids per IN (...) list, well inside every database's parameter limit


class CampaignError(Exception):
    """A campaign change that must be refused, with a message for the person."""


@dataclass
class CampaignValues:
    """What a person fills in for a campaign."""

    name: str
    kind: str = "guest_post"
    status: str = "draft"
    goal_links: int | None = None
    budget_cents: int | None = None
    currency: str = "USD"
    starts_on: date | None = None
    ends_on: date | None = None
    owner_id: int | None = None
    description: str = ""
    targets: list[Target] = field(default_factory=list)


@dataclass
class AddResult:
    """Sites added to a campaign (their new opportunity ids) and those skipped: (site_id, domain, reason)."""

    added: list[int] = field(default_factory=list)
    skipped: list[tuple[int, str, str]] = field(default_factory=list)


def members(workspace_id: int) -> list[User]:
    """People in the workspace who can own work (viewers only read), by name."""
    return list(
        db.session.scalars(
            select(User)
            .join(Membership)
            .where(Membership.workspace_id == workspace_id, Membership.role != "viewer", User.active.is_(True))
            .order_by(func.lower(User.name), User.email)
        )
    )


def _check(workspace_id: int, values: CampaignValues) -> None:
    if not values.name.strip():
        raise CampaignError("A campaign needs a name.")
    if values.kind not in CAMPAIGN_KINDS:
        raise CampaignError("Choose one of the campaign kinds.")
    if values.status not in CAMPAIGN_STATUSES:
        raise CampaignError("Choose one of the campaign statuses.")
    if values.starts_on and values.ends_on and values.ends_on < values.starts_on:
        raise CampaignError("The campaign cannot end before it starts.")
    if values.goal_links is not None and values.goal_links < 0:
        raise CampaignError("The goal is a number of links, zero or more.")
    if values.owner_id is not None and values.owner_id not in {u.id for u in members(workspace_id)}:
        raise CampaignError("The owner must be a member of this workspace.")


def _apply(campaign: Campaign, values: CampaignValues) -> None:
    for name in ("kind", "status", "goal_links", "budget_cents", "currency", "starts_on", "ends_on", "owner_id"):
        setattr(campaign, name, getattr(values, name))
    campaign.name = values.name.strip()
    campaign.description = values.description.strip()
    existing = {page.url: page for page in campaign.target_pages}
    wanted = {t.url for t in values.targets}
    for page in list(campaign.target_pages):
        if page.url not in wanted:  # opportunities pointing at it keep their row with no target (SET NULL)
            campaign.target_pages.remove(page)
    for target in values.targets:
        page = existing.get(target.url)
        if page is None:
            campaign.target_pages.append(
                TargetPage(workspace_id=campaign.workspace_id, url=target.url, anchors=list(target.anchors))
            )
        else:
            page.anchors = list(target.anchors)


def create_campaign(workspace_id: int, values: CampaignValues, actor_id: int | None) -> Campaign:
    """A new campaign in the workspace; commits."""
    _check(workspace_id, values)
    campaign = Campaign(workspace_id=workspace_id)
    db.session.add(campaign)
    _apply(campaign, values)
    db.session.commit()
    return campaign


def update_campaign(campaign: Campaign, values: CampaignValues) -> Campaign:
    """Change a campaign's settings and target pages; commits."""
    _check(campaign.workspace_id, values)
    _apply(campaign, values)
    db.session.commit()
    return campaign


def _chunks(ids: list[int]):
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def _facts(workspace_id: int, campaign_id: int, site_ids: list[int]) -> tuple[list[guards.SiteFacts], list[int]]:
    """Guard facts for the sites of this workspace among `site_ids`, and the ids that are not its sites."""
    sites, here, elsewhere = {}, set(), {}
    for chunk in _chunks(site_ids):
        for row in db.session.execute(
            select(Site.id, Site.domain, Site.status, Site.last_contacted_at).where(
                Site.workspace_id == workspace_id, Site.id.in_(chunk)
            )
        ):
            sites[row.id] = row
        here.update(db.session.scalars(
            select(Opportunity.site_id).where(Opportunity.campaign_id == campaign_id, Opportunity.site_id.in_(chunk))
        ))
        for site_id, name in db.session.execute(
            select(Opportunity.site_id, Campaign.name)
            .join(Campaign, Campaign.id == Opportunity.campaign_id)
            .where(
                Campaign.workspace_id == workspace_id,
                Campaign.status == "active",
                Campaign.id != campaign_id,
                Opportunity.site_id.in_(chunk),
            )
        ):
            elsewhere.setdefault(site_id, set()).add(name)
    facts = [
        guards.SiteFacts(
            site_id=row.id,
            domain=row.domain,
            status=row.status,
            last_contacted_at=row.last_contacted_at,
            in_this_campaign=row.id in here,
            other_active_campaigns=tuple(sorted(elsewhere.get(row.id, ()))),
        )
        for site_id in site_ids
        if (row := sites.get(site_id)) is not None
    ]
    return facts, [site_id for site_id in site_ids if site_id not in sites]


def _best_contacts(site_ids: list[int]) -> dict[int, int | None]:
    by_site: dict[int, list] = {site_id: [] for site_id in site_ids}
    for chunk in _chunks(site_ids):
        for row in db.session.execute(
            select(Contact.id, Contact.site_id, Contact.is_role_address, Contact.status,
                   Contact.first_name + Contact.last_name).where(Contact.site_id.in_(chunk))
        ):
            by_site[row[1]].append((row[0], row[2], row[3], row[4] or ""))
    return {site_id: guards.best_contact(contacts) for site_id, contacts in by_site.items()}


def next_position(campaign_id: int, stage: str) -> int:
    """The position after the last card of a board column."""
    last = db.session.scalar(
        select(func.max(Opportunity.position)).where(Opportunity.campaign_id == campaign_id, Opportunity.stage == stage)
    )
    return (last or 0) + 1


def add_sites(workspace_id: int, campaign_id: int, site_ids, actor_id: int | None) -> AddResult:
    """Add sites to a campaign as prospects, skipping those the guards refuse; all or nothing; commits."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or campaign.workspace_id != workspace_id:
        raise CampaignError("That campaign does not exist in this workspace.")
    if campaign.status == "finished":
        raise CampaignError(f"{campaign.name} is finished. Set it to active or paused to add prospects.")
    site_ids = list(dict.fromkeys(int(i) for i in site_ids))
    if not site_ids:
        raise CampaignError("Tick at least one site to add.")
    workspace = db.session.get(Workspace, workspace_id)
    facts, unknown = _facts(workspace_id, campaign_id, site_ids)
    allowed, skips = guards.screen(facts, now=utcnow(), recontact_days=workspace.recontact_days or 0)
    result = AddResult(skipped=[(s.site_id, s.domain, s.reason) for s in skips])
    result.skipped += [(site_id, f"site #{site_id}", "not found in this workspace") for site_id in unknown]
    contacts = _best_contacts([f.site_id for f in allowed])
    position = next_position(campaign_id, "prospect")
    rows = [
        Opportunity(
            workspace_id=workspace_id, campaign_id=campaign_id, site_id=f.site_id, contact_id=contacts[f.site_id],
            owner_id=actor_id, stage="prospect", position=position + n, currency=campaign.currency,
        )
        for n, f in enumerate(allowed)
    ]
    db.session.add_all(rows)
    try:
        db.session.flush()
        for opportunity in rows:
            timeline.record(
                workspace_id, "added_to_campaign", f"Added to campaign {campaign.name} as a prospect",
                site_id=opportunity.site_id, contact_id=opportunity.contact_id, opportunity_id=opportunity.id,
                actor_id=actor_id, data={"campaign_id": campaign_id},
            )
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise CampaignError("Some of these sites were added by someone else at the same moment. Try again.") from None
    result.added = [opportunity.id for opportunity in rows]
    return result


def skipped_text(result: AddResult, limit: int = 20) -> str:
    """The skipped sites and their reasons as one message (the first `limit` of them)."""
    shown = "; ".join(f"{domain}: {reason}" for _, domain, reason in result.skipped[:limit])
    more = f"; and {len(result.skipped) - limit} more" if len(result.skipped) > limit else ""
    return f"Skipped {len(result.skipped)}: {shown}{more}."
