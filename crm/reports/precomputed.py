"""Precomputed figures for the pages that show many campaigns at once (the dashboard, the reports index).

Counting every campaign's funnel and every link of a workspace on each page view does not stay fast at
tens of thousands of links, so those figures are stored in ReportFigures and read back. They are recomputed
when an event marks them stale (a message sent, a reply, a link going live, changing or lost), when they are
older than MAX_AGE (changes made by hand send no event), when the month turns, and whenever someone opens a
campaign's report, so the index always agrees with the report just seen. A periodic job keeps them fresh.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.exc import IntegrityError

from crm.campaigns.models import Campaign
from crm.campaigns.reporting import figures, headlines
from crm.campaigns.reporting.figures import Spend
from crm.campaigns.reporting.headlines import Headline
from crm.campaigns.reporting.queries import LinkFigures
from crm.db import utcnow
from crm.extensions import db
from crm.reports import dashboard
from crm.reports.dashboard import AttentionLink, LinkSummary, MonthFigures
from crm.reports.models import ReportFigures

MAX_AGE = timedelta(minutes=5)
LINKS_KEY = "links"


def campaign_key(campaign_id: int) -> str:
    """The key a campaign's headline is stored under."""
    return f"campaign:{campaign_id}"


def _fresh(row: ReportFigures | None, now: datetime) -> bool:
    return row is not None and not row.stale and row.computed_at > now - MAX_AGE


def _rows(workspace_id: int, keys: list[str]) -> dict[str, ReportFigures]:
    query = select(ReportFigures).where(ReportFigures.workspace_id == workspace_id, ReportFigures.key.in_(keys))
    return {row.key: row for row in db.session.scalars(query)}


def _store(workspace_id: int, items: dict[str, tuple[int | None, dict]], now: datetime) -> None:
    """Write figures (key -> (campaign id, data)) and commit; a concurrent writer simply wins."""
    existing = _rows(workspace_id, list(items))
    for key, (campaign_id, data) in items.items():
        row = existing.get(key) or ReportFigures(workspace_id=workspace_id, key=key, campaign_id=campaign_id)
        row.data, row.computed_at, row.stale = data, now, False
        db.session.add(row)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # another request stored the same figures a moment ago


def headline_data(headline: Headline) -> dict:
    """A headline as stored."""
    return {"counts": headline.counts, "messages_sent": headline.messages_sent,
            "links": asdict(headline.links), "spend": asdict(headline.spend), "hand_replied": headline.hand_replied}


def headline_from(campaign: Campaign, data: dict) -> Headline:
    """A stored headline, whole again."""
    return Headline(campaign=campaign, funnel=figures.funnel_from_counts(data["counts"]),
                    messages_sent=data["messages_sent"], links=LinkFigures(**data["links"]),
                    spend=Spend(**data["spend"]), hand_replied=data.get("hand_replied", 0))


def campaign_headlines(workspace_id: int, campaigns: list[Campaign], now: datetime | None = None) -> list[Headline]:
    """Headlines of the campaigns from stored figures, computing (and storing) only those missing or out of date."""
    now = now or utcnow()
    stored = _rows(workspace_id, [campaign_key(c.id) for c in campaigns])
    due = [c for c in campaigns if not _fresh(stored.get(campaign_key(c.id)), now)]
    computed = {h.campaign.id: h for h in headlines.headlines(workspace_id, due)}
    if computed:
        _store(workspace_id, {campaign_key(cid): (cid, headline_data(h)) for cid, h in computed.items()}, now)
    return [computed.get(c.id) or headline_from(c, stored[campaign_key(c.id)].data) for c in campaigns]


def remember_headline(workspace_id: int, headline: Headline) -> None:
    """Store a headline just computed for a campaign's report; commits."""
    campaign_id = headline.campaign.id
    _store(workspace_id, {campaign_key(campaign_id): (campaign_id, headline_data(headline))}, utcnow())


def _summary_data(summary: LinkSummary, attention: list[AttentionLink]) -> dict:
    return {"months": asdict(summary.months), "attention": summary.attention, "harmful": summary.harmful,
            "links": [{**asdict(a), "since": a.since.isoformat() if a.since else None} for a in attention]}


def link_summary(workspace_id: int, now: datetime | None = None) -> tuple[LinkSummary, list[AttentionLink]]:
    """The dashboard's counts over all links and the links needing attention, from stored figures when fresh."""
    now = now or utcnow()
    row = _rows(workspace_id, [LINKS_KEY]).get(LINKS_KEY)
    # Month figures belong to the month they were counted in.
    if _fresh(row, now) and figures.month_start(row.computed_at) == figures.month_start(now):
        data = row.data
        attention = [AttentionLink(**{**a, "since": datetime.fromisoformat(a["since"]) if a["since"] else None})
                     for a in data["links"]]
        return LinkSummary(MonthFigures(**data["months"]), data["attention"], data["harmful"]), attention
    summary, attention = dashboard.link_summary(workspace_id, now), dashboard.attention_links(workspace_id, now=now)
    _store(workspace_id, {LINKS_KEY: (None, _summary_data(summary, attention))}, now)
    return summary, attention


_FIGURES = ReportFigures.__table__
# built once: every message the outbox sends marks figures stale, and building the statement cost more than running it
_MARK_STALE = (update(_FIGURES).where(_FIGURES.c.workspace_id == bindparam("p_workspace"),
                                      _FIGURES.c.key.in_(bindparam("p_keys", expanding=True))).values(stale=True))


def mark_stale(workspace_id: int, campaign_id: int | None = None) -> None:
    """Mark the workspace's link summary and a campaign's headline for recomputing (in the caller's transaction)."""
    keys = [LINKS_KEY] + ([campaign_key(campaign_id)] if campaign_id else [])
    db.session.execute(_MARK_STALE, {"p_workspace": workspace_id, "p_keys": keys})
    for row in list(db.session.identity_map.values()):  # figures already loaded in this session read it anew
        if isinstance(row, ReportFigures):
            db.session.expire(row, ["stale"])


def refresh_due(now: datetime | None = None) -> dict[str, int]:
    """Recompute every stored figure that is stale or old (the periodic job); returns how many were redone."""
    now = now or utcnow()
    due = db.session.execute(
        select(ReportFigures.workspace_id, ReportFigures.campaign_id, ReportFigures.key)
        .where(or_(ReportFigures.stale.is_(True), ReportFigures.computed_at <= now - MAX_AGE))
    ).all()
    done = {"campaigns": 0, "workspaces": 0}
    by_workspace: dict[int, list[int]] = {}
    for workspace_id, campaign_id, key in due:
        if key == LINKS_KEY:
            link_summary(workspace_id, now)
            done["workspaces"] += 1
        elif campaign_id is not None:
            by_workspace.setdefault(workspace_id, []).append(campaign_id)
    for workspace_id, ids in by_workspace.items():
        campaigns = list(db.session.scalars(select(Campaign).where(Campaign.workspace_id == workspace_id,
                                                                   Campaign.id.in_(ids))))
        done["campaigns"] += len(campaign_headlines(workspace_id, campaigns, now))
    return done
