"""Report figures as pure functions: the funnel, rates, money per link and per point, quality, history, risks."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from crm.campaigns import definitions
from crm.quality.disavow import LOW_SCORE_BELOW

# A link "is live" when the verifier found it on a page search engines index, followed or not (as the campaign
# board counts it). A noindexed page still carries the link and it still gets a (tiny) score, so harm checks
# look at every link on a page (ON_PAGE_STATUSES), while live counts and quality look at LIVE_STATUSES.
LIVE_STATUSES = definitions.LIVE_STATUSES
ON_PAGE_STATUSES = ("live", "live_nofollow", "not_indexable")
LOST_STATUSES = ("missing", "wrong_target", "page_error")
UNCERTAIN_STATUSES = ("blocked", "unverified", "unchecked")
# Only a reply written by a person counts (crm.campaigns.definitions).
COUNTED_REPLY_KINDS = definitions.REPLY_KINDS
NOT_FOLLOWED_RELS = ("nofollow", "sponsored", "ugc")

FUNNEL = (("prospects", "Prospects"), ("pitched", "Pitched"), ("replied", "Replied"), ("won", "Won"), ("live", "Live"))
LOST_REASONS = {
    "missing": "Link removed from the page",
    "wrong_target": "Link points somewhere else",
    "page_error": "Page gone or broken",
    "not_indexable": "Page no longer indexable",
    "blocked": "Blocked from checking",
    "unverified": "Could not be checked",
    "unchecked": "Not checked yet",
    "live_nofollow": "Link made nofollow",
}
QUALITY_BUCKETS = ((0, 19, "0-19 poor"), (20, 39, "20-39 weak"), (40, 59, "40-59 fair"),
                   (60, 79, "60-79 good"), (80, 100, "80-100 strong"))


def rate(part: float, whole: float) -> float | None:
    """part / whole, or None when there is nothing to divide by."""
    return part / whole if whole else None


@dataclass(frozen=True)
class FunnelStep:
    """One funnel step: how many got this far, as a share of the step before and of all prospects."""

    key: str
    label: str
    count: int
    rate: float | None  # of the previous step
    share: float | None  # of prospects


def funnel_from_counts(counts: Mapping[str, int]) -> list[FunnelStep]:
    """Funnel steps with their rates from how many opportunities passed each step (crm.campaigns.stages rules)."""
    values = [int(counts.get(key, 0)) for key, _ in FUNNEL]
    previous = [values[0], *values[:-1]]
    return [FunnelStep(key, label, values[i], rate(values[i], previous[i]), rate(values[i], values[0]))
            for i, (key, label) in enumerate(FUNNEL)]


def funnel_counts(steps: Sequence[FunnelStep]) -> dict[str, int]:
    """{"prospects": n, "pitched": n, ...} from funnel steps."""
    return {step.key: step.count for step in steps}


def cost_per(total_cents: int, units: float) -> float | None:
    """Money per unit (a live link, a quality point) in cents, or None with no units."""
    return total_cents / units if units else None


@dataclass(frozen=True)
class Spend:
    """Money spent on a campaign by its cost ledger, in its currency, and the amounts in other currencies
    (shown per currency, never added in)."""

    placements_cents: int = 0  # agreed placement prices
    costs_cents: int = 0  # content, tools, fees, backlinks' own costs
    other_currency_items: int = 0
    other_currencies: tuple = ()  # ((currency, cents), ...)

    @property
    def total_cents(self) -> int:
        """Everything spent."""
        return self.placements_cents + self.costs_cents


def is_paid(acquisition: str | None, cost_cents: int | None, price_cents: int | None) -> bool:
    """True when money changed hands for a link: bought, or a cost or placement price is recorded."""
    return acquisition == "paid" or bool(cost_cents) or bool(price_cents)


def is_followed(status: str, rel: Iterable[str] | None) -> bool:
    """True when a link on the page passes credit: not marked nofollow/sponsored/ugc, by itself or the page."""
    if status not in ("live", "not_indexable"):
        return False
    return not any(str(token).lower() in NOT_FOLLOWED_RELS for token in rel or ())


def paid_follow_risk(paid: bool, status: str, rel: Iterable[str] | None) -> bool:
    """A paid link that passes credit without rel=sponsored (or nofollow) breaks search engines' link rules."""
    return paid and is_followed(status, rel)


