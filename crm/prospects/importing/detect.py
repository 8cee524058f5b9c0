"""Recognising an export from its header row, and building a column mapping from a user's choices."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from crm.prospects.importing.formats import FIELDS, FORMATS, GENERIC_ALIASES, IDENTITY_FIELDS, FormatDef
from crm.prospects.importing.read import normalise_header

FORMATS_BY_NAME = {f.name: f for f in FORMATS}
UNKNOWN, GENERIC, CUSTOM = "unknown", "generic", "custom"

_NEEDS_IDENTITY = "Choose which column holds the site (its URL or domain) or the contact's email address."


@dataclass(frozen=True)
class Detection:
    """What a header row was recognised as, and how its columns map to canonical fields."""

    format: str  # a FORMATS name, "generic" (recognised by common column names), "custom" (user's mapping), "unknown"
    confidence: float  # 0 (unknown) to 1 (every column recognised)
    mapping: dict[str, str]  # normalised header -> canonical field (see formats.FIELDS)
    missing: tuple[str, ...]  # known format: its columns this file lacks; otherwise the identity fields wanted
    headers: tuple[str, ...] = ()  # the file's normalised headers, in order, for the mapping step
    label: str = ""  # human name of the format
    source: str = "manual"  # vendor of the file's metrics: ahrefs, semrush, moz, majestic, gsc, manual
    kind: str = "sites"  # what one row describes: backlinks, sites or contacts
    message: str = ""  # why the file cannot be imported as it is (empty when it can)
    unmapped: tuple[str, ...] = ()  # headers kept only in the rows' extra cells

    @property
    def needs_mapping(self) -> bool:
        """True when the user must map columns before importing."""
        return self.format == UNKNOWN or (self.format == CUSTOM and bool(self.message))

    @property
    def importable(self) -> bool:
        """True when rows can be read with this mapping."""
        return self.format != UNKNOWN and not self.message


# A field a file does not need when it has these instead (first and last name instead of a full name, ...).
_COVERED_BY = {
    "follow": ("nofollow",),
    "nofollow": ("follow",),
    "contact_name": ("first_name", "last_name"),
    "first_name": ("contact_name",),
    "last_name": ("contact_name",),
}


def _satisfies(fmt: FormatDef, present: set[str]) -> bool:
    """All identifying columns are present (and nothing foreign, for the exact formats)."""
    if not all(any(name in present for name in group) for group in fmt.required):
        return False
    return not fmt.exact or present <= set(fmt.columns) | {"#"}


def _map_known(fmt: FormatDef, headers: Sequence[str]) -> Detection:
    """The detection for a recognised format: each header's field, first column winning a shared field."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for header in headers:
        target = fmt.columns.get(header)
        if target and target not in taken:
            mapping[header] = target
            taken.add(target)
    missing = []
    for target in fmt.columns.values():
        covered = target in taken or any(other in taken for other in _COVERED_BY.get(target or "", ()))
        if target and not covered and target not in missing:
            missing.append(target)
    recognised = sum(1 for h in headers if h in fmt.columns)
    first_header = {target: header for header, target in reversed(list(fmt.columns.items())) if target}
    return Detection(
        format=fmt.name,
        confidence=round(0.6 + 0.4 * recognised / max(len(headers), 1), 3),
        mapping=mapping,
        missing=tuple(first_header[t] for t in missing),
        headers=tuple(headers),
        label=fmt.label,
        source=fmt.source,
        kind=fmt.kind,
        message=fmt.refusal or "",
        unmapped=tuple(h for h in headers if h not in mapping),
    )


def _alias_mapping(headers: Sequence[str]) -> dict[str, str]:
    """Guess fields from common column names, one column per field."""
    mapping: dict[str, str] = {}
    for header in headers:
        target = GENERIC_ALIASES.get(header)
        if target and target not in mapping.values():
            mapping[header] = target
    return mapping


