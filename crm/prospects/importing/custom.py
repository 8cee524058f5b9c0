"""Custom fields an import fills: which keys the mapping sets, the definitions it creates, the values as typed."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from crm.extensions import db
from crm.prospects import custom_fields as rules
from crm.prospects.importing.detect import Detection
from crm.prospects.importing.map import RowError
from crm.prospects.models import CustomField

ENTITIES = ("site", "contact")


@dataclass
class CustomPlan:
    """The custom fields one import sets: per entity, each key's definition (existing or to be created)."""

    specs: dict[str, dict[str, rules.FieldSpec]] = field(default_factory=lambda: {e: {} for e in ENTITIES})
    missing: list[tuple[str, rules.FieldSpec]] = field(default_factory=list)  # (entity, spec) to define
    notes: list[RowError] = field(default_factory=list)  # values a field's type refused (not set)

    @property
    def keys(self) -> list[str]:
        """The keys the import sets, for the summary."""
        return sorted({key for by_key in self.specs.values() for key in by_key})

    @property
    def created(self) -> list[str]:
        """The keys of the fields the import defines (or would define), for the summary."""
        return sorted({spec.key for _, spec in self.missing})

    def coerce(self, entity: str, texts: dict[str, str], row: int) -> dict[str, object]:
        """The values to store for a record's texts; a refused value is noted and left out."""
        specs, out = self.specs[entity], {}
        for key, text in texts.items():
            spec = specs.get(key)
            if spec is None:
                continue
            try:
                value = rules.coerce(spec, text)
            except rules.FieldValueError as exc:
                self.notes.append(RowError(row, f"{exc}; the {entity}'s {spec.key} field was left as it was."))
                continue
            if value is not None:
                out[key] = value
        return out


def _label(header: str, key: str) -> str:
    """A new field's label: the column header as the file writes it, or the key in words."""
    label = " ".join(header.split())[:100]
    return label or key.replace("_", " ").capitalize()


def prepare(workspace_id: int, detection: Detection, raw_headers: tuple[str, ...]) -> CustomPlan:
    """The fields the detection's custom targets name: the workspace's definitions, and the ones it lacks."""
    plan = CustomPlan()
    wanted: dict[str, dict[str, str]] = {e: {} for e in ENTITIES}  # entity -> key -> column header
    for index, header in enumerate(detection.headers):
        entity, dot_custom, key = (detection.mapping.get(header) or "").partition(".custom.")
        if dot_custom and entity in wanted:
            raw = raw_headers[index] if index < len(raw_headers) else header
            wanted[entity].setdefault(key, raw)
    if not any(wanted.values()):
        return plan
    rows = db.session.scalars(select(CustomField).where(CustomField.workspace_id == workspace_id,
                                                        CustomField.entity.in_(ENTITIES)))
    defined = {(row.entity, row.key): rules.spec_of(row) for row in rows}
    for entity, keys in wanted.items():
        for key, header in keys.items():
            spec = defined.get((entity, key))
            if spec is None:
                spec = rules.FieldSpec(key, _label(header, key), "text")
                plan.missing.append((entity, spec))
            plan.specs[entity][key] = spec
    return plan


def define_missing(workspace_id: int, plan: CustomPlan) -> None:
    """Add the definitions the import needs as text fields, in the caller's transaction (not committed)."""
    for entity, spec in plan.missing:
        last = db.session.scalar(select(func.max(CustomField.position)).where(
            CustomField.workspace_id == workspace_id, CustomField.entity == entity))
        db.session.add(CustomField(workspace_id=workspace_id, entity=entity, key=spec.key, label=spec.label,
                                   type="text", choices=[], position=(last or 0) + 1))
        db.session.flush()


def merged(current: dict | None, values: dict[str, object]) -> dict | None:
    """A record's custom values with the file's set over them, or None when nothing changes (no value is blanked)."""
    have = current if isinstance(current, dict) else {}
    if all(have.get(key) == value for key, value in values.items()):
        return None
    return {**have, **values}