def is_lost(status: str, lost_at: datetime | None) -> bool:
    """True when a link we had is gone: the verifier says so, or it was lost and is not back."""
    return status in LOST_STATUSES or (lost_at is not None and status not in ON_PAGE_STATUSES)


def lost_reason(status: str) -> str:
    """Why a link counts as lost, in words."""
    return LOST_REASONS.get(status, status.replace("_", " ").capitalize())


def harm_reasons(stored: Iterable[str] | None, score: int | None, status: str,
                 low_score_below: int = LOW_SCORE_BELOW) -> list[str]:
    """Why a link may harm: the reasons stored at its last check, plus a very low score if not said already."""
    reasons = [str(reason) for reason in stored or () if str(reason).strip()]
    said = any(reason.startswith("very low score") for reason in reasons)
    if status in ON_PAGE_STATUSES and score is not None and score < low_score_below and not said:
        reasons.append(f"very low score ({score} < {low_score_below})")
    return reasons


def average(values: Iterable[float | None]) -> float | None:
    """The mean of the known values, or None when there are none."""
    known = [value for value in values if value is not None]
    return math.fsum(known) / len(known) if known else None


@dataclass(frozen=True)
class Bucket:
    """A quality band and how many live links fall in it."""

    label: str
    low: int
    high: int
    count: int


def quality_distribution(scores: Iterable[int | None]) -> tuple[list[Bucket], int]:
    """Live links per quality band, and how many have no score yet."""
    counts = [0] * len(QUALITY_BUCKETS)
    unscored = 0
    for score in scores:
        if score is None:
            unscored += 1
        else:  # bands are 20 points wide; 100 belongs to the top one
            counts[min(max(int(score), 0) // 20, len(QUALITY_BUCKETS) - 1)] += 1
    buckets = [Bucket(label, low, high, counts[i]) for i, (low, high, label) in enumerate(QUALITY_BUCKETS)]
    return buckets, unscored


def month_start(moment: date | datetime) -> date:
    """The first day of the month a date or time falls in."""
    return date(moment.year, moment.month, 1)


def add_months(month: date, count: int) -> date:
    """The first day of the month `count` months after (or before) `month`."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, last: date, limit: int = 36) -> list[date]:
    """Month starts from first to last inclusive; only the latest `limit` months when the span is longer."""
    start, end = month_start(first), month_start(last)
    if start > end:
        return [end]
    span = (end.year - start.year) * 12 + end.month - start.month + 1
    start = add_months(start, max(0, span - limit))
    return [add_months(start, i) for i in range(min(span, limit))]


@dataclass(frozen=True)
class MonthPoint:
    """One month of link history: links that went live, were lost, and were live at the month's end."""

    month: date
    went_live: int
    lost: int
    live_at_end: int


def timeline(links: Iterable[tuple[datetime | None, datetime | None]], months: Sequence[date]) -> list[MonthPoint]:
    """Monthly history from each link's (first_live_at, lost_at); links that never went live are ignored."""
    if not months:
        return []
    size, first = len(months), months[0]

    def index(moment: datetime) -> int:
        """Months since the first month shown (negative before it)."""
        return (moment.year - first.year) * 12 + moment.month - first.month

    went, lost, change = [0] * size, [0] * size, [0] * (size + 1)
    for first_live, lost_at in links:
        if first_live is None:
            continue
        start = index(first_live)
        end = index(lost_at) if lost_at is not None else size
        if 0 <= start < size:
            went[start] += 1
        if lost_at is not None and 0 <= end < size:
            lost[end] += 1
        # Live at the end of months start .. end-1: went live in or before them, not lost by their end.
        low, high = max(start, 0), min(end, size)
        if low < high:
            change[low] += 1
            change[high] -= 1
    points, live = [], 0
    for i, month in enumerate(months):
        live += change[i]
        points.append(MonthPoint(month, went[i], lost[i], live))
    return points
