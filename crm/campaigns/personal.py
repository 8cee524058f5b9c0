"""Personal first lines and P.S.: the cards to write them for, saving one, and finding the next card without one."""

from __future__ import annotations

from sqlalchemy import func, select

from crm import timeline
from crm.accounts.models import User
from crm.campaigns import guards
from crm.campaigns.models import Opportunity
from crm.campaigns.services import CampaignError
from crm.extensions import db
from crm.prospects.models import Contact, Site

MAX_LINE = 500  # a first line is a sentence or two; longer belongs in the template
MAX_PS = 300
PER_PAGE = 100
# The cards still to be pitched: a line written for a card already pitched would never be sent.
STAGES = ("prospect",)


def clean_line(text: str | None, limit: int, what: str) -> str:
    """The text with outer whitespace and carriage returns removed; CampaignError when it is too long."""
    cleaned = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(cleaned) > limit:
        raise CampaignError(f"The {what} is {len(cleaned)} characters; keep it to {limit}.")
    return cleaned


def _cards(campaign_id: int):
    return (
        select(
            Opportunity.id, Opportunity.owner_id, Opportunity.personal_line, Opportunity.personal_ps,
            Site.id.label("site_id"), Site.domain, Site.name.label("site_name"), Site.homepage, Site.dr, Site.da,
            Site.traffic, Site.ref_domains, Site.spam, Contact.email.label("contact_email"), Contact.first_name,
            Contact.last_name, Contact.position.label("contact_position"), User.name.label("owner_name"),
        )
        .join(Site, Site.id == Opportunity.site_id)
        .outerjoin(Contact, Contact.id == Opportunity.contact_id)
        .outerjoin(User, User.id == Opportunity.owner_id)
        .where(Opportunity.campaign_id == campaign_id, Opportunity.stage.in_(STAGES))
    )


def _empty():
    return func.trim(Opportunity.personal_line) == ""


def cards(campaign_id: int, *, only_empty: bool = False, page: int = 1, per_page: int = PER_PAGE) -> list:
    """One page of the campaign's unpitched cards in board order, as plain rows with the prospect beside each."""
    query = _cards(campaign_id)
    if only_empty:
        query = query.where(_empty())
    query = query.order_by(Opportunity.position, Opportunity.id).offset((max(page, 1) - 1) * per_page).limit(per_page)
    return db.session.execute(query).all()


def card(campaign_id: int, opportunity_id: int):
    """One card's row, as the table shows it."""
    return db.session.execute(_cards(campaign_id).where(Opportunity.id == opportunity_id)).one()


def counts(campaign_id: int) -> tuple[int, int]:
    """(unpitched cards, how many of them still lack a personal line)."""
    total, empty = db.session.execute(
        select(func.count(), func.count().filter(_empty()))
        .where(Opportunity.campaign_id == campaign_id, Opportunity.stage.in_(STAGES))
    ).one()
    return total, empty


def next_empty(campaign_id: int, after: Opportunity) -> int | None:
    """The id of the next unpitched card without a line after `after` in board order, wrapping round; else None."""
    base = select(Opportunity.id).where(
        Opportunity.campaign_id == campaign_id, Opportunity.stage.in_(STAGES), _empty(), Opportunity.id != after.id)
    later = (Opportunity.position > after.position) | (
        (Opportunity.position == after.position) & (Opportunity.id > after.id))
    order = (Opportunity.position, Opportunity.id)
    found = db.session.scalar(base.where(later).order_by(*order).limit(1))
    return found if found is not None else db.session.scalar(base.order_by(*order).limit(1))


def page_of(campaign_id: int, opportunity_id: int, only_empty: bool, per_page: int = PER_PAGE) -> int:
    """The table page (with or without the empty-only filter) that shows this card."""
    target = db.session.get(Opportunity, opportunity_id)
    if target is None:
        return 1
    before = select(func.count()).where(
        Opportunity.campaign_id == campaign_id, Opportunity.stage.in_(STAGES),
        (Opportunity.position < target.position)
        | ((Opportunity.position == target.position) & (Opportunity.id < target.id)))
    if only_empty:
        before = before.where(_empty())
    return db.session.scalar(before) // per_page + 1


def save(opportunity: Opportunity, line: str | None, ps: str | None, *, role: str, actor_id: int) -> bool:
    """Save the card's personal line and P.S. (the owner or an admin); commits. True when something changed."""
    if not guards.may_work(role, actor_id, opportunity.owner_id):
        raise CampaignError("This opportunity belongs to someone else; ask them or an admin to change it.")
    values = {"personal_line": clean_line(line, MAX_LINE, "personal line"),
              "personal_ps": clean_line(ps, MAX_PS, "P.S.")}
    changed = [name for name, value in values.items() if getattr(opportunity, name) != value]
    if not changed:
        return False
    for name in changed:
        setattr(opportunity, name, values[name])
    words = {"personal_line": "personal line", "personal_ps": "P.S."}
    timeline.record(
        opportunity.workspace_id, "opportunity_edited", "Edited " + " and ".join(words[n] for n in changed),
        site_id=opportunity.site_id, contact_id=opportunity.contact_id, opportunity_id=opportunity.id,
        actor_id=actor_id, data={"fields": changed},
    )
    db.session.commit()
    return True
