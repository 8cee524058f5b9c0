"""A campaign's opportunities as a spreadsheet-safe CSV (crm.csvexport neutralises formulas), custom fields included."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from sqlalchemy.orm import joinedload

from crm.campaigns import board
from crm.campaigns.models import Opportunity
from crm.csvexport import iter_csv
from crm.extensions import db
from crm.prospects import fielddefs
from crm.prospects.custom_fields import format_value

COLUMNS = (
    ("site", "Site"), ("contact_email", "Contact email"), ("contact_name", "Contact name"), ("stage", "Stage"),
    ("owner", "Owner"), ("target_page", "Target page"), ("next_action_on", "Next action"), ("price", "Price"),
    ("currency", "Currency"), ("payment_status", "Payment status"), ("term_until", "Until"), ("won_at", "Won"),
    ("personal_line", "Personal line"), ("personal_ps", "Personal P.S."), ("notes", "Notes"),
    ("stage_changed_at", "Stage since"), ("created_at", "Added"),
)  # fmt: skip
_OWN = ("stage", "next_action_on", "currency", "payment_status", "term_until", "won_at", "personal_line",
        "personal_ps", "notes", "stage_changed_at", "created_at")
CHUNK = 500


def columns(workspace_id: int) -> tuple[tuple[str, str], ...]:
    """The fixed columns, then one per opportunity custom field (headed by its label)."""
    defined = fielddefs.definitions(workspace_id, "opportunity")
    return COLUMNS + tuple((f"custom.{row.key}", row.label) for row in defined)


def row_of(card: Opportunity) -> dict:
    """One card's cells by column key: its site, contact, owner and page by name, the price in units."""
    contact, owner = card.contact, card.owner
    row = {column: getattr(card, column) for column in _OWN}
    row.update(site=card.site.domain, contact_email=contact.email if contact else "",
               contact_name=contact.name if contact else "", owner=owner.email if owner else "",
               target_page=card.target_page.url if card.target_page else "",
               price=Decimal(card.price_cents) / 100 if card.price_cents is not None else None)
    row.update({f"custom.{key}": format_value(value) for key, value in (card.custom_fields or {}).items()})
    return row


def _rows(campaign_id: int, filters: board.TableFilters, user_id: int) -> Iterator[dict]:
    """The cards the table's filters match, in the table's order, a chunk at a time."""
    query = board.table_query(campaign_id, filters, user_id=user_id).options(
        joinedload(Opportunity.site), joinedload(Opportunity.contact), joinedload(Opportunity.owner),
        joinedload(Opportunity.target_page))
    ids = list(db.session.scalars(query.with_only_columns(Opportunity.id)))
    for start in range(0, len(ids), CHUNK):
        part = ids[start : start + CHUNK]
        cards = {card.id: card for card in db.session.scalars(query.where(Opportunity.id.in_(part))).unique()}
        for card_id in part:
            yield row_of(cards[card_id])
        db.session.expunge_all()  # memory stays flat over a campaign of thousands


def csv_for_table(workspace_id: int, campaign_id: int, filters: board.TableFilters, user_id: int) -> Iterator[bytes]:
    """The campaign's cards the table's filters show, as CSV chunks."""
    return iter_csv(_rows(campaign_id, filters, user_id), columns(workspace_id))
