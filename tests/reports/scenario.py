"""A campaign with known opportunities, mail, replies, links, checks and costs, whose report figures are worked out
by hand in EXPECTED (see the comments); a rival workspace gets look-alike rows that must never be counted."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from crm.campaigns import ledger
from crm.campaigns.reporting.figures import add_months, month_start
from crm.db import utcnow
from crm.extensions import db
from tests.campaigns.factories import CampaignFactory, CostFactory, OpportunityFactory, TargetPageFactory, TaskFactory
from tests.links.factories import BacklinkFactory, LinkCheckFactory
from tests.outreach.factories import ReplyFactory, SentMessageFactory, SequenceFactory, StepFactory, TemplateFactory


def month_day(offset: int, day: int) -> datetime:
    """Midnight UTC on `day` of the month `offset` months from now (0 = this month)."""
    first = add_months(month_start(utcnow()), offset)
    return datetime(first.year, first.month, day, tzinfo=UTC)


@dataclass
class Scenario:
    """Ids of what was made."""

    workspace_id: int
    campaign_id: int
    rival_campaign_id: int
    links: dict[str, int] = field(default_factory=dict)
    opportunities: dict[str, int] = field(default_factory=dict)
    tasks: dict[str, int] = field(default_factory=dict)


def _message(ws, campaign, opp, template, step, sequence, position, **extra):
    return SentMessageFactory(workspace_id=ws, campaign_id=campaign.id, opportunity_id=opp.id, template_id=template.id,
                          step_id=step.id, sequence_id=sequence.id, step_position=position, **extra)


def build(workspace_id: int, rival_workspace_id: int, user_ids: dict[str, int] | None = None) -> Scenario:
    """Make the rows; the workspace should be named "Acme" (a brand term for the anchor mix)."""
    ws = workspace_id
    campaign = CampaignFactory(workspace_id=ws, name="Spring running guide", goal_links=10, budget_cents=100000,
                               starts_on=month_day(-2, 1).date())
    TargetPageFactory(workspace_id=ws, campaign_id=campaign.id, anchors=["best running shoes", "Acme Running"])
    first, follow_up = TemplateFactory(workspace_id=ws, name="First pitch"), TemplateFactory(workspace_id=ws,
                                                                                             name="Follow-up")
    sequence = SequenceFactory(workspace_id=ws, campaign_id=campaign.id)
    step1 = StepFactory(workspace_id=ws, sequence_id=sequence.id, position=1, template_id=first.id)
    step2 = StepFactory(workspace_id=ws, sequence_id=sequence.id, position=2, template_id=follow_up.id)
    s = Scenario(ws, campaign.id, 0)

    def opp(name, stage, **kw):
        row = OpportunityFactory(workspace_id=ws, campaign_id=campaign.id, stage=stage, **kw)
        s.opportunities[name] = row.id
        return row

    def pitch(o, position=1, **kw):
        template, step = (first, step1) if position == 1 else (follow_up, step2)
        return _message(ws, campaign, o, template, step, sequence, position, **kw)

    o1 = opp("o1", "prospect")
    _message(ws, campaign, o1, first, step1, sequence, 1, status="queued", sent_at=None)  # not sent: not pitched
    pitch(opp("o2", "prospect"))  # a sent message makes it pitched whatever the stage says
    o3 = opp("o3", "pitched")
    pitch(o3), pitch(o3, 2)
    o4 = opp("o4", "no_response")
    pitch(o4), pitch(o4, 2)
    o5 = opp("o5", "replied")
    ReplyFactory(workspace_id=ws, opportunity_id=o5.id, message_id=pitch(o5).id, kind="human")
    o6 = opp("o6", "declined")  # an "unsubscribe" answer is not a reply: the card was marked by hand
    ReplyFactory(workspace_id=ws, message_id=pitch(o6).id, kind="unsubscribe")
    o7 = opp("o7", "negotiating")
    ReplyFactory(workspace_id=ws, opportunity_id=o7.id, message_id=pitch(o7).id, kind="out_of_office")
    ReplyFactory(workspace_id=ws, opportunity_id=o7.id, message_id=pitch(o7, 2).id, kind="human")
    won = {}
    for name, stage, price, paid in (("o8", "won", 20000, "paid"), ("o9", "live", 30000, "paid"),
                                     ("o10", "live", 10000, "unpaid"), ("o11", "lost", 5000, "paid")):
        o = won[name] = opp(name, stage, won_at=month_day(-2, 5), price_cents=price, payment_status=paid)
        ReplyFactory(workspace_id=ws, opportunity_id=o.id, message_id=pitch(o).id, kind="human")
    opp("o12", "declined")  # declined by hand, no mail recorded: the stage alone says it was pitched and answered

    def link(name, **kw):
        anchor, rel, reasons = kw.pop("anchor", None), kw.pop("rel", []), kw.pop("reasons", [])
        row = BacklinkFactory(workspace_id=ws, campaign_id=kw.pop("campaign_id", campaign.id), **kw)
        # An older check with another anchor: the report must read the latest one.
        LinkCheckFactory(workspace_id=ws, backlink_id=row.id, status="live", anchor_text="old anchor",
                         checked_at=utcnow() - timedelta(days=40))
        LinkCheckFactory(workspace_id=ws, backlink_id=row.id, status=row.status, anchor_text=anchor,
                         found=row.status in ("live", "live_nofollow", "not_indexable"), reasons=reasons,
                         evidence={"rel": rel, "placement": "content"}, checked_at=utcnow() - timedelta(days=1))
        s.links[name] = row.id
        return row

    link("b8", opportunity_id=won["o8"].id, status="unchecked")
    link("b9", opportunity_id=won["o9"].id, status="live", score=60, acquisition="paid", cost_cents=30000,
         expected_anchor="best running shoes", first_live_at=month_day(-2, 10), pending_status="missing",
         anchor="best running shoes", rel=[])
    link("b10", opportunity_id=won["o10"].id, status="live_nofollow", score=30, expected_rel="sponsored",
         first_live_at=month_day(-1, 5), anchor="Acme Running shoes", rel=["sponsored"])
    link("b11", opportunity_id=won["o11"].id, status="missing", first_live_at=month_day(-2, 3),
         lost_at=month_day(-1, 20), reasons=["link_removed"])
    link("nat", status="live", score=45, acquisition="natural", first_live_at=month_day(0, 1),
         anchor="https://acme-running.example/guide", source_url="https://news.example/acme")
    link("spam", status="live_nofollow", score=8, acquisition="self_created", cost_cents=1500,
         first_live_at=month_day(-1, 15), harm_reasons=["casino content"], anchor="click here", rel=["nofollow"],
         source_url="https://www.casino-links.example/partners")
    link("exact2", status="not_indexable", score=5, acquisition="natural", first_live_at=month_day(-1, 2),
         anchor="Best Running Shoes!", source_url="https://thin.example/p?id=7")
    link("unverified", status="unverified", campaign_id=None)
    CostFactory(workspace_id=ws, campaign_id=campaign.id, amount_cents=15000, description="Articles")
    CostFactory(workspace_id=ws, campaign_id=campaign.id, amount_cents=5000, description="Tools")
    CostFactory(workspace_id=ws, campaign_id=campaign.id, amount_cents=999, currency="EUR", description="Fee")

    if user_ids:
        today = utcnow().date()
        me, other = user_ids["member"], user_ids["admin"]
        for name, assignee, due, done in (("overdue", me, today - timedelta(days=1), None),
                                          ("unassigned", None, today + timedelta(days=3), None),
                                          ("someone else's", other, today, None),
                                          ("later", me, today + timedelta(days=10), None),
                                          ("done", me, today, utcnow())):
            s.tasks[name] = TaskFactory(workspace_id=ws, title=f"Task {name}", assignee_id=assignee, due_on=due,
                                        done_at=done, campaign_id=campaign.id).id
        TaskFactory(workspace_id=ws, title="Task undated", assignee_id=me, due_on=None)

    # The rival's look-alike rows, some pointing at our ids where a careless join would pick them up.
    rival = CampaignFactory(workspace_id=rival_workspace_id, name="Rival campaign")
    s.rival_campaign_id = rival.id
    r_opp = OpportunityFactory(workspace_id=rival_workspace_id, campaign_id=rival.id, stage="live",
                               won_at=utcnow(), price_cents=99900, payment_status="paid")
    r_msg = SentMessageFactory(workspace_id=rival_workspace_id, campaign_id=rival.id, opportunity_id=r_opp.id)
    ReplyFactory(workspace_id=rival_workspace_id, opportunity_id=r_opp.id, message_id=r_msg.id)
    BacklinkFactory(workspace_id=rival_workspace_id, campaign_id=rival.id, opportunity_id=r_opp.id, status="live",
                    score=99, first_live_at=utcnow(), harm_reasons=["pharma content"])
    CostFactory(workspace_id=rival_workspace_id, campaign_id=rival.id, amount_cents=777777)
    for card in (*won.values(), r_opp):  # as saving a card does: an agreed price joins the cost ledger once
        ledger.sync_placement(card)
    db.session.commit()
    return s


# Worked out by hand from the rows above.
EXPECTED = {
    # Counted from the rows (crm.campaigns.definitions), never from the stage alone: pitched = cards with a sent
    # message (o2-o11; o1's is only queued, o12 has none) = 10; replied = cards with a reply written by a person:
    # o5, o7, o8-o11 = 6 (o6's unsubscribe and o7's out-of-office are not replies); marked replied by hand = cards
    # at Replied or beyond without one: o6 and o12 = 2; won = won, live and the lost card with a won date = 4;
    # live = links the last check found live: b9, b10, nat, spam = 4 (exact2's page is noindexed: not live).
    "funnel": {"prospects": 12, "pitched": 10, "replied": 6, "won": 4, "live": 4},
    "hand_replied": 2,
    "rates": {"prospects": 1.0, "pitched": 10 / 12, "replied": 6 / 10, "won": 4 / 6, "live": 4 / 4},
    "shares": {"prospects": 1.0, "pitched": 10 / 12, "replied": 6 / 12, "won": 4 / 12, "live": 4 / 12},
    "messages_sent": 13,  # o2 1, o3 2, o4 2, o5 1, o6 1, o7 2, o8-o11 1 each
    # First pitch: 10 sent, replies to o5, o8, o9, o10, o11 (o6 unsubscribed, o7's was an out-of-office).
    "templates": [("First pitch", 10, 5), ("Follow-up", 3, 1)],
    "steps": [("Step 1", 10, 5), ("Step 2", 3, 1)],
    "links": 7,  # b8, b9, b10, b11, nat, spam, exact2 ("unverified" has no campaign)
    "live_links": 4,  # b9, b10, nat, spam
    "points": 60 + 30 + 45 + 8,
    "average_quality": 143 / 4,
    "lost": 1,  # b11
    "quality": [1, 1, 1, 1, 0],  # 0-19: 8; 20-39: 30; 40-59: 45; 60-79: 60
    # The ledger: agreed placements o8 200.00, o9 300.00, o10 100.00 (agreed, unpaid yet), o11 50.00; costs
    # 150 + 50 (the EUR fee shown apart). b9's own 300.00 and the spam link's 15.00 were never entered as costs.
    "spent": 20000 + 30000 + 10000 + 5000 + 15000 + 5000,
    "cost_per_live_link": 85000 / 4,
    "cost_per_point": 85000 / 143,
    # b9 exact, b10 brand, nat naked URL, spam generic (exact2 is not live, so not in the mix).
    "anchors": {"exact": 1, "partial": 0, "branded": 1, "naked_url": 1, "generic": 1, "empty": 0, "other": 0},
    "exact_share": 1 / 4,
    "timeline": [(2, 0, 2), (3, 1, 4), (1, 0, 5)],  # (went live, lost, not lost at month end) for M-2, M-1, M0
}
