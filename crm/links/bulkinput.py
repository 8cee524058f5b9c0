"""Reading backlinks people type, paste or upload: URLs, acquisition, cost, with a clear message per bad row (pure)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field, replace
from datetime import date

from crm.links.models import ACQUISITIONS, SELF_CREATED_KINDS
from crm.net.addresses import UnsafeURL, parse_fetch_url
from crm.net.domains import registrable_domain

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
CSV_COLUMNS = ("source_url", "target_url", "expected_anchor", "acquisition", "cost", "expected_rel", "placed_on")
_HEADER_ALIASES = {"source": "source_url", "source url": "source_url", "target": "target_url",
                   "target url": "target_url", "anchor": "expected_anchor", "anchor text": "expected_anchor",
                   "expected anchor": "expected_anchor", "rel": "expected_rel", "placed": "placed_on"}
_REL_WORDS = {"": "", "follow": "follow", "dofollow": "follow", "do-follow": "follow", "nofollow": "nofollow",
              "sponsored": "sponsored", "ugc": "ugc"}
_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP"}
_COST = re.compile(r"^([$€£])?\s*(\d{1,9})(?:[.,](\d{1,2}))?\s*([A-Za-z]{3})?$")
_PAIR_SPLIT = re.compile(r"\s*[,;]\s*(?=(?:https?://|www\.))", re.I)


class InputError(ValueError):
    """A value a person typed that cannot be used; the message says what to write instead."""


@dataclass(frozen=True)
class BacklinkInput:
    """One backlink to add, as validated values."""

    source_url: str
    target_url: str
    expected_anchor: str = ""
    expected_rel: str = ""
    acquisition: str = "outreach"
    self_kind: str | None = None
    cost_cents: int | None = None
    currency: str = ""  # blank: the campaign's currency (USD without a campaign)
    placed_on: date | None = None
    line: int | None = None

    @property
    def source_domain(self) -> str:
        """The registrable domain of the source page (its host for IP addresses)."""
        host = parse_fetch_url(self.source_url).host_key
        return registrable_domain(host) or host


@dataclass
class ParseResult:
    """Valid rows and a message per rejected row; nothing is added unless `errors` is empty."""

    rows: list[BacklinkInput] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def clean_url(text: str | None, what: str) -> str:
    """A web address as browsers read it (http/https, no fragment); 'example.com/page' gets https://."""
    text = (text or "").strip()
    if not text:
        raise InputError(f"{what} is empty")
    if "://" not in text and re.match(r"^[\w.-]+\.[a-z]{2,}(?:[/:?#]|$)", text, re.I):
        text = "https://" + text
    try:
        return parse_fetch_url(text).url
    except UnsafeURL as exc:
        raise InputError(f"{what} {text[:120]!r} is not a web address ({exc})") from None


def clean_acquisition(text: str | None, default: str = "outreach") -> tuple[str, str | None]:
    """(acquisition, self-created kind) from words like 'paid', 'self_created' or 'directory'."""
    word = re.sub(r"[\s-]+", "_", (text or "").strip().lower())
    if not word:
        return default, None
    if word in ACQUISITIONS:
        return word, None
    if word in SELF_CREATED_KINDS:
        return "self_created", word
    choices = ", ".join((*ACQUISITIONS, *SELF_CREATED_KINDS))
    raise InputError(f"acquisition {text!r} is not one of {choices}")


def clean_cost(text: str | None) -> tuple[int | None, str | None]:
    """(cents, currency or None) from '150', '150.50', '$150' or '120 EUR'; (None, None) when empty."""
    text = (text or "").strip()
    if not text:
        return None, None
    match = _COST.match(text)
    if not match:
        raise InputError(f"cost {text!r} must be an amount like 150, 150.50, $150 or 120 EUR")
    symbol, whole, fraction, code = match.groups()
    cents = int(whole) * 100 + int((fraction or "0").ljust(2, "0"))
    currency = (code or "").upper() or _SYMBOLS.get(symbol or "")
    return cents, currency


def clean_rel(text: str | None) -> str:
    """The rel a link should carry: '', follow, nofollow, sponsored or ugc."""
    word = (text or "").strip().lower()
    if word not in _REL_WORDS:
        raise InputError(f"expected rel {text!r} must be follow, nofollow, sponsored or ugc")
    return _REL_WORDS[word]