def _kind_of(mapping: Mapping[str, str]) -> str:
    """What rows of a generic or custom file describe, from the fields they fill."""
    fields = set(mapping.values())
    if "source_url" in fields:
        return "backlinks"
    if "email" in fields and not fields & {"site_url", "domain"}:
        return "contacts"
    return "sites"


_URL = re.compile(r"^(?:https?://)?[\w.-]+\.[a-z]{2,}(?:[/?#]\S*)?$", re.IGNORECASE)
_DATE = re.compile(r"^\d{4}-\d\d-\d\d|^\d{1,2}[/.]\d{1,2}[/.]\d{2,4}$|^[^\W\d]{3,} \d{1,2}, \d{4}$")
_INT = re.compile(r"^\d[\d,.\s\u00a0]*$")


def _by_shape(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> Detection | None:
    """Recognise Search Console's translated two- and three-column reports by what their cells hold."""
    rows = [r for r in rows if any(c.strip() for c in r)][:10]
    if not rows or len(headers) not in (2, 3):
        return None

    def column(i: int, pattern: re.Pattern) -> bool:
        """Every sampled row's cell i matches the pattern."""
        return all(len(r) > i and pattern.match(r[i].strip()) for r in rows)

    if len(headers) == 2 and column(0, _URL) and "/" in rows[0][0] and column(1, _DATE):
        fmt = FORMATS_BY_NAME["gsc_latest_links"]
        targets = ("source_url", "last_seen")
    elif len(headers) == 3 and column(0, _URL) and column(1, _INT) and column(2, _INT):
        fmt = FORMATS_BY_NAME["gsc_top_linking_sites"]
        targets = ("domain", "site.links_to_target", "site.target_pages")
    else:
        return None
    return Detection(
        format=fmt.name,
        confidence=0.6,
        mapping=dict(zip(headers, targets, strict=True)),
        missing=(),
        headers=tuple(headers),
        label=f"{fmt.label} (recognised by its content)",
        source=fmt.source,
        kind=fmt.kind,
    )


def detect(headers: Sequence[str], sample_rows: Sequence[Sequence[str]] = ()) -> Detection:
    """Recognise an export from its header (by column names, never positions); sample rows help translated files."""
    headers = [normalise_header(h) for h in headers]
    present = set(headers)
    candidates = [f for f in FORMATS if _satisfies(f, present)]
    if candidates:
        # Formats sharing columns (backlinks vs referring domains exports) are told apart by how many of
        # their distinctive columns the file carries; more identifying columns break a tie.
        best = max(candidates, key=lambda f: (sum(h in f.columns for h in present), len(f.required)))
        return _map_known(best, headers)
    mapping = _alias_mapping(headers)
    has_identity = bool(set(mapping.values()) & set(IDENTITY_FIELDS))
    # Only columns named in no language we know are recognised by what they hold (translated Search Console).
    shaped = None if has_identity else _by_shape(headers, sample_rows)
    if shaped is not None:
        return shaped
    if has_identity:
        return Detection(
            format=GENERIC,
            confidence=round(0.3 + 0.3 * len(mapping) / max(len(headers), 1), 3),
            mapping=mapping,
            missing=(),
            headers=tuple(headers),
            label="Prospect list",
            kind=_kind_of(mapping),
            unmapped=tuple(h for h in headers if h not in mapping),
        )
    return Detection(
        format=UNKNOWN,
        confidence=0.0,
        mapping=mapping,
        missing=IDENTITY_FIELDS,
        headers=tuple(headers),
        label="Unrecognised file",
        message="We don't recognise this file's columns. " + _NEEDS_IDENTITY,
        unmapped=tuple(h for h in headers if h not in mapping),
    )


def is_header_row(cells: Sequence[str]) -> bool:
    """True when a row is the header of a known export (used to skip title lines above it)."""
    return detect(cells).format not in (UNKNOWN, GENERIC)


CUSTOM_TARGET = re.compile(r"^(?:(site|contact)\.)?custom\.(.*)$")
CUSTOM_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def custom_target(target: str) -> tuple[str | None, str] | None:
    """(entity or None, key) of a "custom.key", "site.custom.key" or "contact.custom.key" target; None otherwise."""
    found = CUSTOM_TARGET.match(target.strip().lower())
    return (found.group(1), found.group(2)) if found else None


def _target(raw_header: str, target: str) -> str:
    """A mapping target as stored: a known field, or a custom target in lower case; ValueError otherwise."""
    if target in FIELDS:
        return target
    custom = custom_target(target)
    if custom is None:
        raise ValueError(f"'{target}' is not a field a column can be imported into.")
    if not CUSTOM_KEY.match(custom[1]):
        raise ValueError(f"'{target}' (column '{raw_header}'): a custom field key starts with a letter and holds only "
                         "a-z, 0-9 and _ (at most 40), e.g. custom.budget.")
    return target.strip().lower()


def _resolve_custom(mapping: dict[str, str], kind: str) -> None:
    """Give "custom.key" targets their entity: the contact for contact lists, the site otherwise."""
    entity = "contact" if kind == "contacts" else "site"
    for header, target in mapping.items():
        if target.startswith("custom."):
            mapping[header] = f"{entity}.{target}"
    if any(t.startswith("contact.custom.") for t in mapping.values()) and "email" not in mapping.values():
        raise ValueError("A column is mapped to a contact's custom field, but no column holds the contact's "
                         "email address.")


def describe_target(target: str) -> str:
    """A target's name in the mapping step's words."""
    if target in FIELDS:
        return FIELDS[target]
    custom = custom_target(target)
    if custom is None:
        return target
    return f"{(custom[0] or '').capitalize()} custom field “{custom[1]}”".strip()


def apply_mapping(headers: Sequence[str], user_mapping: Mapping[str, str | None],
                  base: Detection | None = None) -> Detection:
    """Build a detection from the user's column choices ({header: field or None to ignore}); ValueError if invalid.

    With a recognised export as base, the choices change its mapping and it stays that export (its vendor, its
    kind); otherwise the choices are the whole mapping.
    """
    headers = [normalise_header(h) for h in headers]
    overlay = base is not None and base.importable and base.format != CUSTOM
    mapping: dict[str, str] = dict(base.mapping) if overlay else {}
    owner: dict[str, str] = {}
    for raw_header, target in user_mapping.items():
        header = normalise_header(raw_header)
        if header not in headers:
            raise ValueError(f"The file has no column named '{raw_header}'.")
        if not target:
            mapping.pop(header, None)
            continue
        target = _target(raw_header, target)
        if target in owner:
            both = describe_target(target)
            raise ValueError(f"Columns '{owner[target]}' and '{raw_header}' are both mapped to {both}.")
        owner[target] = raw_header
        for other in [h for h, t in mapping.items() if t == target and h != header]:
            del mapping[other]  # the user's choice takes the field from the column we had guessed
        mapping[header] = target
    plain = {h: t for h, t in mapping.items() if custom_target(t) is None}
    kind = base.kind if overlay and base.format != GENERIC else _kind_of(plain)
    _resolve_custom(mapping, kind)
    has_identity = bool(set(mapping.values()) & set(IDENTITY_FIELDS))
    if overlay and has_identity:
        return Detection(format=base.format, confidence=base.confidence, mapping=mapping, missing=base.missing,
                         headers=tuple(headers), label=base.label, source=base.source, kind=kind,
                         unmapped=tuple(h for h in headers if h not in mapping))
    return Detection(
        format=CUSTOM,
        confidence=1.0,
        mapping=mapping,
        missing=() if has_identity else IDENTITY_FIELDS,
        headers=tuple(headers),
        label="Custom column mapping",
        kind=kind,
        message="" if has_identity else _NEEDS_IDENTITY,
        unmapped=tuple(h for h in headers if h not in mapping),
    )
