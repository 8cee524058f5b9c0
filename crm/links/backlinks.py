"""Adding, changing, finding and exporting backlinks (all or nothing for many at once)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from sqlalchemy import Select, func, or_, select, tuple_

from crm import events
from crm.db import utcnow
from crm.extensions import db
from crm.links import lookups
from crm.links.bulkinput import BacklinkInput, InputError, clean_url
from crm.links.models import Backlink, LinkAlert, LinkCheck
from crm.links.wording import status_label

STATUS_FILTERS = ("unchecked", "live", "live_nofollow", "not_indexable", "missing", "wrong_target", "page_error",
                  "blocked", "unverified", "pending")
EXPORT_COLUMNS = (
    "id", "source_url", "target_url", "status", "status_label", "pending_status", "score", "score_explanation",
    "expected_anchor", "expected_rel", "anchor_text", "rel", "placement", "acquisition", "self_kind", "cost",
    "currency", "campaign", "placed_on", "first_live_at", "lost_at", "last_checked_at", "next_check_at",
    "harm_reasons",
)


@dataclass
class AddResult:
    """What a bulk add did: the backlinks made, and rows skipped because they were already there."""

    added: list[Backlink] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _checked_links(workspace_id: int, campaign_id: int | None, opportunity_id: int | None) -> tuple:
    """The campaign and opportunity, refused unless both belong to the workspace (and to each other)."""
    if opportunity_id is not None:
        owner = lookups.opportunity_campaign(workspace_id, opportunity_id)
        if owner is None:
            raise InputError("that opportunity does not exist in this workspace")
        if campaign_id is not None and campaign_id != owner:
            raise InputError("that opportunity belongs to another campaign")
        campaign_id = owner
    if campaign_id is not None and not lookups.campaign_exists(workspace_id, campaign_id):
        raise InputError("that campaign does not exist in this workspace")
    return campaign_id, opportunity_id


def _currency(workspace_id: int, row: BacklinkInput, campaign_id: int | None) -> str:
    """The row's currency, else the campaign's (the default everywhere inside a campaign), else USD."""
    return row.currency or lookups.campaign_currency(workspace_id, campaign_id) or "USD"


def announce_cost(backlink: Backlink, *, deleted: bool = False) -> None:
    """Tell the ledger (campaigns) what the backlink cost (in the caller's transaction; delivered after its commit)."""
    events.announce(
        events.link_cost_set, backlink.workspace_id, backlink_id=backlink.id, campaign_id=backlink.campaign_id,
        opportunity_id=backlink.opportunity_id, cost_cents=backlink.cost_cents, currency=backlink.currency,
        source_url=backlink.source_url, placed_on=backlink.placed_on, deleted=deleted)


def _new(workspace_id: int, row: BacklinkInput, campaign_id: int | None, opportunity_id: int | None) -> Backlink:
    domain = row.source_domain
    site = lookups.site_by_domain(workspace_id, domain)
    return Backlink(
        workspace_id=workspace_id, source_url=row.source_url, source_domain=domain, target_url=row.target_url,
        expected_anchor=row.expected_anchor, expected_rel=row.expected_rel, acquisition=row.acquisition,
        self_kind=row.self_kind if row.acquisition == "self_created" else None, cost_cents=row.cost_cents,
        currency=_currency(workspace_id, row, campaign_id), campaign_id=campaign_id, opportunity_id=opportunity_id,
        site_id=site.id if site is not None else None, placed_on=row.placed_on, status="unchecked",
        next_check_at=utcnow(), score_explanation="", etag="", last_modified="", final_url="",
    )


def add_many(workspace_id: int, rows: list[BacklinkInput], *, campaign_id: int | None = None,
             opportunity_id: int | None = None) -> AddResult:
    """Add backlinks in one transaction; ones already tracked (or listed twice) are skipped and named. Commits."""
    campaign_id, opportunity_id = _checked_links(workspace_id, campaign_id, opportunity_id)
    # Callers other than our forms (campaigns recording a won link) get the same address rules.
    rows = [replace(r, source_url=clean_url(r.source_url, "the source page"),
                    target_url=clean_url(r.target_url, "the target page")) for r in rows]
    result = AddResult()
    pairs = {(r.source_url, r.target_url) for r in rows}
    existing = set()
    pair_list = list(pairs)
    for start in range(0, len(pair_list), 500):
        chunk = pair_list[start:start + 500]
        existing |= {(row.source_url, row.target_url) for row in db.session.execute(
            select(Backlink.source_url, Backlink.target_url).where(
                Backlink.workspace_id == workspace_id,
                tuple_(Backlink.source_url, Backlink.target_url).in_(chunk)))}
    seen: dict[tuple[str, str], int | None] = {}
    for row in rows:
        key = (row.source_url, row.target_url)
        where = f"Line {row.line}: " if row.line else ""
        if key in existing:
            result.skipped.append(f"{where}{row.source_url} → {row.target_url} is already tracked.")
        elif key in seen:
            result.skipped.append(f"{where}{row.source_url} → {row.target_url} is listed twice.")
        else:
            seen[key] = row.line
            backlink = _new(workspace_id, row, campaign_id, opportunity_id)
            db.session.add(backlink)
            result.added.append(backlink)
    db.session.flush()
    for backlink in result.added:
        if backlink.cost_cents:
            announce_cost(backlink)
    db.session.commit()
    return result


def add_backlink(workspace_id: int, row: BacklinkInput, *, campaign_id: int | None = None,
                 opportunity_id: int | None = None) -> Backlink:
    """Add one backlink (campaigns call this when a link is won); InputError when it is already tracked."""
    result = add_many(workspace_id, [row], campaign_id=campaign_id, opportunity_id=opportunity_id)
    if not result.added:
        raise InputError(f"{row.source_url} → {row.target_url} is already tracked")
    return result.added[0]


def update_backlink(backlink: Backlink, row: BacklinkInput, *, campaign_id: int | None,
                    opportunity_id: int | None) -> Backlink:
    """Change what we expect of a backlink; a new source or target address is checked at the next run. Commits.

    A card (opportunity) brings its campaign; a backlink moved to another campaign with its card unchanged leaves it.
    """
    if campaign_id != backlink.campaign_id and opportunity_id == backlink.opportunity_id:
        opportunity_id = None
    campaign_id, opportunity_id = _checked_links(backlink.workspace_id, campaign_id, opportunity_id)
    clash = db.session.scalar(select(Backlink.id).where(
        Backlink.workspace_id == backlink.workspace_id, Backlink.source_url == row.source_url,
        Backlink.target_url == row.target_url, Backlink.id != backlink.id))
    if clash:
        raise InputError("another backlink already tracks that source and target")
    if (row.source_url, row.target_url) != (backlink.source_url, backlink.target_url):
        backlink.source_url, backlink.target_url = row.source_url, row.target_url
        backlink.source_domain, backlink.site_id, backlink.final_url = row.source_domain, None, ""
        backlink.next_check_at = utcnow()
    backlink.expected_anchor, backlink.expected_rel = row.expected_anchor, row.expected_rel
    backlink.acquisition = row.acquisition
    backlink.self_kind = row.self_kind if row.acquisition == "self_created" else None
    backlink.cost_cents, backlink.placed_on = row.cost_cents, row.placed_on
    backlink.currency = _currency(backlink.workspace_id, row, campaign_id)
    backlink.campaign_id, backlink.opportunity_id = campaign_id, opportunity_id
    announce_cost(backlink)
    db.session.commit()
    return backlink


def delete_backlink(backlink: Backlink) -> None:
    """Stop tracking a backlink, with its checks and alerts; the money it cost stays in the ledger. Commits."""
    announce_cost(backlink, deleted=True)  # before the row goes: the ledger entry is untied, not lost
    db.session.delete(backlink)
    db.session.commit()


def filtered(workspace_id: int, *, status: str = "", campaign_id: int | None = None, site: str = "",
             q: str = "", sort: str = "newest") -> Select:
    """The workspace's backlinks matching the list page's filters."""
    query = select(Backlink).where(Backlink.workspace_id == workspace_id)
    if status == "pending":
        query = query.where(Backlink.pending_status.is_not(None))
    elif status:
        query = query.where(Backlink.status == status)
    if campaign_id:
        query = query.where(Backlink.campaign_id == campaign_id)
    site = (site or "").strip().lower()
    if site.isdigit():
        query = query.where(Backlink.site_id == int(site))
    elif site:
        query = query.where(Backlink.source_domain.contains(site, autoescape=True))
    for word in (q or "").split()[:5]:
        pattern = f"%{word.lower()}%"
        query = query.where(or_(Backlink.source_url.ilike(pattern), Backlink.target_url.ilike(pattern),
                                Backlink.expected_anchor.ilike(pattern)))
    order = {
        "score": (Backlink.score.desc().nulls_last(), Backlink.id.desc()),
        "checked": (Backlink.last_checked_at.desc().nulls_last(), Backlink.id.desc()),
        "due": (Backlink.next_check_at.asc().nulls_last(), Backlink.id),
    }.get(sort, (Backlink.id.desc(),))
    return query.order_by(*order)


def latest_checks(ids: list[int]) -> dict[int, LinkCheck]:
    """The newest check of each of these backlinks."""
    if not ids:
        return {}
    ranked = select(LinkCheck.id, func.row_number().over(
        partition_by=LinkCheck.backlink_id, order_by=(LinkCheck.checked_at.desc(), LinkCheck.id.desc())
    ).label("n")).where(LinkCheck.backlink_id.in_(ids)).subquery()
    rows = db.session.scalars(select(LinkCheck).join(ranked, ranked.c.id == LinkCheck.id).where(ranked.c.n == 1))
    return {check.backlink_id: check for check in rows}


def export_rows(workspace_id: int, query: Select) -> Iterator[dict]:
    """Rows of the CSV export for a filtered query, with each link's latest evidence."""
    for chunk in db.session.scalars(query.execution_options(yield_per=500)).partitions():
        names = lookups.campaign_names(workspace_id, {b.campaign_id for b in chunk})
        checks = latest_checks([b.id for b in chunk])
        for b in chunk:
            latest = checks.get(b.id)
            yield {
                "id": b.id, "source_url": b.source_url, "target_url": b.target_url, "status": b.status,
                "status_label": status_label(b.status), "pending_status": b.pending_status, "score": b.score,
                "score_explanation": b.score_explanation, "expected_anchor": b.expected_anchor,
                "expected_rel": b.expected_rel, "anchor_text": latest.anchor_text if latest else None,
                "rel": " ".join((latest.evidence or {}).get("rel") or []) if latest else "",
                "placement": latest.placement if latest else None, "acquisition": b.acquisition,
                "self_kind": b.self_kind, "cost": b.cost_cents / 100 if b.cost_cents is not None else None,
                "currency": b.currency, "campaign": names.get(b.campaign_id, ""), "placed_on": b.placed_on,
                "first_live_at": b.first_live_at, "lost_at": b.lost_at, "last_checked_at": b.last_checked_at,
                "next_check_at": b.next_check_at, "harm_reasons": "; ".join(b.harm_reasons or []),
            }


def unread_alerts(workspace_id: int) -> int:
    """How many alerts of the workspace nobody has marked read."""
    return db.session.scalar(select(func.count()).select_from(LinkAlert).where(
        LinkAlert.workspace_id == workspace_id, LinkAlert.read_at.is_(None))) or 0


def mark_read(workspace_id: int, alert_ids: list[int] | None = None) -> int:
    """Mark some (or all) unread alerts of the workspace read; returns how many. Commits."""
    query = select(LinkAlert).where(LinkAlert.workspace_id == workspace_id, LinkAlert.read_at.is_(None))
    if alert_ids is not None:
        query = query.where(LinkAlert.id.in_(alert_ids))
    now, count = utcnow(), 0
    for alert in db.session.scalars(query):
        alert.read_at = now
        count += 1
    db.session.commit()
    return count
