"""The workspace's custom field definitions and the values on its records: define, rename, reorder, delete, set."""

from __future__ import annotations

from sqlalchemy import func, select

from crm.extensions import db
from crm.prospects import custom_fields as rules
from crm.prospects.models import Contact, CustomField, Site

FIELD_PREFIX = "cf_"  # form inputs for custom values are named cf_<key>


def submitted_values(form) -> dict[str, str]:
    """The custom values a posted form carries, as {key: text}."""
    return {name[len(FIELD_PREFIX):]: value for name, value in form.items() if name.startswith(FIELD_PREFIX)}


class FieldError(ValueError):
    """A change to the definitions or values that cannot be made; the message says why."""


# The model holding each entity's values. Opportunities belong to campaigns, which stands above prospects and
# names its own model here at start-up (register_holder); prospects never imports it.
_HOLDERS: dict[str, type] = {"site": Site, "contact": Contact}


def register_holder(entity: str, model: type) -> None:
    """Name the model whose `custom_fields` column holds an entity's values (campaigns registers opportunities)."""
    _HOLDERS[entity] = model


def definitions(workspace_id: int, entity: str | None = None) -> list[CustomField]:
    """The workspace's fields (of one entity, or all), in their order."""
    query = select(CustomField).where(CustomField.workspace_id == workspace_id)
    if entity:
        query = query.where(CustomField.entity == entity)
    return list(db.session.scalars(query.order_by(CustomField.entity, CustomField.position, CustomField.id)))


def specs(workspace_id: int, entity: str) -> list[rules.FieldSpec]:
    """The rules' view of one entity's fields."""
    return [rules.spec_of(row) for row in definitions(workspace_id, entity)]


def defined_keys(workspace_id: int) -> dict[str, list[str]]:
    """Keys per entity, for template checks; empty when the workspace defines none."""
    keys: dict[str, list[str]] = {}
    for row in definitions(workspace_id):
        keys.setdefault(row.entity, []).append(row.key)
    return keys


def values_count(field: CustomField) -> int:
    """How many records hold a value for the field (what deleting it would hide)."""
    model = _HOLDERS.get(field.entity)
    if model is None:  # the feature holding these records is not installed: nothing to hide
        return 0
    rows = db.session.scalars(select(model.custom_fields).where(
        model.workspace_id == field.workspace_id, model.custom_fields.is_not(None)))
    return sum(1 for values in rows if isinstance(values, dict) and values.get(field.key) not in (None, ""))


def create(workspace_id: int, *, entity: str, key: str, label: str, type_: str, choices_text: str = "") -> CustomField:
    """Define a field at the end of its entity's list."""
    try:
        key = rules.check_key(key)
        label, choices = rules.check_definition(entity, type_, label, choices_text)
    except ValueError as exc:
        raise FieldError(str(exc)) from None
    if db.session.scalar(select(CustomField.id).where(
            CustomField.workspace_id == workspace_id, CustomField.entity == entity, CustomField.key == key)):
        raise FieldError(f"A {entity} field with the key {key!r} exists already")
    last = db.session.scalar(select(func.max(CustomField.position)).where(
        CustomField.workspace_id == workspace_id, CustomField.entity == entity))
    row = CustomField(workspace_id=workspace_id, entity=entity, key=key, label=label, type=type_, choices=choices,
                      position=(last or 0) + 1)
    db.session.add(row)
    db.session.commit()
    return row


def update(field: CustomField, *, label: str, choices_text: str = "") -> None:
    """Rename a field's label (and, for a choice field, change its choices); the key and type stay."""
    try:
        label, choices = rules.check_definition(field.entity, field.type, label, choices_text)
    except ValueError as exc:
        raise FieldError(str(exc)) from None
    field.label, field.choices = label, choices
    db.session.commit()


def move(field: CustomField, direction: int) -> None:
    """Swap the field with its neighbour up (-1) or down (+1) in its entity's list."""
    rows = definitions(field.workspace_id, field.entity)
    index = next(i for i, row in enumerate(rows) if row.id == field.id)
    other = index + (1 if direction > 0 else -1)
    if 0 <= other < len(rows):
        rows[index], rows[other] = rows[other], rows[index]
    for position, row in enumerate(rows, start=1):
        row.position = position
    db.session.commit()


def delete(field: CustomField) -> int:
    """Remove the definition; the values stay on the records, hidden, and come back if the key is defined again."""
    count = values_count(field)
    db.session.delete(field)
    db.session.commit()
    return count


def set_values(workspace_id: int, entity: str, record, submitted: dict[str, object]) -> None:
    """Validate and store the submitted values on one record; nothing is written when one is refused."""
    try:
        record.custom_fields = rules.apply(specs(workspace_id, entity), record.custom_fields, submitted)
    except rules.FieldValueError as exc:
        raise FieldError(str(exc)) from None
    db.session.commit()


def set_bulk(workspace_id: int, entity: str, records: list, key: str, raw: str) -> int:
    """Set (or clear, when blank) one field on many records at once: all or nothing."""
    spec_list = specs(workspace_id, entity)
    try:
        for record in records:
            record.custom_fields = rules.apply(spec_list, record.custom_fields, {key: raw})
    except rules.FieldValueError as exc:
        db.session.rollback()
        raise FieldError(str(exc)) from None
    db.session.commit()
    return len(records)


def shown_values(workspace_id: int, entity: str, record) -> list[tuple[CustomField, str]]:
    """The record's defined fields with their values as text, in order."""
    values = record.custom_fields or {}
    return [(row, rules.format_value(values.get(row.key))) for row in definitions(workspace_id, entity)]
