"""Demo data for campaigns: a guest-post campaign with target pages, a board across every stage, tasks and costs."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from crm import timeline
from crm.accounts.models import Membership, Workspace
from crm.campaigns import stages
from crm.campaigns.models import Campaign, Cost, Opportunity, TargetPage, Task
from crm.db import utcnow
from crm.demo import demo_step
from crm.extensions import db
from crm.prospects.models import Contact, Site

CAMPAIGN_NAME = "Guest posts: trail running season"
# (domain, contact first name, last name, DR) for a workspace that has no sites yet.
FALLBACK_SITES = [
    ("trailrunnerdaily.example", "Maya", "Lindqvist", 58), ("ultrafeet.example", "Tom", "Okafor", 44),
    ("mountainmiles.example", "Sara", "Bianchi", 61), ("runnersfuel.example", "Jon", "Park", 39),
    ("singletrackstories.example", "Ines", "Moreau", 52), ("fellrunning.example", "Owen", "Hughes", 47),
    ("hikeandrun.example", "Lena", "Vogel", 35), ("outdoorgearlab.example", "Raj", "Mehta", 66),
    ("alpinepace.example", "Clara", "Rossi", 41), ("muddyshoes.example", "Ben", "Taylor", 29),
    ("summitseekers.example", "Aiko", "Tanaka", 55), ("runwild.example", "Luis", "García", 49),
    ("trailnotes.example", "Nora", "Berg", 33), ("peakperformance.example", "Kofi", "Mensah", 57),
    ("forestpaths.example", "Eva", "Novak", 38), ("racecalendar.example", "Sam", "Reid", 45),
]
# The board across every stage: (stage, days since the stage changed, price in cents or None, payment status).
DEMO_LINES = ("Your hill-repeat plan on {domain} got me up my local climb twice a week.",
              "I keep sending friends your piece on {domain} about running in the wet.")
PLAN = [
    ("prospect", 1, None, None), ("prospect", 2, None, None), ("prospect", 2, None, None),
    ("pitched", 3, None, None), ("pitched", 5, None, None), ("pitched", 6, None, None),
    ("replied", 1, None, None), ("replied", 2, None, None),
    ("negotiating", 2, 15000, "unpaid"), ("negotiating", 4, None, None),
    ("won", 3, 20000, "paid"),
    ("live", 12, 25000, "paid"), ("live", 20, None, None),
    ("declined", 9, None, None), ("no_response", 15, None, None), ("lost", 6, 18000, "paid"),
]


def _sites(workspace: Workspace) -> list[Site]:
    """Sites with contacts from the prospects demo when there are some, else a few made here."""
    found = list(db.session.scalars(
        select(Site)
        .where(Site.workspace_id == workspace.id, Site.status == "active")
        .order_by(Site.id)
        .limit(len(PLAN))
    ))
    if len(found) >= len(PLAN):
        return found
    have = set(db.session.scalars(select(Site.domain).where(Site.workspace_id == workspace.id)))
    for domain, first, last, dr in FALLBACK_SITES:
        if len(found) >= len(PLAN):
            break
        if domain in have:
            continue
        site = Site(workspace_id=workspace.id, domain=domain, homepage=f"https://{domain}/", dr=dr,
                    traffic=dr * 420)
        site.contacts.append(Contact(workspace_id=workspace.id, email=f"{first.lower()}@{domain}", first_name=first,
                                     last_name=last, position="Editor", found_on=f"https://{domain}/contact"))
        db.session.add(site)
        found.append(site)
    db.session.flush()
    return found


def _contact_id(site: Site) -> int | None:
    usable = [c for c in site.contacts if c.status == "ok"]
    usable.sort(key=lambda c: (c.is_role_address, c.id))
    return usable[0].id if usable else None


@demo_step("campaigns")
def make_demo(workspace: Workspace) -> dict[str, int]:
    """Add the demo campaign once (a second run finds it and adds nothing)."""
    if db.session.scalar(select(Campaign.id).where(Campaign.workspace_id == workspace.id,
                                                   Campaign.name == CAMPAIGN_NAME)):
        return {"campaigns": 0, "opportunities": 0, "tasks": 0, "costs": 0}
    owner_id = db.session.scalar(
        select(Membership.user_id)
        .where(Membership.workspace_id == workspace.id, Membership.role.in_(("owner", "admin")))
        .order_by(Membership.id)
        .limit(1)
    )
    now, today = utcnow(), utcnow().date()
    campaign = Campaign(
        workspace_id=workspace.id, name=CAMPAIGN_NAME, kind="guest_post", status="active", goal_links=8,
        budget_cents=150000, currency="USD", starts_on=today - timedelta(days=30), ends_on=today + timedelta(days=60),
        owner_id=owner_id, description="Guest articles on running and outdoor sites for the new trail shoe range.",
    )
    campaign.target_pages = [
        TargetPage(workspace_id=workspace.id, url="https://shop.example/trail-running-shoes",
                   anchors=["trail running shoes", "best trail shoes"]),
        TargetPage(workspace_id=workspace.id, url="https://shop.example/guides/choosing-trail-shoes",
                   anchors=["how to choose trail shoes", "trail shoe guide"]),
    ]
    db.session.add(campaign)
    db.session.flush()
    made: list[Opportunity] = []
    for n, (site, (stage, days, price, payment)) in enumerate(zip(_sites(workspace), PLAN, strict=False)):
        changed = now - timedelta(days=days)
        opportunity = Opportunity(
            workspace_id=workspace.id, campaign_id=campaign.id, site_id=site.id, contact_id=_contact_id(site),
            owner_id=owner_id, target_page_id=campaign.target_pages[n % 2].id, stage=stage, stage_changed_at=changed,
            position=n, price_cents=price, currency="USD", payment_status=payment,
            won_at=changed if stage in ("won", "live", "lost") else None,
            next_action_on=today + timedelta(days=(n % 5) - 2) if not stages.is_closed(stage) else None,
        )
        if n < len(DEMO_LINES):  # two cards to pitch come with their first line, the third is left to write
            opportunity.personal_line = DEMO_LINES[n].format(domain=site.domain)
        if stage != "prospect":
            site.last_contacted_at = min(site.last_contacted_at or now, now - timedelta(days=days + 3))
        db.session.add(opportunity)
        db.session.flush()
        timeline.record(workspace.id, "added_to_campaign", f"Added to campaign {CAMPAIGN_NAME} as a prospect",
                        site_id=site.id, opportunity_id=opportunity.id, when=now - timedelta(days=days + 5))
        if stage != "prospect":
            timeline.record(workspace.id, "stage_changed", f"Moved from Prospect to {stages.label(stage)}",
                            site_id=site.id, opportunity_id=opportunity.id, actor_id=owner_id, when=changed,
                            data={"from": "prospect", "to": stage, "by": "person"})
        made.append(opportunity)
    by_stage = {o.stage: o for o in made}
    tasks = [
        Task(title=f"Reply waiting from {by_stage['replied'].site.domain}", kind="reply_waiting", due_on=today,
             origin="demo:reply", opportunity=by_stage["replied"]),
        Task(title="Send the draft article for review", kind="manual", due_on=today - timedelta(days=2),
             opportunity=by_stage["negotiating"]),
        Task(title=f"The link on {by_stage['lost'].site.domain} was removed", kind="link_lost",
             due_on=today - timedelta(days=1),
             origin="demo:link-lost", opportunity=by_stage["lost"]),
        Task(title="Chase the invoice for the live placement", kind="manual", due_on=today + timedelta(days=3),
             opportunity=by_stage["live"]),
    ]
    for task in tasks:
        task.workspace_id, task.assignee_id, task.campaign_id = workspace.id, owner_id, campaign.id
        task.site_id = task.opportunity.site_id
    db.session.add_all(tasks)
    costs = [
        Cost(workspace_id=workspace.id, campaign_id=campaign.id, amount_cents=12000, currency="USD",
             description="Article writing (3 drafts)", spent_on=today - timedelta(days=10)),
        Cost(workspace_id=workspace.id, campaign_id=campaign.id, amount_cents=9900, currency="USD",
             description="Prospecting tool, one month", spent_on=today - timedelta(days=28)),
    ]
    db.session.add_all(costs)
    db.session.flush()
    return {"campaigns": 1, "opportunities": len(made), "tasks": len(tasks), "costs": len(costs)}


@demo_step("campaign_links")
def link_demo_backlinks(workspace: Workspace) -> dict[str, int]:
    """Tie the demo's backlinks to the opportunity on their site (links' demo runs after this feature's)."""
    from crm.links.demo import link_opportunities

    by_site: dict[int, tuple[int, int]] = {}
    rows = db.session.execute(select(Opportunity.site_id, Opportunity.id, Opportunity.campaign_id)
                              .where(Opportunity.workspace_id == workspace.id).order_by(Opportunity.id))
    for row in rows:
        by_site.setdefault(row.site_id, (row.id, row.campaign_id))
    return {"linked_to_opportunities": link_opportunities(workspace.id, by_site)}
