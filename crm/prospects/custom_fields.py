"""Custom field values as pure rules: turn typed text into a stored value, show it, suggest a close key."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date

from crm.prospects.models import CUSTOM_FIELD_ENTITIES, CUSTOM_FIELD_TYPES

KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_TEXT = 2000
MAX_CHOICES = 50
TYPE_LABELS = {"text": "Text", "number": "Number", "date": "Date", "choice": "Choice", "url": "URL"}
ENTITY_LABELS = {"site": "Sites", "contact": "Contacts", "opportunity": "Opportunities"}


class FieldValueError(ValueError):
    """A value the field's type refuses; the message names the field and says what it takes."""


@dataclass(frozen=True)
class FieldSpec:
    """What the rules need of a definition (a CustomField row fits)."""

    key: str
    label: str
    type: str
    choices: tuple[str, ...] = ()


def spec_of(row) -> FieldSpec:
    """A FieldSpec from a CustomField row."""
    return FieldSpec(row.key, row.label, row.type, tuple(row.choices or ()))


def check_key(key: str) -> str:
    """The key as stored (lower-case slug); ValueError when it is not one."""
    key = (key or "").strip().lower()
    if not KEY.match(key):
        raise ValueError("A key starts with a letter and holds only a-z, 0-9 and _ (at most 40), e.g. budget")
    return key


def check_definition(entity: str, type_: str, label: str, choices_text: str) -> tuple[str, list[str]]:
    """The label and the list of choices a new or changed definition keeps; ValueError when they do not fit."""
    if entity not in CUSTOM_FIELD_ENTITIES:
        raise ValueError("A field belongs to sites, contacts or opportunities")
    if type_ not in CUSTOM_FIELD_TYPES:
        raise ValueError(f"A field's type is one of {', '.join(CUSTOM_FIELD_TYPES)}")
    label = " ".join((label or "").split())
    if not label or len(label) > 100:
        raise ValueError("A field needs a label of 1 to 100 characters")
    choices: list[str] = []
    if type_ == "choice":
        for part in re.split(r"[\n,]", choices_text or ""):
            part = " ".join(part.split())
            if part and part not in choices:
                choices.append(part[:100])
        if not choices:
            raise ValueError("A choice field needs its choices, separated by commas")
        if len(choices) > MAX_CHOICES:
            raise ValueError(f"A choice field holds at most {MAX_CHOICES} choices")
    return label, choices


def coerce(spec: FieldSpec, raw: object) -> str | float | None:
    """The value to store for what a person typed: None when blank; FieldValueError when the type refuses it."""
    text = "" if raw is None else str(raw).strip()
    if not text:
        return None
    if spec.type == "number":
        try:
            number = float(text.replace(",", "")) if re.fullmatch(r"[-+]?[\d,]*\.?\d+([eE][-+]?\d+)?", text) else None
        except ValueError:
            number = None
        if number is None or not math.isfinite(number):
            raise FieldValueError(f"{spec.label}: {text[:40]!r} is not a number (e.g. 150 or 12.5)")
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    if spec.type == "date":
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise FieldValueError(f"{spec.label}: {text[:40]!r} is not a date (write it as 2026-12-31)") from None
    if spec.type == "choice":
        for choice in spec.choices:
            if choice.lower() == text.lower():
                return choice
        raise FieldValueError(f"{spec.label}: {text[:40]!r} is not one of {', '.join(spec.choices)}")
    if spec.type == "url":
        if not re.fullmatch(r"https?://[^\s/$.?#][^\s]*", text, flags=re.IGNORECASE) or len(text) > 2048:
            raise FieldValueError(f"{spec.label}: {text[:40]!r} is not a web address (start it with https://)")
        return text
    if len(text) > MAX_TEXT:
        raise FieldValueError(f"{spec.label}: at most {MAX_TEXT} characters")
    return text


def format_value(value: object) -> str:
    """How a stored value reads on a page, in a CSV cell and in a template (numbers without a stray .0)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def apply(specs: list[FieldSpec], current: dict | None, submitted: dict[str, object]) -> dict:
    """The record's new custom values: the submitted keys coerced, others kept; raises on the first bad value.

    Keys not defined are refused, so a hostile form cannot write arbitrary keys.
    """
    by_key = {spec.key: spec for spec in specs}
    values = dict(current or {})
    errors = []
    for key, raw in submitted.items():
        spec = by_key.get(key)
        if spec is None:
            raise FieldValueError(f"No custom field {key!r} is defined here")
        try:
            value = coerce(spec, raw)
        except FieldValueError as exc:
            errors.append(str(exc))
            continue
        if value is None:
            values.pop(key, None)
        else:
            values[key] = value
    if errors:
        raise FieldValueError("; ".join(errors))
    return values
