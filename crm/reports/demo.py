"""Demo data that makes reports meaningful: two campaigns with months of history, harmful links, tasks due.

Runs after the other features' demo steps and only tops up: rows are found by name, URL or origin before
being made, so running `flask demo` twice changes nothing the second time.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from crm.campaigns.models import Campaign, Cost, Opportunity, TargetPage, Task
from crm.db import utcnow
from crm.demo import demo_step
from crm.extensions import db
from crm.links.models import Backlink, LinkCheck
from crm.outreach.models import OutboundMessage, Reply, Sequence, SequenceStep, Template
from crm.prospects.models import Contact, Site
from crm.quality import LinkFacts, harm_flags, score_link

TARGET = "https://acme-running.example/guides/running-shoes"
# (name, kind, months running, target anchors, stages of its opportunities in order)
CAMPAIGNS = (
    ("Running shoes guide: guest posts", "guest_post", 5, ["best running shoes", "running shoe guide", "Acme Running"],
     ["prospect"] * 4 + ["pitched"] * 4 + ["no_response"] * 3 + ["replied", "replied", "negotiating", "negotiating",
      "declined", "declined", "won"] + ["live"] * 5 + ["lost"]),
    ("Marathon training: broken links", "broken_link", 3, ["marathon training plan", "Acme Running"],
     ["prospect"] * 2 + ["pitched"] * 3 + ["no_response", "replied", "declined"] + ["live"] * 3 + ["lost"]),
)
WORDS = ("stride", "trail", "pace", "tempo", "miles", "summit", "cadence", "finish", "runner", "endure", "split",
         "hill", "track", "road", "ultra", "sprint", "relay", "harbor", "ridge", "canyon")
ANCHORS = ("best running shoes", "Acme Running", "running shoe guide", "https://acme-running.example/",
           "this guide", "the best running shoes for beginners", "marathon training plan")
# Linking pages a marketer would want to disavow: (URL, spam topics, link-farm markers).
HARMFUL = (
    ("https://casino-bonus-links.example/partners", ("casino",), ("link_selling", "many_outbound_domains")),
    ("https://cheap-pills-blog.example/resources", ("pharma",), ("link_exchange",)),
)


def _site(workspace, domain: str) -> Site:
    site = db.session.scalar(select(Site).where(Site.workspace_id == workspace.id, Site.domain == domain))
    if site is None:
        site = Site(workspace_id=workspace.id, domain=domain, homepage=f"https://{domain}/")
        db.session.add(site)
        db.session.flush()
    return site


def _contact(workspace, site: Site) -> Contact:
    email = f"editor@{site.domain}"
    contact = db.session.scalar(select(Contact).where(Contact.workspace_id == workspace.id, Contact.email == email))
    if contact is None:
        contact = Contact(workspace_id=workspace.id, site_id=site.id, email=email, first_name="Sam")
        db.session.add(contact)
        db.session.flush()
    return contact


def _template(workspace, name: str, subject: str) -> Template:
    row = db.session.scalar(select(Template).where(Template.workspace_id == workspace.id, Template.name == name))
    if row is None:
        row = Template(workspace_id=workspace.id, name=name, subject=subject,
                       body="Hi {{ first_name }},\n\nI enjoyed your article and wondered if ...")
        db.session.add(row)
        db.session.flush()
    return row


def _facts(rng: random.Random, status: str, rel: list[str], spam: tuple[str, ...] = ()) -> LinkFacts:
    return LinkFacts(status=status, rel=tuple(rel),
                     placement=rng.choice(["content", "content", "content", "author_bio", "sidebar", "footer"]),
                     outbound_links=rng.randint(8, 160), word_count=rng.randint(300, 2400), spam_topics=spam,
                     metrics={"dr": rng.randint(4, 80), "traffic": rng.randint(50, 40000)},
                     relevance=round(rng.uniform(0.01, 0.5), 3))


def _check(link: Backlink, when: datetime, status: str, facts: LinkFacts, anchor: str | None, reasons=(),
           touch: bool = True) -> int:
    quality = score_link(facts)
    db.session.add(LinkCheck(
        workspace_id=link.workspace_id, backlink_id=link.id, checked_at=when, status=status,
        found=status in ("live", "live_nofollow", "not_indexable"), http_status=200 if status != "page_error" else 404,
        final_url=link.source_url, anchor_text=anchor, placement=facts.placement, indexable=status != "not_indexable",
        outbound_links=facts.outbound_links, reasons=list(reasons), score=quality.score, score_version=quality.version,
        score_detail=quality.to_dict(), evidence={"rel": list(facts.rel), "placement": facts.placement},
    ))
    if touch:  # the newest check decides what the link shows now
        link.score, link.score_version = quality.score, quality.version
        link.score_explanation, link.harm_reasons = quality.explain()[:500], harm_flags(facts, quality) or None
    return 1


def _history(link: Backlink, rng: random.Random, anchor: str | None, rel: list[str], now: datetime,
             until: datetime | None = None) -> int:
    """Monthly checks from the day the link went live until now or until it was lost (or only until `until`,
    leaving the link's current status and score to the checks it already has)."""
    made, when = 0, link.first_live_at
    end = until or link.lost_at or now
    facts = _facts(rng, "live_nofollow" if "sponsored" in rel or "nofollow" in rel else "live", rel)
    while when < end:
        made += _check(link, when, facts.status, facts, anchor, touch=until is None)
        when += timedelta(days=30)
    if until is not None:
        return made
    if link.lost_at is not None:
        made += _check(link, link.lost_at, "missing", _facts(rng, "missing", []), None, ["link_not_found"])
    else:  # the latest check, yesterday
        made += _check(link, now - timedelta(days=1), facts.status, facts, anchor)
    link.status = "missing" if link.lost_at else facts.status
    link.last_checked_at, link.check_count = end, made
    return made


def _campaign(workspace, spec, rng: random.Random, now: datetime) -> dict[str, int]:
    name, kind, months, anchors, stages = spec
    made = {"campaigns": 1, "backlinks": 0, "checks": 0}
    starts = (now - timedelta(days=30 * months)).date()
    campaign = Campaign(workspace_id=workspace.id, name=name, kind=kind, status="active", goal_links=len(stages) // 3,
                        budget_cents=300000, starts_on=starts, description="Demo campaign for the reports.")
    db.session.add(campaign)
    db.session.flush()
    db.session.add(TargetPage(workspace_id=workspace.id, campaign_id=campaign.id, url=TARGET, anchors=anchors))
    pitch = _template(workspace, "Guest post pitch", "An article idea for {{ site_domain }}")
    nudge = _template(workspace, "Gentle follow-up", "Re: an article idea for {{ site_domain }}")
    sequence = Sequence(workspace_id=workspace.id, campaign_id=campaign.id, status="active", launched_at=now)
    db.session.add(sequence)
    db.session.flush()
    steps = [SequenceStep(workspace_id=workspace.id, sequence_id=sequence.id, position=i, template_id=t.id,
                          delay_business_days=0 if i == 1 else 4) for i, t in ((1, pitch), (2, nudge))]
    db.session.add_all(steps)
    db.session.flush()
    for index, stage in enumerate(stages):
        site = _site(workspace, f"{WORDS[index % len(WORDS)]}-{kind.split('_')[0]}-{index}.example")
        contact = _contact(workspace, site)
        sent_on = now - timedelta(days=rng.randint(20, 30 * months))
        won = stage in ("won", "live", "lost")
        price = rng.choice([15000, 25000, 40000]) if won and rng.random() < 0.7 else None
        opp = Opportunity(workspace_id=workspace.id, campaign_id=campaign.id, site_id=site.id, contact_id=contact.id,
                          stage=stage, won_at=sent_on + timedelta(days=12) if won else None, price_cents=price,
                          payment_status="paid" if price else None)
        db.session.add(opp)
        db.session.flush()
        if stage == "prospect":
            continue
        follow_up = stage in ("pitched", "no_response")
        # Some answers come only after the follow-up, so each step has its own reply rate.
        two_steps = follow_up or (stage in ("replied", "negotiating", "live") and index % 2 == 1)
        for step in steps[: 2 if two_steps else 1]:
            message = OutboundMessage(
                workspace_id=workspace.id, idempotency_key=f"demo-reports:{campaign.id}:{step.position}:{contact.id}",
                campaign_id=campaign.id, sequence_id=sequence.id, step_id=step.id, step_position=step.position,
                template_id=step.template_id, opportunity_id=opp.id, contact_id=contact.id, site_id=site.id,
                to_email=contact.email, from_email="outreach@demo-agency.example", subject=f"An idea for {site.domain}",
                body_text="Hi Sam, ...", status="delivered", sent_at=sent_on + timedelta(days=4 * (step.position - 1)))
            db.session.add(message)
            db.session.flush()
        if not follow_up or rng.random() < 0.2:
            kind_of_reply = "human" if not follow_up else "out_of_office"
            db.session.add(Reply(workspace_id=workspace.id, dedupe_key=f"<demo-reports-{message.id}@demo.example>",
                                 message_id=message.id, opportunity_id=opp.id, contact_id=contact.id, site_id=site.id,
                                 from_email=contact.email, kind=kind_of_reply, subject="Re: an idea",
                                 text="Sounds good, send it over.", received_at=message.sent_at + timedelta(days=2)))
        if won:
            made["checks"] += _won_link(workspace, campaign, opp, site, stage, rng, now, made["backlinks"])
            made["backlinks"] += 1
    db.session.add(Cost(workspace_id=workspace.id, campaign_id=campaign.id, amount_cents=45000,
                        description="Article writing", spent_on=starts + timedelta(days=10)))
    return made


def _won_link(workspace, campaign, opp, site, stage, rng: random.Random, now: datetime, number: int) -> int:
    paid = opp.price_cents is not None
    rel = ["sponsored"] if paid and number % 3 else []  # one paid link in three forgets rel="sponsored"
    link = Backlink(
        workspace_id=workspace.id, source_url=f"https://{site.domain}/blog/{rng.choice(WORDS)}-guide",
        source_domain=site.domain, target_url=TARGET, campaign_id=campaign.id, opportunity_id=opp.id, site_id=site.id,
        acquisition="paid" if paid else "outreach", cost_cents=opp.price_cents, expected_anchor="best running shoes",
        expected_rel="sponsored" if paid else "follow", placed_on=opp.won_at.date(), status="unchecked",
    )
    db.session.add(link)
    db.session.flush()
    if stage == "won":
        return 0  # placed, waiting for its first check
    link.first_live_at = min(opp.won_at + timedelta(days=rng.randint(3, 10)), now - timedelta(days=6))
    link.status_since = link.first_live_at
    if stage == "lost":
        link.lost_at = min(now - timedelta(days=5), link.first_live_at + timedelta(days=45))
    return _history(link, rng, ANCHORS[number % len(ANCHORS)], rel, now)


def _top_up_checks(workspace, rng: random.Random, now: datetime) -> int:
    """Links from earlier demo steps that went live but have little history get monthly checks."""
    counts = (select(LinkCheck.backlink_id, func.count().label("n")).where(LinkCheck.workspace_id == workspace.id)
              .group_by(LinkCheck.backlink_id).subquery())
    thin = db.session.scalars(
        select(Backlink).outerjoin(counts, counts.c.backlink_id == Backlink.id)
        .where(Backlink.workspace_id == workspace.id, Backlink.first_live_at.is_not(None),
               func.coalesce(counts.c.n, 0) < 2)
    ).all()
    made = 0
    for link in thin:
        latest = db.session.scalar(select(LinkCheck).where(LinkCheck.backlink_id == link.id)
                                   .order_by(LinkCheck.checked_at.desc()).limit(1))
        rel = list((latest.evidence or {}).get("rel") or []) if latest else []
        until = min(latest.checked_at if latest else now, link.lost_at or now) - timedelta(days=1)
        made += _history(link, rng, latest.anchor_text if latest else None, rel, now, until=until)
    return made


def _harmful(workspace, rng: random.Random, now: datetime) -> int:
    made = 0
    for url, topics, markers in HARMFUL:
        exists = db.session.scalar(select(Backlink.id).where(Backlink.workspace_id == workspace.id,
                                                             Backlink.source_url == url, Backlink.target_url == TARGET))
        if exists:
            continue
        link = Backlink(workspace_id=workspace.id, source_url=url, source_domain=url.split("/")[2], target_url=TARGET,
                        acquisition="natural", status="live", first_live_at=now - timedelta(days=rng.randint(40, 70)))
        db.session.add(link)
        db.session.flush()
        facts = LinkFacts(status="live", placement="footer", outbound_links=rng.randint(150, 400), word_count=180,
                          spam_topics=topics, link_farm_markers=markers, metrics={"dr": rng.randint(2, 9)},
                          relevance=0.01)
        for when in (link.first_live_at, now - timedelta(days=1)):
            _check(link, when, "live", facts, rng.choice(["casino bonus", "best running shoes", "click here"]))
        link.last_checked_at, link.check_count = now - timedelta(days=1), 2
        made += 1
    return made


def _tasks(workspace, today: date) -> int:
    made = 0
    for n, (title, days) in enumerate((("Chase the invoice for the stride-guest post", -2),
                                       ("Send the draft article to trail-guest", 1),
                                       ("Ask summit-broken to restore the removed link", 3)), 1):
        origin = f"demo:reports:{n}"
        if db.session.scalar(select(Task.id).where(Task.workspace_id == workspace.id, Task.origin == origin)):
            continue
        db.session.add(Task(workspace_id=workspace.id, title=title, origin=origin, due_on=today + timedelta(days=days)))
        made += 1
    return made


@demo_step("reports")
def demo_reports(workspace) -> dict[str, int]:
    """Report-ready campaigns, a check history for every live link, harmful links and tasks due."""
    rng, now = random.Random(f"reports:{workspace.name}"), utcnow()
    made = {"campaigns": 0, "backlinks": 0, "checks": 0}
    for spec in CAMPAIGNS:
        exists = db.session.scalar(select(Campaign.id).where(Campaign.workspace_id == workspace.id,
                                                             Campaign.name == spec[0]))
        if not exists:
            for key, value in _campaign(workspace, spec, rng, now).items():
                made[key] += value
    made["checks"] += _top_up_checks(workspace, rng, now)
    made["harmful_links"] = _harmful(workspace, rng, now)
    made["tasks"] = _tasks(workspace, now.date())
    return made
