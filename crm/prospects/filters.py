"""The sites list's filters, sort and page as a value read from a query string (no Flask, no database)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from crm.prospects.custom_fields import KEY as CUSTOM_KEY
from crm.prospects.models import SITE_METRIC_COLUMNS, SITE_STATUSES

# (query-string key, column, label); "as" is the column as_score.
METRIC_FILTERS = (
    ("dr", "dr", "DR"), ("da", "da", "DA"), ("tf", "tf", "TF"), ("cf", "cf", "CF"), ("as", "as_score", "AS"),
    ("traffic", "traffic", "Traffic"), ("rd", "ref_domains", "Ref. domains"), ("spam", "spam", "Spam"),
)  # fmt: skip
SORTS = {"domain": "Domain", "added": "Date added", "contacted": "Last contacted",
         **{column: label for _, column, label in METRIC_FILTERS}}
CONTACTED = {"": "Any time", "never": "Never contacted", "recent": "Contacted in the last N days",
             "stale": "Not contacted in the last N days"}
PER_PAGE = (25, 50, 100, 200)
MAX_DAYS = 3650


@dataclass(frozen=True)
class SiteFilter:
    """What the sites list shows: search, filters, sort and page."""

    q: str = ""
    tag_id: int | None = None
    status: str = ""
    owner: str = ""  # "" any, "none" without owner, or a user id as text
    ranges: tuple[tuple[str, float | None, float | None], ...] = ()  # (column, min, max)
    contacted: str = ""
    days: int = 30
    sort: str = "dr"
    desc: bool = True
    page: int = 1
    per_page: int = 50
    custom_key: str = ""  # a site custom field: sites whose value equals custom_value, or is empty
    custom_value: str = ""
    custom_empty: bool = False
    errors: tuple[str, ...] = field(default=(), compare=False)

    @property
    def active(self) -> bool:
        """True when anything narrows the list."""
        return bool(self.q or self.tag_id or self.status or self.owner or self.ranges or self.contacted
                    or self.custom_key)

    def to_args(self, **changes) -> dict[str, str]:
        """The query-string arguments that give this filter back (defaults left out), with changes applied."""
        f = replace(self, **changes) if changes else self
        args: dict[str, str] = {}
        for key, value in (("q", f.q), ("status", f.status), ("owner", f.owner), ("contacted", f.contacted)):
            if value:
                args[key] = value
        if f.tag_id:
            args["tag"] = str(f.tag_id)
        if f.custom_key:
            args["cf"] = f.custom_key
            if f.custom_empty:
                args["cf_empty"] = "1"
            else:
                args["cfv"] = f.custom_value
        if f.contacted in ("recent", "stale"):
            args["days"] = str(f.days)
        keys = {column: key for key, column, _ in METRIC_FILTERS}
        for column, low, high in f.ranges:
            if low is not None:
                args[f"{keys[column]}_min"] = f"{low:g}"
            if high is not None:
                args[f"{keys[column]}_max"] = f"{high:g}"
        if (f.sort, f.desc) != ("dr", True):
            args["sort"], args["dir"] = f.sort, "desc" if f.desc else "asc"
        if f.page != 1:
            args["page"] = str(f.page)
        if f.per_page != 50:
            args["per_page"] = str(f.per_page)
        return args


def _number(text: str, name: str, errors: list[str]) -> float | None:
    """A number from the query string, or None (with a message when it is not one)."""
    text = (text or "").strip().replace(",", "")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        errors.append(f"{name} must be a number.")
        return None
    if value != value or value in (float("inf"), float("-inf")):
        errors.append(f"{name} must be a number.")
        return None
    return value


def _int(text: str, default: int, low: int, high: int) -> int:
    """A whole number in a range, or the default."""
    try:
        return min(max(int((text or "").strip()), low), high)
    except ValueError:
        return default


def parse(args: Mapping[str, str]) -> SiteFilter:
    """Read a SiteFilter from query-string arguments; bad values are dropped and named in `errors`."""
    errors: list[str] = []
    ranges = []
    for key, column, label in METRIC_FILTERS:
        low = _number(args.get(f"{key}_min", ""), f"Minimum {label}", errors)
        high = _number(args.get(f"{key}_max", ""), f"Maximum {label}", errors)
        if low is not None and high is not None and low > high:
            errors.append(f"The minimum {label} is above the maximum.")
        elif low is not None or high is not None:
            ranges.append((column, low, high))
    status = args.get("status", "")
    if status and status not in SITE_STATUSES:
        errors.append("Unknown status.")
        status = ""
    owner = args.get("owner", "")
    if owner and owner != "none" and not owner.isdigit():
        owner = ""
    tag = args.get("tag", "")
    contacted = args.get("contacted", "")
    sort = args.get("sort", "dr")
    per_page = _int(args.get("per_page", ""), 50, 1, max(PER_PAGE))
    custom_key = (args.get("cf") or "").strip().lower()
    if custom_key and not CUSTOM_KEY.match(custom_key):
        errors.append("Unknown custom field.")
        custom_key = ""
    return SiteFilter(
        q=" ".join((args.get("q") or "").split()).lower()[:253],
        tag_id=int(tag) if tag.isdigit() else None,
        status=status,
        owner=owner,
        ranges=tuple(ranges),
        contacted=contacted if contacted in CONTACTED else "",
        days=_int(args.get("days", ""), 30, 1, MAX_DAYS),
        sort=sort if sort in SORTS else "dr",
        desc=args.get("dir", "desc" if sort != "domain" else "asc") != "asc",
        page=_int(args.get("page", ""), 1, 1, 1_000_000),
        per_page=per_page if per_page in PER_PAGE else 50,
        custom_key=custom_key,
        custom_value=" ".join((args.get("cfv") or "").split())[:200] if custom_key else "",
        custom_empty=bool(custom_key) and args.get("cf_empty") == "1",
        errors=tuple(errors),
    )


assert {column for _, column, _ in METRIC_FILTERS} == set(SITE_METRIC_COLUMNS)  # every column filters and sorts
