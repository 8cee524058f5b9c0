"""Moving opportunities through the stages, by a person (one card or many) or by an event, and editing them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update

from crm import events, timeline
from crm.campaigns import guards, ledger, stages
from crm.campaigns.models import PAYMENT_STATUSES, Opportunity
from crm.campaigns.services import CampaignError, members, next_position
from crm.db import utcnow
from crm.extensions import db
from crm.prospects.models import Contact


def _place(opportunity: Opportunity, stage: str, after_id: int | None) -> None:
    """Put the card at the end of its new column, or just below the card `after_id` (drag and drop)."""
    after = db.session.get(Opportunity, after_id) if after_id else None
    if after is None or after.campaign_id != opportunity.campaign_id or after.stage != stage or after is opportunity:
        opportunity.position = next_position(opportunity.campaign_id, stage)
        return
    # Make room below the card it was dropped under: one UPDATE, however long the column.
    db.session.execute(
        update(Opportunity)
        .where(
            Opportunity.campaign_id == opportunity.campaign_id,
            Opportunity.stage == stage,
            Opportunity.position > after.position,
            Opportunity.id != opportunity.id,
        )
        .values(position=Opportunity.position + 1)
        .execution_options(synchronize_session=False)
    )
    opportunity.position = after.position + 1


def set_stage(opportunity: Opportunity, stage: str, *, actor_id: int | None, reason: str = "",
              after_id: int | None = None) -> bool:
    """Change the stage, place the card, keep the won date and write the timeline row (not committed).

    The change is announced (events.stage_changed, with the reason) once the caller's transaction commits.
    """
    previous = opportunity.stage
    if stage == previous and after_id is None:
        return False
    if stage != previous:
        now = utcnow()
        opportunity.stage = stage
        opportunity.stage_changed_at = now
        opportunity.won_at = stages.won_at_after(stage, opportunity.won_at, now)
        ledger.sync_placement(opportunity)  # the agreed price is spent once the placement is agreed
    _place(opportunity, stage, after_id)
    if stage != previous:
        summary = f"Moved from {stages.label(previous)} to {stages.label(stage)}"
        timeline.record(
            opportunity.workspace_id, "stage_changed", summary + (f": {reason}" if reason else ""),
            site_id=opportunity.site_id, contact_id=opportunity.contact_id, opportunity_id=opportunity.id,
            actor_id=actor_id,
            data={"from": previous, "to": stage, "by": "person" if actor_id else "event", "reason": reason},
        )
        events.announce(events.stage_changed, opportunity.workspace_id, opportunity_id=opportunity.id,
                        campaign_id=opportunity.campaign_id, site_id=opportunity.site_id,
                        from_stage=previous, to_stage=stage, reason=reason)
    return True


def move(opportunity: Opportunity, stage: str, *, role: str, actor_id: int, after_id: int | None = None) -> bool:
    """A person moves one card (any stage to any stage: people may always override); commits."""
    try:
        stages.check_stage(stage)
    except ValueError as exc:
        raise CampaignError(str(exc)) from None
    if not guards.may_work(role, actor_id, opportunity.owner_id):
        raise CampaignError(f"{opportunity.site.domain} belongs to someone else; ask them or an admin to move it.")
    changed = set_stage(opportunity, stage, actor_id=actor_id, after_id=after_id)
    db.session.commit()  # announces the change
    return changed


def _selected(campaign_id: int, ids: list[int]) -> list[Opportunity]:
    rows = list(db.session.scalars(
        select(Opportunity).where(Opportunity.campaign_id == campaign_id, Opportunity.id.in_(ids))
    ))
    if len(rows) != len(set(ids)):
        raise CampaignError("Some of the selected opportunities are no longer in this campaign. Reload the page.")
    return rows


def _check_allowed(rows: list[Opportunity], role: str, actor_id: int) -> None:
    refused = guards.refused_ids(role, actor_id, {row.id: row.owner_id for row in rows})
    if refused:
        names = ", ".join(row.site.domain for row in rows if row.id in refused)
        raise CampaignError(f"Nothing was changed: these belong to someone else: {names}.")


def bulk_move(campaign_id: int, ids: list[int], stage: str, *, role: str, actor_id: int) -> int:
    """Move the selected cards to one stage, all or nothing; returns how many changed; commits."""
    if not ids:
        raise CampaignError("Tick at least one opportunity.")
    try:
        stages.check_stage(stage)
    except ValueError as exc:
        raise CampaignError(str(exc)) from None
    rows = _selected(campaign_id, ids)
    _check_allowed(rows, role, actor_id)
    changed = sum(set_stage(row, stage, actor_id=actor_id) for row in sorted(rows, key=lambda r: r.id))
    db.session.commit()
    return changed


def bulk_assign(campaign_id: int, ids: list[int], owner_id: int | None, *, role: str, actor_id: int) -> int:
    """Give the selected cards an owner (or none), all or nothing; commits."""
    if not ids:
        raise CampaignError("Tick at least one opportunity.")
    rows = _selected(campaign_id, ids)
    _check_allowed(rows, role, actor_id)
    if not guards.may_assign(role, actor_id, owner_id):
        raise CampaignError("Only admins hand opportunities to someone else; you can take them or unassign them.")
    if owner_id is not None and owner_id not in {u.id for u in members(rows[0].workspace_id)}:
        raise CampaignError("The owner must be a member of this workspace.")
    for row in rows:
        row.owner_id = owner_id
    db.session.commit()
    return len(rows)


@dataclass
class OpportunityValues:
    """The fields a person edits on an opportunity."""

    contact_id: int | None
    owner_id: int | None
    target_page_id: int | None
    next_action_on: date | None
    notes: str
    price_cents: int | None
    currency: str
    payment_status: str | None
    term_until: date | None


def update_opportunity(opportunity: Opportunity, values: OpportunityValues, *, role: str, actor_id: int) -> None:
    """Save a person's edits after checking ownership and that every id belongs to this campaign; commits."""
    if not guards.may_work(role, actor_id, opportunity.owner_id):
        raise CampaignError("This opportunity belongs to someone else; ask them or an admin to change it.")
    if values.owner_id != opportunity.owner_id and not guards.may_assign(role, actor_id, values.owner_id):
        raise CampaignError("Only admins hand opportunities to someone else; you can take it or unassign it.")
    if values.owner_id is not None and values.owner_id not in {u.id for u in members(opportunity.workspace_id)}:
        raise CampaignError("The owner must be a member of this workspace.")
    if values.contact_id is not None:
        contact = db.session.get(Contact, values.contact_id)
        if contact is None or contact.site_id != opportunity.site_id:
            raise CampaignError("Choose a contact at this site.")
    if values.target_page_id is not None and values.target_page_id not in {
        page.id for page in opportunity.campaign.target_pages
    }:
        raise CampaignError("Choose one of the campaign's target pages.")
    if values.payment_status is not None and values.payment_status not in PAYMENT_STATUSES:
        raise CampaignError("Choose a payment status.")
    if values.price_cents is not None and values.payment_status is None:
        values.payment_status = "unpaid"  # a price means a paid placement, unpaid until someone says otherwise
    changes = [name for name, value in vars(values).items() if getattr(opportunity, name) != value]
    for name in changes:
        setattr(opportunity, name, getattr(values, name))
    if changes:
        timeline.record(
            opportunity.workspace_id, "opportunity_edited",
            "Edited " + ", ".join(name.replace("_id", "").replace("_", " ") for name in changes),
            site_id=opportunity.site_id, contact_id=opportunity.contact_id, opportunity_id=opportunity.id,
            actor_id=actor_id, data={"fields": changes},
        )
    ledger.sync_placement(opportunity)
    db.session.commit()
