"""Every headline worked out from a generated campaign's own rows agrees with the report, share page and dashboard."""

from __future__ import annotations

import html as html_lib
import random
import re
from dataclasses import dataclass, field

import pytest

from crm.campaigns import ledger
from crm.campaigns.definitions import ANSWERED_STAGES, LIVE_STATUSES
from crm.extensions import db
from tests.campaigns.factories import CampaignFactory, CostFactory, OpportunityFactory
from tests.conftest import csrf_token
from tests.links.factories import BacklinkFactory, LinkCheckFactory
from tests.outreach.factories import ReplyFactory, SentMessageFactory, TemplateFactory

pytestmark = pytest.mark.both_databases

STAGES = ("prospect", "pitched", "replied", "negotiating", "won", "live", "declined", "no_response", "lost")
REPLY_KINDS = ("human", "out_of_office", "bounce", "unsubscribe")
LINK_STATUSES = ("live", "live_nofollow", "not_indexable", "missing", "unchecked", "blocked")


@dataclass
class Truth:
    """What was made, as plain values, so the test counts each figure itself."""

    campaign_id: int = 0
    cards: list[dict] = field(default_factory=list)
    sent_by_template: dict[str, list[int]] = field(default_factory=dict)  # name -> [sent, answered by a person]
    links: list[dict] = field(default_factory=list)
    costs_cents: int = 0


def _generate(workspace_id: int, seed: int) -> Truth:
    """A campaign of 40 cards with random mail, replies of every kind, hand moves, links, checks and costs."""
    rng = random.Random(seed)
    campaign = CampaignFactory(workspace_id=workspace_id, name=f"Generated {seed}", status="active", currency="USD")
    templates = [TemplateFactory(workspace_id=workspace_id, name=f"Pitch {i}") for i in range(3)]
    truth = Truth(campaign_id=campaign.id, sent_by_template={t.name: [0, 0] for t in templates})
    for _ in range(40):
        stage = rng.choice(STAGES)  # the stage a person (or an event) left the card in, whatever the mail says
        won_at = db.func.now() if stage in ("won", "live") or (stage == "lost" and rng.random() < 0.5) else None
        price = rng.choice((None, 5000, 12345, 30000))
        paid = rng.choice(("paid", "unpaid"))
        card = OpportunityFactory(workspace_id=workspace_id, campaign_id=campaign.id, stage=stage, won_at=won_at,
                                  price_cents=price, payment_status=paid if price else None)
        agreed = won_at is not None or stage in ("won", "live")
        ledger.sync_placement(card)  # as saving a card does: an agreed price joins the cost ledger once
        row = {"stage": stage, "won": agreed, "sent": False, "human": False,
               "paid_cents": price if price and agreed else 0}
        for _ in range(rng.choice((0, 0, 1, 2, 3))):
            template = rng.choice(templates)
            sent = rng.random() < 0.85
            message = SentMessageFactory(workspace_id=workspace_id, campaign_id=campaign.id, opportunity_id=card.id,
                                     template_id=template.id, status="sent" if sent else "queued",
                                     sent_at=None if not sent else db.func.now())
            if not sent:
                continue
            row["sent"] = True
            truth.sent_by_template[template.name][0] += 1
            if rng.random() < 0.5:
                kind = rng.choice(REPLY_KINDS)
                # Some replies are matched to the card, some only to their message.
                on_card = rng.random() < 0.5
                ReplyFactory(workspace_id=workspace_id, message_id=message.id, kind=kind,
                             opportunity_id=card.id if on_card else None)
                if kind == "human":
                    row["human"] = True
                    truth.sent_by_template[template.name][1] += 1  # at most one reply per message here
        truth.cards.append(row)
        if row["won"] and rng.random() < 0.8:
            status = rng.choice(LINK_STATUSES)
            score = rng.randint(0, 100) if rng.random() < 0.9 else None
            link = BacklinkFactory(workspace_id=workspace_id, campaign_id=campaign.id, opportunity_id=card.id,
                                   status=status, score=score)
            LinkCheckFactory(workspace_id=workspace_id, backlink_id=link.id, status=status)
            truth.links.append({"status": status, "score": score})
    for _ in range(rng.randint(1, 4)):
        amount = rng.randint(100, 99999)
        CostFactory(workspace_id=workspace_id, campaign_id=campaign.id, amount_cents=amount, currency="USD")
        truth.costs_cents += amount
    CostFactory(workspace_id=workspace_id, campaign_id=campaign.id, amount_cents=4242, currency="EUR")  # not summed
    db.session.commit()
    return truth


