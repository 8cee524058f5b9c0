"""Reading the pipeline fast: board columns (first cards of each stage), more cards, and the filtered table."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from crm.accounts.models import User
from crm.campaigns.models import STAGES, Campaign, Opportunity
from crm.db import utcnow
from crm.extensions import db
from crm.prospects.models import Contact, Site

PER_COLUMN = 20  # cards per column before "show more": a column of 3,000 cards must not slow the page
PER_PAGE = 50
PAGE_SIZES = (25, 50, 100, 200)


def _card_rows(*where):
    """Cards as plain rows (no ORM objects): what a card shows, joined in one query, cheap for hundreds of cards."""
    return (
        select(
            Opportunity.id, Opportunity.stage, Opportunity.position, Opportunity.owner_id, Opportunity.next_action_on,
            Opportunity.price_cents, Opportunity.currency, Opportunity.payment_status, Opportunity.personal_line,
            Site.domain, Site.dr,
            Contact.first_name, Contact.last_name, Contact.email.label("contact_email"),
            User.name.label("owner_name"), User.email.label("owner_email"),
        )
        .join(Site, Site.id == Opportunity.site_id)
        .outerjoin(Contact, Contact.id == Opportunity.contact_id)
        .outerjoin(User, User.id == Opportunity.owner_id)
        .where(*where)
    )


def _with_card_data(query):
    """Everything a table row shows, in the same query (no query per row)."""
    return query.options(
        joinedload(Opportunity.site).load_only(Site.id, Site.domain, Site.dr, Site.status),
        joinedload(Opportunity.contact),
        joinedload(Opportunity.owner),
    )


def stage_counts(campaign_id: int) -> dict[str, int]:
    """Cards per stage in one GROUP BY."""
    rows = db.session.execute(
        select(Opportunity.stage, func.count())
        .where(Opportunity.campaign_id == campaign_id)
        .group_by(Opportunity.stage)
    )
    counts = dict.fromkeys(STAGES, 0)
    counts.update(dict(rows.all()))
    return counts


def columns(campaign: Campaign, per_column: int = PER_COLUMN, counts: dict[str, int] | None = None) -> dict:
    """Each stage's first cards in board order and its count (given, or counted): one windowed query for all."""
    ranked = (
        select(
            Opportunity.id,
            func.row_number()
            .over(partition_by=Opportunity.stage, order_by=(Opportunity.position, Opportunity.id))
            .label("rank"),
        )
        .where(Opportunity.campaign_id == campaign.id)
        .subquery()
    )
    first = select(ranked.c.id).where(ranked.c.rank <= per_column)
    query = _card_rows(Opportunity.id.in_(first)).order_by(Opportunity.stage, Opportunity.position, Opportunity.id)
    counts = counts if counts is not None else stage_counts(campaign.id)
    board = {stage: {"count": counts.get(stage, 0), "cards": []} for stage in STAGES}
    for card in db.session.execute(query):
        board[card.stage]["cards"].append(card)
    return board


def column_cards(campaign_id: int, stage: str, offset: int, limit: int = PER_COLUMN) -> list:
    """The next cards of one column (the "show more" button)."""
    query = (
        _card_rows(Opportunity.campaign_id == campaign_id, Opportunity.stage == stage)
        .order_by(Opportunity.position, Opportunity.id)
        .offset(max(offset, 0))
        .limit(limit)
    )
    return list(db.session.execute(query))


def _domain_contains(text: str):
    """Domain contains the text literally (% and _ are letters here, not wildcards)."""
    needle = text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return Site.domain.like(f"%{needle}%", escape="\\")


@dataclass
class TableFilters:
    """What the table view is narrowed to."""

    stage: str = ""
    owner: str = ""  # "", "me", "none", or a user id
    q: str = ""  # part of the domain
    overdue: bool = False


def table_query(campaign_id: int, filters: TableFilters, *, user_id: int):
    """The campaign's opportunities the table's filters match, in id order (the API pages it by cursor)."""
    query = select(Opportunity).where(Opportunity.campaign_id == campaign_id)
    if filters.stage in STAGES:
        query = query.where(Opportunity.stage == filters.stage)
    if filters.owner == "me":
        query = query.where(Opportunity.owner_id == user_id)
    elif filters.owner == "none":
        query = query.where(Opportunity.owner_id.is_(None))
    elif filters.owner.isdigit():
        query = query.where(Opportunity.owner_id == int(filters.owner))
    if filters.q.strip():
        query = query.join(Site, Site.id == Opportunity.site_id).where(_domain_contains(filters.q))
    if filters.overdue:
        query = query.where(Opportunity.next_action_on < utcnow().date())
    return query.order_by(Opportunity.id)


def table(campaign_id: int, filters: TableFilters, *, user_id: int, page: int = 1, per_page: int = PER_PAGE):
    """One page of the campaign's opportunities, filtered, with the site, contact and owner loaded."""
    query = _with_card_data(table_query(campaign_id, filters, user_id=user_id))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def find_sites(workspace_id: int, campaign_id: int, q: str, limit: int = 50) -> list[tuple[Site, bool]]:
    """Sites whose domain contains `q` (for the "Add prospects" picker), each with whether it is in the campaign."""
    query = select(Site).where(Site.workspace_id == workspace_id)
    if (q or "").strip():
        query = query.where(_domain_contains(q))
    sites = list(db.session.scalars(query.order_by(Site.domain).limit(limit)))
    inside = set(db.session.scalars(
        select(Opportunity.site_id).where(
            Opportunity.campaign_id == campaign_id, Opportunity.site_id.in_([s.id for s in sites])
        )
    )) if sites else set()
    return [(site, site.id in inside) for site in sites]
