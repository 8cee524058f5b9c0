"""A recipient's merge values checked and flattened for the renderer: plain strings only, names and sizes capped."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from crm.outreach.merge_names import CUSTOM_KEY as _CUSTOM_KEY
from crm.outreach.merge_names import CUSTOM_PREFIX, SCOPES, flat_name

MERGE_FIELDS: dict[str, str] = {
    "first_name": "Contact's first name",
    "last_name": "Contact's last name",
    "site_domain": "Prospect site's domain, e.g. example.com",
    "page_url": "Prospect page we are pitching about",
    "page_title": "Title of the prospect page",
    "target_url": "Our page we want a link to",
    "anchor_text": "Anchor text we would like",
    "sender_name": "Name of the person sending",
    "personal_line": "The personal first line written on this prospect's card",
    "personal_ps": "The personal P.S. written on this prospect's card",
}

MAX_VALUE_LENGTH = 5_000

# Context keys holding one record's custom fields, e.g. {"site_custom": {"budget": "150"}}, and their field prefix.
_SCOPED = {f"{scope}_custom": f"{scope}." for scope in SCOPES}
_BLANK_FIELDS = dict.fromkeys(MERGE_FIELDS, "")


@dataclass(frozen=True)
class Values:
    """One recipient's merge values, checked and flattened once, so every template and step reuses them."""

    variables: dict[str, str]
    known: frozenset[str]


def prepare(context: Mapping[str, object]) -> Values:
    """Check and flatten a plain dict of strings for rendering; TypeError/ValueError on values that are not text."""
    variables, known = _normalise_context(context)
    return Values(variables, known)


@lru_cache(maxsize=4096)  # a launch sees the same few field names for every recipient: check each name once
def _custom_name(prefix: str, key: object) -> tuple[str, str]:
    """(field name, render variable) of a custom field key; ValueError for a key that is not a plain name."""
    if not isinstance(key, str) or not _CUSTOM_KEY.match(key):
        raise ValueError(f"custom field name {key!r} must be letters, digits and _")
    field_name = prefix + CUSTOM_PREFIX + key
    return field_name, flat_name(field_name)


@lru_cache(maxsize=4096)
def _plain_name(name: object) -> str:
    """The merge field name; ValueError when it is not a plain identifier."""
    if not isinstance(name, str) or not name.isidentifier() or name.startswith("_"):
        raise ValueError(f"merge field name {name!r} is not a plain identifier")
    return name


def _text(name: str, value: object) -> str:
    # the usual value, a short non-blank string, is taken as it is before the checks below
    if type(value) is str and len(value) <= MAX_VALUE_LENGTH and not value.isspace():
        return value
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError(f"merge field {name!r} must be a string, not {type(value).__name__}")
    if len(value) > MAX_VALUE_LENGTH:
        raise ValueError(f"merge field {name!r} is longer than {MAX_VALUE_LENGTH} characters")
    return value if value.strip() else ""  # whitespace-only counts as blank, for `or` as much as default


def _normalise_context(context: Mapping[str, object]) -> tuple[dict[str, str], frozenset[str]]:
    """Flatten a plain dict of strings into render variables; return them and the known field names."""
    flat: dict[str, str] = dict(_BLANK_FIELDS)
    names: list[str] = []  # every field the context names, in order: the known set is worked out once per list
    for name, value in context.items():
        if name == "custom" or name in _SCOPED:
            if value is None:
                continue
            if not isinstance(value, Mapping):
                raise TypeError("custom fields must be a dict of strings")
            prefix = _SCOPED.get(name, "")
            for key, custom_value in value.items():
                field_name, variable = _custom_name(prefix, key)
                # the usual value, a short non-blank string, is taken as it is (the test in _text, inlined)
                ok = type(custom_value) is str and len(custom_value) <= MAX_VALUE_LENGTH and not custom_value.isspace()
                flat[variable] = custom_value if ok else _text(field_name, custom_value)
                names.append(field_name)
            continue
        ok = type(value) is str and len(value) <= MAX_VALUE_LENGTH and not value.isspace()
        flat[_plain_name(name)] = value if ok else _text(name, value)
        names.append(name)
    return flat, _known(tuple(names))


@lru_cache(maxsize=1024)  # a launch's recipients name the same fields: one set for them all
def _known(names: tuple[str, ...]) -> frozenset[str]:
    return frozenset(MERGE_FIELDS).union(names)
