"""Cell values of SEO exports as Python values: numbers, flags, dates, URLs and domains."""

from __future__ import annotations

import re
from datetime import date, datetime

import ada_url

from crm.net.domains import normalise_host, registrable_domain

# What tools write for "no value": an empty cell, a dash, "n/a", "none" and friends.
MISSING = frozenset(
    {"", "-", "--", "\u2014", "\u2013", "n/a", "na", "n.a.", "none", "null", "nan", "?", "not available"}
)

_SUFFIXES = {"k": 1e3, "m": 1e6, "b": 1e9, "bn": 1e9, "mm": 1e6}
_NUMBER = re.compile(r"^([+-]?)(\d[\d.,]*|\.\d+)\s*(k|m|mm|b|bn)?\s*(%)?$", re.IGNORECASE)
_GROUPED = re.compile(r"^\d{1,3}(?:,\d{3})+$")
_THIN = str.maketrans("", "", " \u00a0\u202f\u2009'\u2019_")


def is_missing(text: str) -> bool:
    """True when a cell says "no value" in any of the ways exports do."""
    return text.strip().casefold() in MISSING


def parse_number(text: str) -> float | None:
    """Read "1,240", "1.2K", "3M", "45%", "1 240", "0,5" or "-" (missing → None); raise ValueError otherwise."""
    raw = text.strip()
    if raw.casefold() in MISSING:
        return None
    match = _NUMBER.match(raw.translate(_THIN))
    if not match:
        raise ValueError(f"'{raw}' is not a number")
    sign, digits, suffix, _percent = match.groups()
    if "," in digits and "." in digits:
        # Whichever separator comes last is the decimal one: "1,234.5" and "1.234,5" both mean 1234.5.
        if digits.rfind(",") > digits.rfind("."):
            digits = digits.replace(".", "").replace(",", ".")
        else:
            digits = digits.replace(",", "")
    elif "," in digits:
        # "1,240" groups thousands (Search Console); "0,5" or "12,75" is a decimal comma.
        digits = digits.replace(",", "") if _GROUPED.match(digits) else digits.replace(",", ".")
    elif digits.count(".") > 1:
        # "1.234.567" can only be grouping; a lone "1.240" stays a decimal.
        digits = digits.replace(".", "")
    try:
        value = float(digits)
    except ValueError:
        raise ValueError(f"'{raw}' is not a number") from None
    if suffix:
        value *= _SUFFIXES[suffix.casefold()]
    return -value if sign == "-" else value


_TRUE = frozenset({"true", "yes", "y", "1", "+", "x", "✓", "✔", "t", "on", "checked"})
_FALSE = frozenset({"false", "no", "n", "0", "", "f", "off", "unchecked"})


def parse_bool(text: str) -> bool | None:
    """Read a flag: true/yes/1/+ (Majestic) are True; false/no/0/empty are False; "n/a" is None."""
    value = text.strip().casefold()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    if value in MISSING:
        return None
    raise ValueError(f"'{text.strip()}' is not yes/no or true/false")


_DATE_FORMATS = ("%b %d, %Y", "%B %d, %Y", "%d %b %Y", "%d %B %Y", "%d.%m.%Y", "%Y/%m/%d", "%Y%m%d")


def parse_date(text: str) -> date | None:
    """Read the dates exports use: ISO with or without time, mm/dd/yyyy (dd/mm when the day says so), "Sep 15, 2026"."""
    if len(text) >= 10 and text[4] == "-" and text[7] == "-":
        try:
            return date.fromisoformat(text[:10])  # the common case, first
        except ValueError:
            pass
    raw = text.strip()
    if raw.casefold() in MISSING:
        return None
    if len(raw) >= 10 and raw[4] == "-" and raw[7] == "-":
        try:
            return date.fromisoformat(raw[:10])
        except ValueError:
            pass
    parts = raw.split(" ")[0].split("/")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        first, second, year = (int(p) for p in parts)
        if len(parts[0]) == 4:
            first, second, year = second, year, first
            return _checked_date(year, first, second, raw)
        if year < 100:
            year += 2000
        # US tools (BuzzStream) write mm/dd/yyyy; a first part over 12 can only be a day.
        return _checked_date(year, second, first, raw) if first > 12 else _checked_date(year, first, second, raw)
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"'{raw}' is not a date we can read (use YYYY-MM-DD)")


def _checked_date(year: int, month: int, day: int, raw: str) -> date:
    """A date from parts, with the user's text in the error."""
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"'{raw}' is not a valid date") from None


# URLs already in the form a WHATWG parser would write them (lower-case scheme and host name, a path, only
# characters no component re-encodes, no dot segments, port, fragment or IP address). Most exported URLs are,
# and they are returned as they are, with their host; everything else goes through the full parser.
_CANONICAL_URL = re.compile(
    r"https?://(?!.*xn--)((?:[a-z0-9-]+\.)+[a-z][a-z0-9-]*)(?!.*/(?:\.|%2[eE]))/[A-Za-z0-9\-._~/?=&%+,;:@!$*()]*"
)


def parse_url(text: str) -> tuple[str, str] | None:
    """Parse a page URL (scheme optional) into (normalised href, host); None when empty; ValueError when bad."""
    raw = text.strip()
    match = _CANONICAL_URL.fullmatch(raw)
    if match:
        return raw, match.group(1)
    if raw.casefold() in MISSING:
        return None
    candidate = raw if "://" in raw else "http://" + raw.lstrip("/")
    try:
        # WHATWG parsing, as a browser would follow the link; the host is read back from the normalised form.
        href = ada_url.normalize_url(candidate)
    except ValueError:
        raise ValueError(f"'{_short(raw)}' is not a valid URL") from None
    scheme, _, rest = href.partition("://")
    if scheme not in ("http", "https"):
        raise ValueError(f"'{_short(raw)}' is not a web address (http or https)")
    authority = rest.split("/", 1)[0]
    if "@" in authority:
        raise ValueError(f"'{_short(raw)}' contains a user name or password")
    if authority.startswith("["):
        host = authority[1 : authority.index("]")]
    else:
        host = authority.rpartition(":")[0] or authority
    if not host:
        raise ValueError(f"'{_short(raw)}' has no host name")
    return href, host


def parse_host(text: str) -> str | None:
    """Read a domain cell ("example.com", "www.example.com/", "https://example.com") as a normalised host."""
    raw = text.strip()
    if raw.casefold() in MISSING:
        return None
    if "://" in raw or "/" in raw:
        parsed = parse_url(raw)
        return parsed[1] if parsed else None
    host = normalise_host(raw)
    if not host or any(c in host for c in " @,;\"'<>"):
        raise ValueError(f"'{_short(raw)}' is not a domain name")
    return host


def site_of(host: str) -> str:
    """The registrable domain of a host, or ValueError naming the host when it has none (an IP, "localhost")."""
    domain = registrable_domain(host)
    if domain is None:
        raise ValueError(f"'{host}' has no registrable domain (an IP address or an unknown suffix)")
    return domain


def _short(text: str, limit: int = 80) -> str:
    """Keep user text in messages readable."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
