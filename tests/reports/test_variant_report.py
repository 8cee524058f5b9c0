"""The subject and body test table of a campaign report, its figures derived again from the rows themselves."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from crm.campaigns.definitions import CLICKED_STATUSES, OPENED_STATUSES, REPLY_KINDS
from crm.campaigns.reporting.variants import variant_tests
from crm.db import utcnow
from crm.extensions import db
from crm.outreach.models import OutboundMessage, Reply
from tests.campaigns.factories import CampaignFactory
from tests.conftest import csrf_token
from tests.outreach.factories import MessageFactory, SenderFactory, SequenceFactory, TemplateFactory
from tests.prospects.factories import ContactFactory, SiteFactory

pytestmark = pytest.mark.both_databases
# per variant: sent, replies by a person, of them positive, out-of-office answers, opened-only, clicked
PLAN = {"A": (150, 9, 3, 4, 50, 6), "B": (150, 30, 12, 2, 40, 15)}


@dataclass
class Built:
    campaign_id: int
    site_id: int
    reply_ids: list[int]


def _build(workspace_id: int, rival_id: int) -> Built:
    campaign = CampaignFactory(workspace_id=workspace_id)
    sender = SenderFactory(workspace_id=workspace_id)
    sequence = SequenceFactory(workspace_id=workspace_id, campaign_id=campaign.id, sender=sender)
    templates = {label: TemplateFactory(workspace_id=workspace_id, name=f"Pitch {label}") for label in PLAN}
    site = SiteFactory(workspace_id=workspace_id)
    contacts = [ContactFactory(workspace_id=workspace_id, site=site) for _ in range(10)]
    sent_at, reply_ids = utcnow() - timedelta(days=2), []
    for label, (sent, replies, positive, away, opened, clicked) in PLAN.items():
        for i in range(sent + 5):  # five more that never went
            status = "clicked" if i < clicked else "opened" if i < clicked + opened else "delivered"
            contact = contacts[i % len(contacts)]
            row = MessageFactory(
                workspace_id=workspace_id, campaign_id=campaign.id, sequence_id=sequence.id, step_position=1,
                template_id=templates[label].id, variant=label, sender_id=sender.id, contact_id=contact.id,
                site_id=site.id, to_email=contact.email, status=status if i < sent else "queued",
                sent_at=sent_at if i < sent else None)
            kind = "human" if i < replies else "out_of_office" if i < replies + away else None
            if kind and i < sent:
                answer = Reply(workspace_id=workspace_id, dedupe_key=f"r-{row.id}", message_id=row.id,
                               contact_id=contact.id, site_id=site.id, from_email=contact.email, kind=kind,
                               positive=kind == "human" and i < positive)
                db.session.add(answer)
                db.session.flush()
                reply_ids.append(answer.id)
    # the rival's look-alike row is not counted
    MessageFactory(workspace_id=rival_id, campaign_id=campaign.id, variant="A", status="clicked", sent_at=sent_at)
    db.session.commit()
    return Built(campaign.id, site.id, reply_ids)


def _from_rows(workspace_id: int, campaign_id: int) -> dict[str, tuple[int, ...]]:
    """The same figures counted in Python over the rows, by the written definitions."""
    totals: dict[str, Counter] = {}
    messages = db.session.scalars(select(OutboundMessage).where(
        OutboundMessage.workspace_id == workspace_id, OutboundMessage.campaign_id == campaign_id))
    replies = db.session.scalars(select(Reply).where(Reply.workspace_id == workspace_id)).all()
    for message in messages:
        if message.sent_at is None:
            continue
        mine = [r for r in replies if r.message_id == message.id and r.kind in REPLY_KINDS]
        count = totals.setdefault(message.variant, Counter())
        count["sent"] += 1
        count["replied"] += bool(mine)
        count["positive"] += any(r.positive for r in mine)
        count["opened"] += message.status in OPENED_STATUSES
        count["clicked"] += message.status in CLICKED_STATUSES
    keys = ("sent", "replied", "positive", "opened", "clicked")
    return {label: tuple(c[k] for k in keys) for label, c in totals.items()}


def test_each_variant_counts_what_its_rows_say_and_the_clear_winner_is_flagged(app, team, as_role):
    with app.app_context():
        test = _build(team.workspace_id, team.rival_workspace_id)
        (step,) = variant_tests(team.workspace_id, test.campaign_id)
        got = {r.label: (r.sent, r.replied, r.positive, r.opened, r.clicked) for r in step.rows}
        assert got == _from_rows(team.workspace_id, test.campaign_id)
        assert got == {"A": (150, 9, 3, 56, 6), "B": (150, 30, 12, 55, 15)}
        assert step.winner == "B" and step.verdict.p_value < 0.05
    html = as_role("viewer").get(f"/campaigns/{test.campaign_id}/report").get_data(as_text=True)
    assert "Variant B wins on replies." in html
    assert re.search(r'data-variant="B".*?30 of 150.*?12 of 150', html, re.S)
    assert "Opens (weak signal)" in html and "two-sided two-proportion z-test" in html


def test_a_marketer_marks_a_reply_positive_and_the_report_counts_it(app, team, as_role):
    with app.app_context():
        test = _build(team.workspace_id, team.rival_workspace_id)
        unmarked = db.session.scalar(select(Reply.id).where(
            Reply.id.in_(test.reply_ids), Reply.kind == "human", Reply.positive.is_(False)))
        away = db.session.scalar(select(Reply.id).where(Reply.id.in_(test.reply_ids), Reply.kind != "human"))
    member = as_role("member")
    page = f"/inbox/sites/{test.site_id}"
    assert "Mark positive" in member.get(page).get_data(as_text=True)
    url = f"/inbox/replies/{unmarked}/positive"
    assert member.post(url, data={"positive": "1"}).status_code == 400  # no CSRF token
    token = csrf_token(member, page)
    done = member.post(url, data={"csrf_token": token, "positive": "1"}, follow_redirects=True)
    assert "Reply marked positive." in done.get_data(as_text=True)
    refused = member.post(f"/inbox/replies/{away}/positive", data={"csrf_token": token}, follow_redirects=True)
    assert "Only a reply written by a person" in refused.get_data(as_text=True)
    viewer = as_role("viewer")
    assert "Mark positive" not in viewer.get(page).get_data(as_text=True)
    assert viewer.post(url, data={"csrf_token": csrf_token(viewer, page), "positive": "0"}).status_code == 403
    with app.app_context():
        rows = {r.label: r for r in variant_tests(team.workspace_id, test.campaign_id)[0].rows}
        assert rows["A"].positive + rows["B"].positive == 3 + 12 + 1
        assert db.session.get(Reply, away).positive is False