def clean_date(text: str | None) -> date | None:
    """A date written as YYYY-MM-DD, or None when empty."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"date {text!r} must be written as YYYY-MM-DD") from None


def make_row(values: dict[str, str], line: int | None, defaults: BacklinkInput | None = None) -> BacklinkInput:
    """Validate one row's values (missing ones from `defaults`); raises InputError naming the first problem."""
    base = defaults or BacklinkInput(source_url="", target_url="")
    source = clean_url(values.get("source_url"), "the source page")
    target = clean_url(values.get("target_url"), "the target page")
    if source == target:
        raise InputError("the source page and the target page are the same address")
    acquisition, kind = clean_acquisition(values.get("acquisition"), base.acquisition)
    cents, currency = clean_cost(values.get("cost"))
    anchor = " ".join((values.get("expected_anchor") or "").split())
    if len(anchor) > 500:
        raise InputError("the expected anchor is longer than 500 characters")
    return replace(
        base, source_url=source, target_url=target, line=line,
        expected_anchor=anchor or base.expected_anchor,
        expected_rel=clean_rel(values["expected_rel"]) if values.get("expected_rel") else base.expected_rel,
        acquisition=acquisition, self_kind=kind if values.get("acquisition") else base.self_kind,
        cost_cents=cents if cents is not None else base.cost_cents, currency=currency or base.currency,
        placed_on=clean_date(values.get("placed_on")) or base.placed_on,
    )


def _collect(result: ParseResult, line: int, values: dict[str, str], defaults: BacklinkInput | None) -> None:
    try:
        result.rows.append(make_row(values, line, defaults))
    except InputError as exc:
        result.errors.append(f"Line {line}: {exc}.")


def parse_pasted(text: str, defaults: BacklinkInput | None = None) -> ParseResult:
    """Lines of 'source_url target_url' or 'source,target' (blank lines and # comments are skipped)."""
    result = ParseResult()
    for number, raw in enumerate((text or "").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#") or line.lower().replace(" ", "") == "source_url,target_url":
            continue
        parts = _PAIR_SPLIT.split(line)  # a comma or semicolon right before the second address
        if len(parts) != 2:
            parts = line.split()
        if len(parts) != 2:
            result.errors.append(f"Line {number}: expected a source page and a target page separated by a space "
                                 f"or a comma, found {len(parts)} part(s).")
            continue
        _collect(result, number, {"source_url": parts[0], "target_url": parts[1]}, defaults)
        if len(result.rows) + len(result.errors) > MAX_ROWS:
            result.errors.append(f"More than {MAX_ROWS} lines: split the list into smaller parts.")
            break
    return result


def decode_text(data: bytes) -> str:
    """File bytes as text: UTF-8 (with or without BOM), else Windows-1252 as spreadsheets on Windows save it."""
    for codec in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    raise InputError("the file is not text in UTF-8 or Windows-1252")


def parse_csv(data: bytes, defaults: BacklinkInput | None = None) -> ParseResult:
    """A CSV with a header naming source_url,target_url[,expected_anchor,acquisition,cost,expected_rel,placed_on]."""
    result = ParseResult()
    if len(data) > MAX_BYTES:
        result.errors.append(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
        return result
    try:
        text = decode_text(data)
    except InputError as exc:
        result.errors.append(f"{exc}.")
        return result
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    columns = [_HEADER_ALIASES.get(h.strip().lower(), h.strip().lower()) for h in header or []]
    missing = [c for c in ("source_url", "target_url") if c not in columns]
    if missing:
        result.errors.append("The first line must name the columns source_url,target_url (optionally "
                             f"expected_anchor, acquisition, cost); missing: {', '.join(missing)}.")
        return result
    unknown = [c for c in columns if c and c not in CSV_COLUMNS]
    if unknown:
        result.errors.append(f"Unknown column(s): {', '.join(unknown)}. Known columns: {', '.join(CSV_COLUMNS)}.")
        return result
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(values) > len(columns):
            result.errors.append(f"Line {line}: {len(values)} values for {len(columns)} columns.")
            continue
        _collect(result, line, dict(zip(columns, values, strict=False)), defaults)
        if len(result.rows) + len(result.errors) > MAX_ROWS:
            result.errors.append(f"More than {MAX_ROWS} rows: split the file into smaller parts.")
            break
    if not result.rows and not result.errors:
        result.errors.append("The file has a header but no rows.")
    return result