def _percent(part: int, whole: int) -> str:
    """part / whole as the pages write it, to the tenth of a percent."""
    if not whole:
        return "—"
    return f"{f'{part * 100 / whole:.1f}'.removesuffix('.0')}%"


def _money(cents: float | None) -> str:
    """Cents as the pages write them, to the cent."""
    return "—" if cents is None else f"{cents / 100:,.2f} USD"


def _expected(truth: Truth) -> dict[str, str]:
    """Each headline counted from the generated rows alone."""
    cards = truth.cards
    pitched = sum(card["sent"] for card in cards)
    replied = sum(card["human"] for card in cards)
    live = [link for link in truth.links if link["status"] in LIVE_STATUSES]
    points = sum(link["score"] for link in live if link["score"] is not None)
    spent = sum(card["paid_cents"] for card in cards) + truth.costs_cents
    return {
        "prospects": str(len(cards)),
        "pitched": str(pitched),
        "replied": str(replied),
        "hand_replied": str(sum(card["stage"] in ANSWERED_STAGES and not card["human"] for card in cards)),
        "won": str(sum(card["won"] for card in cards)),
        "live-links": str(len(live)),
        "reply-rate": _percent(replied, pitched),
        "spent": _money(spent),
        "cost-per-link": _money(spent / len(live) if live else None),
        "cost-per-point": _money(spent / points if points else None),
    }


def _figure(page: str, name: str) -> str:
    match = re.search(rf'id="figure-{name}">\s*([^<]*?)\s*<', page)
    assert match, name
    return html_lib.unescape(match.group(1))


def _step(page: str, key: str) -> str:
    match = re.search(rf'<tr data-step="{key}"><th scope="row">[^<]*</th><td class="text-end">(\d+)</td>', page)
    assert match, key
    return match.group(1)


def _check_report_body(page: str, want: dict[str, str]) -> None:
    """The summary and the funnel table of a report (in the app or shared) show the counted figures."""
    for name in ("live-links", "reply-rate", "spent", "cost-per-link", "cost-per-point"):
        assert _figure(page, name) == want[name], name
    assert _figure(page, "hand-replied") == f"{want['hand_replied']} marked replied by hand"
    for key in ("prospects", "pitched", "replied", "won"):
        assert _step(page, key) == want[key], key
    assert _step(page, "live") == want["live-links"]
    assert "How we count this:" in page


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_headline_matches_its_own_rows(app, team, as_role, seed):
    with app.app_context():
        truth = _generate(team.workspace_id, seed)
    want = _expected(truth)
    owner = as_role("owner")
    report = owner.get(f"/campaigns/{truth.campaign_id}/report").get_data(as_text=True)
    _check_report_body(report, want)
    for name, (sent, answered) in truth.sent_by_template.items():
        if sent:  # the per-template table counts replies the same way as the funnel
            row = rf"<tr><td>{name}</td><td class=\"text-end\">{sent}</td><td class=\"text-end\">{answered}</td>"
            assert re.search(row, report), name
    assert sum(answered for _, answered in truth.sent_by_template.values()) >= int(want["replied"])

    token = csrf_token(owner, f"/campaigns/{truth.campaign_id}/report")
    every_note = {"show_costs": "y", "show_reply_rates": "y", "show_risks": "y"}  # ticked in: every figure shows
    made = owner.post(f"/campaigns/{truth.campaign_id}/share-links",
                      data={"csrf_token": token, "days": 7, **every_note})
    share = re.search(r'value="http://localhost(/share/[^"]+)"', made.get_data(as_text=True)).group(1)
    _check_report_body(app.test_client().get(share).get_data(as_text=True), want)

    dashboard = owner.get("/").get_data(as_text=True)
    row = re.search(rf'<tr data-campaign="{truth.campaign_id}">(.*?)</tr>', dashboard, re.S).group(1)
    for name in ("reply-rate", "won", "live-links", "spent", "cost-per-link"):
        cell = re.search(rf'data-figure="{name}">([^<]*)<', row).group(1)
        assert html_lib.unescape(cell) == want["won" if name == "won" else name], name
