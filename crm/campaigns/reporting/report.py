"""A campaign's report: reads opportunities, messages, replies, links, their latest check and costs."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import and_, case, exists, func, or_, select

from crm.campaigns.models import Campaign, Opportunity, TargetPage
from crm.campaigns.reporting import figures
from crm.campaigns.reporting.anchors import AnchorMix, anchor_mix, anchor_rules, brand_terms
from crm.campaigns.reporting.figures import COUNTED_REPLY_KINDS, LIVE_STATUSES, Bucket, MonthPoint
from crm.campaigns.reporting.headlines import Headline, campaign_headline
from crm.campaigns.reporting.variants import VariantTest, variant_tests
from crm.db import utcnow
from crm.extensions import db
from crm.links.models import Backlink, LinkCheck
from crm.outreach.models import OutboundMessage, Reply, Sequence, Template

_NEVER = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class ReplyRow:
    """Messages sent with one template (or at one sequence step) and how many got a reply."""

    label: str
    sent: int
    replied: int

    @property
    def rate(self) -> float | None:
        """Share of these messages that got a reply."""
        return figures.rate(self.replied, self.sent)


@dataclass(frozen=True)
class LinkRow:
    """One of the campaign's links as the report sees it now."""

    id: int
    source_url: str
    target_url: str
    status: str
    score: int | None
    anchor: str | None
    anchor_class: str | None  # only for live links
    rel: list[str]
    paid: bool
    paid_follow_risk: bool
    harm: list[str]
    lost: bool
    lost_reason: str
    check_reasons: list[str]
    first_live_at: datetime | None
    lost_at: datetime | None


@dataclass
class CampaignReport:
    """Every figure of a campaign report."""

    headline: Headline
    templates: list[ReplyRow]
    steps: list[ReplyRow]
    timeline: list[MonthPoint]
    quality: list[Bucket]
    unscored: int
    anchors: AnchorMix
    wanted_anchors: list[str]
    links: list[LinkRow]
    variants: list[VariantTest] = field(default_factory=list)
    generated_at: datetime = field(default_factory=utcnow)

    @property
    def campaign(self) -> Campaign:
        """The campaign reported on."""
        return self.headline.campaign

    @property
    def live_links(self) -> list[LinkRow]:
        """Links on their page now."""
        return [link for link in self.links if link.status in LIVE_STATUSES]

    @property
    def lost_links(self) -> list[LinkRow]:
        """Links that were lost, newest loss first."""
        lost = [link for link in self.links if link.lost]
        return sorted(lost, key=lambda link: link.lost_at or _NEVER, reverse=True)

    @property
    def lost_by_reason(self) -> list[tuple[str, int]]:
        """Lost links counted per reason, most common first."""
        return Counter(link.lost_reason for link in self.lost_links).most_common()

    @property
    def paid_risks(self) -> list[LinkRow]:
        """Paid links that pass credit without rel=sponsored."""
        return [link for link in self.links if link.paid_follow_risk]

    def best_links(self, limit: int = 100) -> list[LinkRow]:
        """Links by quality, best first, then those without a score."""
        ranked = sorted(self.links, key=lambda link: (link.score is None, -(link.score or 0), link.id))
        return ranked[:limit]

    @property
    def harmful(self) -> list[LinkRow]:
        """Links with signs that they may hurt."""
        return [link for link in self.links if link.harm]


def reply_rows(workspace_id: int, campaign_id: int) -> tuple[list[ReplyRow], list[ReplyRow]]:
    """Reply rates per template and per sequence step: sent messages and those with a counted reply."""
    # A reply looked up per sent message, by index, rather than the workspace's replies gathered first.
    answered = exists().where(Reply.message_id == OutboundMessage.id, Reply.workspace_id == workspace_id,
                              Reply.kind.in_(COUNTED_REPLY_KINDS))
    query = (
        select(OutboundMessage.template_id, OutboundMessage.sequence_id, OutboundMessage.step_position,
               func.count(), func.sum(case((answered, 1), else_=0)))
        .where(OutboundMessage.workspace_id == workspace_id, OutboundMessage.campaign_id == campaign_id,
               OutboundMessage.sent_at.is_not(None))
        .group_by(OutboundMessage.template_id, OutboundMessage.sequence_id, OutboundMessage.step_position)
    )
    by_template: dict[int | None, list[int]] = {}
    by_step: dict[tuple[int | None, int], list[int]] = {}
    for template_id, sequence_id, position, sent, replies in db.session.execute(query):
        for bucket, key in ((by_template, template_id), (by_step, (sequence_id, position or 0))):
            totals = bucket.setdefault(key, [0, 0])
            totals[0] += sent
            totals[1] += int(replies or 0)
    template_names = _names(Template, [key for key in by_template if key is not None])
    sequence_names = _names(Sequence, [key[0] for key in by_step if key[0] is not None])
    templates = [
        ReplyRow(template_names.get(key) or ("Template deleted" if key else "No template"), sent, answered)
        for key, (sent, answered) in by_template.items()
    ]
    several = len({sequence_id for sequence_id, _ in by_step}) > 1
    steps = [
        ReplyRow(f"{sequence_names.get(sequence_id) or 'Sequence'} · step {position}" if several
                 else f"Step {position}", sent, answered)
        for (sequence_id, position), (sent, answered) in sorted(
            by_step.items(), key=lambda item: (sequence_names.get(item[0][0]) or "", item[0][0] or 0, item[0][1]))
    ]
    templates.sort(key=lambda r: (-r.sent, r.label))
    return templates, steps


