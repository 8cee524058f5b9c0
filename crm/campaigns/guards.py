"""Guards (pure): which sites may join a campaign, each skip with its reason; and who may change what.

Roles: viewers read; members work their own and unassigned rows; admins and owners everything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from crm.accounts.models import ROLE_RANK


@dataclass(frozen=True)
class SiteFacts:
    """What the guards need to know about one candidate site."""

    site_id: int
    domain: str
    status: str = "active"
    last_contacted_at: datetime | None = None
    in_this_campaign: bool = False
    other_active_campaigns: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Skip:
    """A site left out, and why."""

    site_id: int
    domain: str
    reason: str


def skip_reason(facts: SiteFacts, *, now: datetime, recontact_days: int) -> str | None:
    """Why this site must not be added, or None when it may; the first rule that applies wins."""
    if facts.in_this_campaign:
        return "already in this campaign"
    if facts.status == "blocked":
        return "site is blocked"
    if facts.status == "do_not_contact":
        return "site is marked do-not-contact"
    if facts.other_active_campaigns:
        names = ", ".join(sorted(facts.other_active_campaigns))
        return f"already in another active campaign ({names})"
    if recontact_days > 0 and facts.last_contacted_at is not None:
        since = now - facts.last_contacted_at
        if since < timedelta(days=recontact_days):
            days = max(since.days, 0)
            when = "today" if days == 0 else ("1 day ago" if days == 1 else f"{days} days ago")
            return f"contacted {when} (the workspace waits {recontact_days} days before contacting a site again)"
    return None


def screen(
    candidates: list[SiteFacts], *, now: datetime, recontact_days: int
) -> tuple[list[SiteFacts], list[Skip]]:
    """Split candidates into those that may be added and those skipped with their reasons (input order kept)."""
    allowed: list[SiteFacts] = []
    skipped: list[Skip] = []
    for facts in candidates:
        reason = skip_reason(facts, now=now, recontact_days=recontact_days)
        if reason is None:
            allowed.append(facts)
        else:
            skipped.append(Skip(facts.site_id, facts.domain, reason))
    return allowed, skipped


def best_contact(contacts: list[tuple[int, bool, str, str]]) -> int | None:
    """The contact to pitch: contacts are (id, is_role_address, status, name); a usable person before a role address."""
    usable = [c for c in contacts if c[2] == "ok"]
    if not usable:
        return None
    # A named person beats an anonymous personal address; the oldest record breaks ties.
    usable.sort(key=lambda c: (c[1], not c[3], c[0]))
    return usable[0][0]


def _at_least(role: str | None, minimum: str) -> bool:
    return role is not None and ROLE_RANK.get(role, -1) >= ROLE_RANK[minimum]


def may_work(role: str | None, user_id: int | None, owner_id: int | None) -> bool:
    """True when this person may move or edit a row owned by `owner_id` (an opportunity, a campaign)."""
    if _at_least(role, "admin"):
        return True
    return _at_least(role, "member") and owner_id in (None, user_id)


def may_assign(role: str | None, user_id: int | None, new_owner_id: int | None) -> bool:
    """Members may take a row or leave it unassigned; only admins hand work to someone else."""
    if _at_least(role, "admin"):
        return True
    return _at_least(role, "member") and new_owner_id in (None, user_id)


def may_complete_task(role: str | None, user_id: int | None, assignee_id: int | None) -> bool:
    """Members complete their own and unassigned tasks; admins any."""
    return may_work(role, user_id, assignee_id)


def refused_ids(role: str | None, user_id: int | None, owners: dict[int, int | None]) -> list[int]:
    """The ids (of {id: owner_id}) this person may not work, in id order."""
    return sorted(row_id for row_id, owner in owners.items() if not may_work(role, user_id, owner))
