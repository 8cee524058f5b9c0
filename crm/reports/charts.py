"""Chart specifications (JSON for crm/static/js/reports.js) and the CSV tables behind each chart (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from crm.campaigns.reporting.headlines import Headline
from crm.campaigns.reporting.report import CampaignReport

Column = tuple[str, str]


@dataclass(frozen=True)
class Table:
    """The rows behind one chart, ready for crm.csvexport."""

    title: str
    columns: list[Column]
    rows: list[dict]


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def chart(kind: str, labels: Sequence[str], datasets: list[dict], *, fmt: str = "count", **options) -> dict:
    """A chart spec: kind (bar, line, doughnut), labels, datasets [{label, data, kind?}], value format."""
    return {"type": kind, "labels": list(labels), "datasets": datasets, "format": fmt, **options}


def report_charts(report: CampaignReport) -> dict[str, dict]:
    """The campaign report's charts by name."""
    funnel = report.headline.funnel
    months = [point.month.strftime("%b %Y") for point in report.timeline]
    anchor_rows = [row for row in report.anchors.rows() if row[2]]
    return {
        "funnel": chart("bar", [s.label for s in funnel], [{"label": "Opportunities",
                                                            "data": [s.count for s in funnel]}], horizontal=True),
        "templates": chart("bar", [r.label for r in report.templates],
                           [{"label": "Reply rate", "data": [_percent(r.rate) for r in report.templates]}],
                           fmt="percent"),
        "steps": chart("bar", [r.label for r in report.steps],
                       [{"label": "Reply rate", "data": [_percent(r.rate) for r in report.steps]}], fmt="percent"),
        "timeline": chart("bar", months, [
            {"label": "Live at month end", "data": [p.live_at_end for p in report.timeline], "kind": "line"},
            {"label": "Went live", "data": [p.went_live for p in report.timeline]},
            {"label": "Lost", "data": [p.lost for p in report.timeline]},
        ]),
        "quality": chart("bar", [b.label for b in report.quality],
                         [{"label": "Live links", "data": [b.count for b in report.quality]}]),
        "anchors": chart("doughnut", [r[1] for r in anchor_rows], [{"label": "Live links",
                                                                     "data": [r[2] for r in anchor_rows]}]),
        "lost": chart("doughnut", [reason for reason, _ in report.lost_by_reason],
                      [{"label": "Lost links", "data": [count for _, count in report.lost_by_reason]}]),
    }


def _link_row(link) -> dict:
    return {
        "source_url": link.source_url, "target_url": link.target_url, "status": link.status, "score": link.score,
        "anchor": link.anchor, "anchor_class": link.anchor_class, "rel": " ".join(link.rel), "paid": link.paid,
        "paid_follow_risk": link.paid_follow_risk, "harm": "; ".join(link.harm), "lost_reason": link.lost_reason,
        "check_reasons": " ".join(link.check_reasons), "first_live_at": link.first_live_at, "lost_at": link.lost_at,
    }


LINK_COLUMNS: list[Column] = [
    ("source_url", "Source URL"), ("target_url", "Target URL"), ("status", "Status"), ("score", "Quality"),
    ("anchor", "Anchor"), ("anchor_class", "Anchor type"), ("rel", "rel"), ("paid", "Paid"),
    ("paid_follow_risk", "Paid and followed without sponsored"), ("harm", "Harm reasons"),
    ("lost_reason", "Lost because"), ("check_reasons", "Last check reasons"), ("first_live_at", "First live"),
    ("lost_at", "Lost at"),
]


def report_tables(report: CampaignReport) -> dict[str, Table]:
    """The rows behind each chart of the report (and every link), by the name used in the CSV URL."""
    reply_columns = [("sent", "Messages sent"), ("replied", "Replied"), ("reply_rate", "Reply rate")]

    def replies(rows):
        """Reply rows as CSV rows."""
        return [{"label": r.label, "sent": r.sent, "replied": r.replied, "reply_rate": r.rate} for r in rows]

    return {
        "funnel": Table("Funnel", [("step", "Step"), ("count", "Opportunities"), ("rate", "Of previous step"),
                                   ("share", "Of prospects")],
                        [{"step": s.label, "count": s.count, "rate": s.rate, "share": s.share}
                         for s in report.headline.funnel]),
        "templates": Table("Reply rate per template", [("label", "Template"), *reply_columns],
                           replies(report.templates)),
        "steps": Table("Reply rate per step", [("label", "Step"), *reply_columns], replies(report.steps)),
        "timeline": Table("Links over time", [("month", "Month"), ("went_live", "Went live"), ("lost", "Lost"),
                                              ("live_at_end", "Live at month end")],
                          [{"month": p.month.strftime("%Y-%m"), "went_live": p.went_live, "lost": p.lost,
                            "live_at_end": p.live_at_end} for p in report.timeline]),
        "quality": Table("Quality of live links", [("band", "Quality band"), ("count", "Live links")],
                         [{"band": b.label, "count": b.count} for b in report.quality]
                         + [{"band": "Not scored yet", "count": report.unscored}]),
        "anchors": Table("Anchor mix of live links", [("type", "Anchor type"), ("count", "Live links"),
                                                      ("share", "Share")],
                         [{"type": label, "count": count, "share": share}
                          for _, label, count, share in report.anchors.rows()]),
        "lost": Table("Lost links", LINK_COLUMNS, [_link_row(link) for link in report.lost_links]),
        "links": Table("All links", LINK_COLUMNS, [_link_row(link) for link in report.links]),
    }


HEADLINE_COLUMNS: list[Column] = [
    ("campaign", "Campaign"), ("status", "Status"), ("prospects", "Prospects"), ("pitched", "Pitched"),
    ("replied", "Replied"), ("won", "Won"), ("live", "Live placements"), ("messages_sent", "Messages sent"),
    ("reply_rate", "Reply rate"), ("live_links", "Live links"), ("average_quality", "Average quality"),
    ("lost_links", "Lost links"), ("currency", "Currency"), ("spent_cents", "Spent (cents)"),
    ("cost_per_live_cents", "Cost per live link (cents)"), ("cost_per_point_cents", "Cost per point (cents)"),
]


def comparison_chart(rows: Sequence[Headline]) -> dict:
    """Campaigns side by side: won and live links per campaign."""
    return chart("bar", [h.campaign.name for h in rows], [
        {"label": "Won", "data": [h.counts["won"] for h in rows]},
        {"label": "Live links", "data": [h.links.live for h in rows]},
    ])


def quality_chart(rows: Sequence[Headline]) -> dict:
    """Average quality of live links per campaign."""
    return chart("bar", [h.campaign.name for h in rows], [
        {"label": "Average quality", "data": [None if h.links.average_quality is None
                                              else round(h.links.average_quality, 1) for h in rows]},
    ], max=100)