def _names(model, ids: list[int]) -> dict[int, str]:
    """Names of templates or sequences by id."""
    if not ids:
        return {}
    return dict(db.session.execute(select(model.id, model.name).where(model.id.in_(ids))).all())


def _lost():
    """SQL for figures.is_lost."""
    return or_(Backlink.status.in_(figures.LOST_STATUSES),
               and_(Backlink.lost_at.is_not(None), Backlink.status.not_in(figures.ON_PAGE_STATUSES)))


def _link_rows(workspace_id: int, campaign_id: int):
    """The campaign's links with their opportunity's price and their latest check's anchor, reasons and rel."""
    latest = (
        select(LinkCheck.id)
        .where(LinkCheck.backlink_id == Backlink.id)
        .order_by(LinkCheck.checked_at.desc(), LinkCheck.id.desc())
        .limit(1)
        .correlate(Backlink)
        .scalar_subquery()
    )
    query = (
        select(
            Backlink.id, Backlink.source_url, Backlink.target_url, Backlink.status, Backlink.score,
            Backlink.harm_reasons, Backlink.first_live_at, Backlink.lost_at, Backlink.acquisition,
            Backlink.cost_cents, Backlink.expected_anchor, Opportunity.price_cents,
            # Reasons explain lost links only; not decoding them for the rest keeps a large campaign quick.
            LinkCheck.anchor_text, case((_lost(), LinkCheck.reasons)), LinkCheck.evidence["rel"],
        )
        .outerjoin(LinkCheck, LinkCheck.id == latest)
        .outerjoin(Opportunity, Opportunity.id == Backlink.opportunity_id)
        .where(Backlink.workspace_id == workspace_id, Backlink.campaign_id == campaign_id)
        .order_by(Backlink.id)
    )
    return db.session.execute(query).all()


def _wanted_and_targets(campaign_id: int, rows) -> tuple[list[str], list[str]]:
    """The anchors the campaign asked for (its target pages' and each link's expected anchor), and its target
    URLs (where the brand's domain comes from)."""
    wanted: dict[str, None] = {}
    urls = []
    for url, anchors in db.session.execute(select(TargetPage.url, TargetPage.anchors)
                                           .where(TargetPage.campaign_id == campaign_id)):
        urls.append(url)
        for anchor in anchors or ():
            if str(anchor).strip():
                wanted.setdefault(str(anchor).strip(), None)
    for row in rows:
        if row.expected_anchor and row.expected_anchor.strip():
            wanted.setdefault(row.expected_anchor.strip(), None)
    return list(wanted), urls + [row.target_url for row in rows]


def build_report(workspace, campaign: Campaign, today: date | None = None) -> CampaignReport:
    """Every figure of one campaign's report (the campaign must belong to the workspace)."""
    headline = campaign_headline(workspace.id, campaign)
    templates, steps = reply_rows(workspace.id, campaign.id)
    rows = _link_rows(workspace.id, campaign.id)
    wanted, target_urls = _wanted_and_targets(campaign.id, rows)
    rules = anchor_rules(wanted, brand_terms([workspace.name], target_urls))
    links = []
    for row in rows:
        (link_id, source_url, target_url, status, score, stored_harm, first_live, lost_at, acquisition,
         cost_cents, _, price_cents, anchor, reasons, rel) = row
        rel = [str(token).lower() for token in rel] if isinstance(rel, list) else []
        paid = figures.is_paid(acquisition, cost_cents, price_cents)
        live = status in LIVE_STATUSES
        lost = figures.is_lost(status, lost_at)
        links.append(LinkRow(
            id=link_id, source_url=source_url, target_url=target_url, status=status, score=score, anchor=anchor,
            anchor_class=rules.classify(anchor) if live else None, rel=rel, paid=paid,
            paid_follow_risk=figures.paid_follow_risk(paid, status, rel),
            harm=figures.harm_reasons(stored_harm if isinstance(stored_harm, list) else None, score, status),
            lost=lost, lost_reason=figures.lost_reason(status) if lost else "",
            check_reasons=[str(r) for r in reasons or ()], first_live_at=first_live,
            lost_at=lost_at if lost else None,
        ))
    today = today or utcnow().date()
    starts = [d for d in (campaign.starts_on, *(link.first_live_at for link in links)) if d is not None]
    first_month = min(figures.month_start(d) for d in starts) if starts else figures.month_start(today)
    months = figures.months_between(first_month, today)
    live = [link for link in links if link.status in LIVE_STATUSES]
    quality, unscored = figures.quality_distribution(link.score for link in live)
    return CampaignReport(
        headline=headline,
        templates=templates,
        steps=steps,
        timeline=figures.timeline(((link.first_live_at, link.lost_at) for link in links), months),
        quality=quality,
        unscored=unscored,
        anchors=anchor_mix(link.anchor_class for link in live),
        wanted_anchors=wanted,
        links=links,
        variants=variant_tests(workspace.id, campaign.id),
    )
