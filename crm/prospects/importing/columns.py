"""A compiled column mapping: reads the mapped cells of one row into typed values, fast enough for 100,000 rows."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from operator import itemgetter
from typing import Any

from crm.prospects import contactinfo
from crm.prospects.emails import validate_email
from crm.prospects.importing.cells import parse_bool, parse_date, parse_host, parse_number, parse_url
from crm.prospects.importing.detect import Detection
from crm.prospects.importing.formats import BOOL_METRICS

_TEXT_FIELDS = frozenset({"site_name", "source_title", "anchor", "contact_name", "first_name", "last_name", "position"})
_LOWER_FIELDS = frozenset({"link_type", "email_type"})
_BOOL_FIELDS = frozenset({"nofollow", "follow", "ugc", "sponsored", "in_content", "lost"})
_FLAG_FIELDS = ("flag_image", "flag_redirect", "flag_frame", "flag_form")
_DATE_FIELDS = frozenset({"first_seen", "last_seen", "lost_at"})
_REL_TOKENS = ("nofollow", "ugc", "sponsored")


def _text(cell: str) -> str | None:
    """Text with its whitespace collapsed; None when empty."""
    if "  " in cell or cell != cell.strip() or "\t" in cell or "\n" in cell or "\r" in cell:
        return " ".join(cell.split()) or None
    return cell


def _lower(cell: str) -> str | None:
    """Lower-case text, for values compared against a vocabulary."""
    text = _text(cell)
    return text.lower() if text else None


def _tags(cell: str) -> list[str]:
    """Tags separated by commas, semicolons or bars."""
    return [t for t in (" ".join(p.split()) for p in re.split(r"[,;|]", cell)) if t]


def _email(cell: str) -> str | None:
    """A validated, normalised address."""
    return validate_email(cell) if cell.strip() else None


def _rel_tokens(cell: str) -> dict[str, Any]:
    """Rel flags from "nofollow sponsored" or an Ahrefs v2 type list such as "text, nofollow"."""
    tokens = [t for t in re.split(r"[\s,;|]+", cell.strip().lower()) if t]
    found: dict[str, Any] = {name: name in tokens for name in _REL_TOKENS}
    kinds = [t for t in tokens if t not in _REL_TOKENS and t not in ("follow", "dofollow")]
    if kinds:
        found["link_type"] = kinds[0]
    return found


_target_url = lru_cache(maxsize=4096)(parse_url)  # a few target pages repeat on every row


def _parser(field: str) -> tuple[Callable[[str], Any], str | None]:
    """The cell parser for a field, and the bucket its value goes into (None, site_metrics or page_metrics)."""
    if field.startswith(("site.", "page.")):
        bucket = "site_metrics" if field.startswith("site.") else "page_metrics"
        return parse_number, bucket
    if field == "target_url":
        return _target_url, None
    if field in ("site_url", "source_url"):
        return parse_url, None
    table: dict[str, Callable[[str], Any]] = {
        "domain": parse_host,
        "tags": _tags,
        "email": _email,
        "confidence": parse_number,
        "verification": contactinfo.parse_verification,
        "linkedin": contactinfo.parse_linkedin,
        "twitter": contactinfo.parse_twitter,
        "rel": _rel_tokens,
        "type_with_rel": _rel_tokens,
    }
    if field in table:
        return table[field], None
    if field in _TEXT_FIELDS:
        return _text, None
    if field in _LOWER_FIELDS:
        return _lower, None
    if field in _BOOL_FIELDS or field in _FLAG_FIELDS:
        return parse_bool, None
    if field in _DATE_FIELDS:
        return parse_date, None
    raise ValueError(f"No reader for field '{field}'.")


_QUICK_BOOLS = {"true": True, "false": False, "": False, "+": True, "Yes": True, "No": False, "TRUE": True}


def _parsed(parse: Callable[[str], Any], cell: str, column: str, problems: list[tuple[str, str]]) -> Any:
    """A cell read by its parser; None for a missing value, or after noting why the cell cannot be read."""
    try:
        return parse(cell)
    except ValueError as exc:
        problems.append((column, f"{column}: {exc}"))
        return None


class RowPlan:
    """The mapping of a detection compiled against the file's column positions."""

    def __init__(self, detection: Detection, raw_headers: Sequence[str]) -> None:
        self.source = detection.source
        # Cells are read in tight loops by kind (metrics, flags, flag metrics, the rest): this runs for every
        # cell of every row of a 100,000-row export.
        self.metrics: list[tuple[int, str, str, Callable[[str], Any], str]] = []
        self.flags: list[tuple[int, str, str]] = []
        self.flag_metrics: list[tuple[int, str, str, str]] = []
        self.others: list[tuple[int, str, str, Callable[[str], Any]]] = []
        self.custom: list[tuple[int, str, str]] = []  # (index, bucket: site_custom or contact_custom, key)
        taken: set[str] = set()
        for index, header in enumerate(detection.headers):
            field = detection.mapping.get(header)
            if not field or field in taken:
                continue  # a repeated column name feeds its field once, from the first column
            taken.add(field)
            column = raw_headers[index].strip() or header
            entity, dot_custom, key = field.partition(".custom.")
            if dot_custom:  # text as written; the field's type is applied when the import is planned
                self.custom.append((index, f"{entity}_custom", key))
                continue
            parse, bucket = _parser(field)
            if bucket and field[5:] in BOOL_METRICS:
                self.flag_metrics.append((index, column, field[5:], bucket))
            elif bucket:
                self.metrics.append((index, column, field[5:], parse, bucket))
            elif field in _FLAG_FIELDS or (field in _BOOL_FIELDS and field != "follow"):
                # An empty flag cell means "no" (Majestic writes only the "+" of a set flag); "follow" is left
                # out because an empty "Followable" cell does not mean nofollow.
                self.flags.append((index, column, field))
            else:
                self.others.append((index, column, field, parse))
        self.has_flags = any(f[2] in _FLAG_FIELDS for f in self.flags)
        groups = (self.metrics, self.flags, self.flag_metrics, self.others, self.custom)
        mapped = {entry[0] for group in groups for entry in group}
        unmapped = [i for i in range(len(raw_headers)) if i not in mapped]
        self._unmapped_names = [raw_headers[i].strip() for i in unmapped]
        self._unmapped_cells = itemgetter(*unmapped) if len(unmapped) > 1 else None
        self._unmapped_index = unmapped

    def read(self, cells: Sequence[str]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        """Typed values of the mapped cells, and (column, message) for each cell that could not be read."""
        got: dict[str, Any] = {"site_metrics": {}, "page_metrics": {}}
        problems: list[tuple[str, str]] = []
        for index, column, key, parse, bucket in self.metrics:
            cell = cells[index]
            if cell.isdigit():
                got[bucket][key] = float(cell)
                continue
            if not cell:
                continue
            try:
                value = float(cell)
                if value - value != 0:  # inf and nan are not measurements
                    raise ValueError(cell)
            except ValueError:
                value = _parsed(parse, cell, column, problems)
                if value is None:
                    continue
            got[bucket][key] = value
        for index, column, key in self.flags:
            cell = cells[index]
            flag = _QUICK_BOOLS.get(cell)
            if flag is None:
                flag = _parsed(parse_bool, cell, column, problems)
                if flag is None:
                    continue  # "n/a" (the export does not say), or a cell that could not be read
            got[key] = flag
        for index, column, key, bucket in self.flag_metrics:
            cell = cells[index]
            flag = _QUICK_BOOLS.get(cell)
            if flag is None:
                flag = _parsed(parse_bool, cell, column, problems)
            if cell and flag is not None:
                got[bucket][key] = float(flag)
        for index, column, key, parse in self.others:
            cell = cells[index]
            if not cell or cell.isspace():
                continue
            value = _parsed(parse, cell, column, problems)
            if value is None:
                continue
            if key in ("rel", "type_with_rel"):
                for name, flag in value.items():
                    got.setdefault(name, flag)
            else:
                got[key] = value
        for index, bucket, key in self.custom:
            text = _text(cells[index])
            if text:  # an empty cell leaves the record's value as it is
                got.setdefault(bucket, {})[key] = text
        if "follow" in got:
            got.setdefault("nofollow", not got.pop("follow"))
        if self.has_flags and "link_type" not in got:
            kinds = [f[5:] for f in _FLAG_FIELDS if got.get(f)]
            got["link_type"] = kinds[0] if kinds else "text"
        return got, problems

    def unimported(self, cells: Sequence[str]) -> dict[str, str]:
        """Cells of the columns not imported, by their header as written, so nothing exported is lost."""
        if self._unmapped_cells is not None:
            return dict(zip(self._unmapped_names, self._unmapped_cells(cells), strict=True))
        return {name: cells[i] for name, i in zip(self._unmapped_names, self._unmapped_index, strict=True)}
