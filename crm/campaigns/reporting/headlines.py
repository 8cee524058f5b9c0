"""Each campaign's headline figures (the reports index, the dashboard comparison and the report's summary)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from crm.campaigns import definitions
from crm.campaigns.models import Campaign
from crm.campaigns.reporting import figures, queries
from crm.campaigns.reporting.figures import FunnelStep, Spend
from crm.campaigns.reporting.queries import LinkFigures
from crm.extensions import db

ACTIVE_STATUSES = ("active", "paused")


@dataclass(frozen=True)
class Headline:
    """The figures a campaign is judged by, computed the same way everywhere they appear."""

    campaign: Campaign
    funnel: list[FunnelStep]
    messages_sent: int
    links: LinkFigures
    spend: Spend
    hand_replied: int = 0  # cards moved to Replied or beyond by hand, with no reply recorded

    @staticmethod
    def note(key: str) -> str:
        """The "how we count this" note of a figure."""
        return definitions.note(key)

    @property
    def counts(self) -> dict[str, int]:
        """Opportunities per funnel step."""
        return figures.funnel_counts(self.funnel)

    @property
    def reply_rate(self) -> float | None:
        """Share of pitched opportunities whose contact replied."""
        return figures.rate(self.counts["replied"], self.counts["pitched"])

    @property
    def win_rate(self) -> float | None:
        """Share of pitched opportunities that were won."""
        return figures.rate(self.counts["won"], self.counts["pitched"])

    @property
    def cost_per_live_link(self) -> float | None:
        """Spend divided by the live links (the funnel's last step, the same count as links.live)."""
        return figures.cost_per(self.spend.total_cents, self.counts["live"])

    @property
    def cost_per_point(self) -> float | None:
        """Spend divided by the quality points the live links carry (cents)."""
        return figures.cost_per(self.spend.total_cents, self.links.points)

    def as_row(self) -> dict:
        """The headline as a flat row, for tables, charts and CSV."""
        counts = self.counts
        return {
            "campaign": self.campaign.name,
            "status": self.campaign.status,
            "currency": self.campaign.currency,
            **counts,
            "messages_sent": self.messages_sent,
            "hand_replied": self.hand_replied,
            "reply_rate": self.reply_rate,
            "live_links": self.links.live,
            "average_quality": self.links.average_quality,
            "lost_links": self.links.lost,
            "spent_cents": self.spend.total_cents,
            "cost_per_live_cents": _cents(self.cost_per_live_link),
            "cost_per_point_cents": _cents(self.cost_per_point),
        }


def _cents(value: float | None) -> int | None:
    return None if value is None else round(value)


def headlines(workspace_id: int, campaigns: Sequence[Campaign]) -> list[Headline]:
    """Headlines for the given campaigns of one workspace, in the order given (a few grouped queries in all)."""
    ids = [c.id for c in campaigns]
    counts = queries.funnel_counts(workspace_id, ids)
    links = queries.link_figures(workspace_id, ids)
    money = queries.spend(workspace_id, campaigns)
    sent = queries.messages_sent(workspace_id, ids)
    return [
        Headline(
            campaign=c,
            funnel=figures.funnel_from_counts(counts.get(c.id, {})),
            messages_sent=sent.get(c.id, 0),
            links=links.get(c.id, LinkFigures()),
            spend=money.get(c.id, Spend()),
            hand_replied=counts.get(c.id, {}).get("hand_replied", 0),
        )
        for c in campaigns
    ]


def workspace_campaigns(workspace_id: int, *, active_only: bool = False, limit: int | None = None) -> list[Campaign]:
    """The workspace's campaigns, newest first; only active and paused ones when asked."""
    query = select(Campaign).where(Campaign.workspace_id == workspace_id)
    if active_only:
        query = query.where(Campaign.status.in_(ACTIVE_STATUSES))
    query = query.order_by(Campaign.created_at.desc(), Campaign.id.desc())
    if limit:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def campaign_headline(workspace_id: int, campaign: Campaign) -> Headline:
    """One campaign's headline."""
    return headlines(workspace_id, [campaign])[0]
