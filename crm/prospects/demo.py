"""Demo prospects: about forty sites with tags, two dates of metrics, named and role contacts, a few statuses."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from crm import timeline
from crm.accounts.models import Workspace
from crm.db import utcnow
from crm.demo import demo_step
from crm.extensions import db
from crm.prospects import statuses
from crm.prospects.emails import is_role_address
from crm.prospects.models import Contact, Site, SiteMetric, SitePage
from crm.prospects.sites import get_or_create_tags

# (domain, name, tags, DR, monthly traffic); other metrics are derived from these with a fixed seed.
SITES = (
    ("greenthumbdiaries.com", "Green Thumb Diaries", "Gardening, Blog", 48, 61_000),
    ("urbanveggiepatch.co.uk", "Urban Veggie Patch", "Gardening, UK", 36, 14_500),
    ("theshedworkshop.com", "The Shed Workshop", "DIY, Tools", 52, 88_000),
    ("toolreviewlab.com", "Tool Review Lab", "Tools, Reviews", 61, 240_000),
    ("homefixhandbook.com", "Home Fix Handbook", "DIY, Home", 44, 39_000),
    ("cozynestliving.com", "Cozy Nest Living", "Home, Interiors", 57, 150_000),
    ("smallspacestyle.net", "Small Space Style", "Interiors, Blog", 33, 9_800),
    ("kitchencraftjournal.com", "Kitchen Craft Journal", "Cooking, Home", 49, 72_000),
    ("weeknightsupper.com", "Weeknight Supper", "Cooking", 41, 53_000),
    ("trailandtent.com", "Trail & Tent", "Outdoors, Camping", 46, 47_000),
    ("peakbaggers.org", "Peak Baggers Club", "Outdoors, Community", 38, 12_000),
    ("wildcampingguide.co.uk", "Wild Camping Guide", "Outdoors, UK", 29, 6_200),
    ("pedalpowerhub.com", "Pedal Power Hub", "Cycling", 54, 110_000),
    ("commutecycling.net", "Commute Cycling", "Cycling, Blog", 31, 8_900),
    ("runnersroutine.com", "Runner's Routine", "Running, Fitness", 50, 96_000),
    ("marathonmindset.com", "Marathon Mindset", "Running", 37, 21_000),
    ("yogaathome.net", "Yoga at Home", "Fitness, Wellness", 45, 64_000),
    ("mindfulmornings.blog", "Mindful Mornings", "Wellness, Blog", 27, 4_300),
    ("pawsandwhiskers.com", "Paws & Whiskers", "Pets", 53, 130_000),
    ("thedogtrainerdesk.com", "The Dog Trainer Desk", "Pets, Training", 39, 26_000),
    ("budgettravelnotes.com", "Budget Travel Notes", "Travel, Budget", 58, 205_000),
    ("slowtravelstories.com", "Slow Travel Stories", "Travel, Blog", 35, 11_000),
    ("familyroadtrips.net", "Family Road Trips", "Travel, Family", 42, 33_000),
    ("moneywisemoms.com", "Money Wise Moms", "Finance, Family", 47, 58_000),
    ("frugalfoundry.com", "Frugal Foundry", "Finance, Budget", 40, 29_000),
    ("smallbizplaybook.com", "Small Biz Playbook", "Business", 56, 97_000),
    ("freelancefieldnotes.com", "Freelance Field Notes", "Business, Blog", 32, 7_700),
    ("techgadgetdigest.com", "Tech Gadget Digest", "Tech, Reviews", 63, 310_000),
    ("smarthomeexplained.com", "Smart Home Explained", "Tech, Home", 51, 84_000),
    ("photowalkguide.com", "Photo Walk Guide", "Photography", 43, 36_000),
    ("filmcameracorner.net", "Film Camera Corner", "Photography, Community", 30, 5_900),
    ("coffeegeekcorner.com", "Coffee Geek Corner", "Coffee, Reviews", 45, 49_000),
    ("homebrewhandbook.com", "Homebrew Handbook", "Coffee, DIY", 34, 10_400),
    ("craftroomcollective.com", "Craft Room Collective", "Crafts, Community", 39, 22_000),
    ("knitandpurlnotes.com", "Knit & Purl Notes", "Crafts, Blog", 28, 6_800),
    ("greenenergyweekly.com", "Green Energy Weekly", "Energy, News", 59, 175_000),
    ("solarpanelguide.co.uk", "Solar Panel Guide", "Energy, UK", 47, 41_000),
    ("linkfarmdirectory.info", "Link Farm Directory", "Directory", 8, 300),
    ("bestarticlespinner.biz", "Best Article Spinner", "Directory", 4, 90),
    ("cheapguestposts.net", "Cheap Guest Posts", "Directory", 12, 1_100),
)  # fmt: skip
PEOPLE = ("Maya Patel", "Tom Becker", "Sofia Rossi", "James Okafor", "Lena Novak", "Ravi Shah", "Chloe Martin",
          "Owen Hughes", "Aisha Khan", "Daniel Kim", "Emma Walsh", "Lucas Silva")
ROLES = ("editor", "hello", "contact", "partnerships", "info")
BLOCKED = {"linkfarmdirectory.info": "blocked", "bestarticlespinner.biz": "blocked",
           "cheapguestposts.net": "do_not_contact"}


def _metrics(rnd: random.Random, dr: int, traffic: int) -> dict[str, tuple[float, str]]:
    """A plausible set of figures for a site of this strength."""
    return {
        "dr": (dr, "ahrefs"), "traffic": (traffic, "ahrefs"), "ref_domains": (dr * rnd.randint(18, 40), "ahrefs"),
        "da": (max(1, dr + rnd.randint(-6, 6)), "moz"), "spam": (rnd.choice((1, 1, 2, 3)) if dr > 20 else 41, "moz"),
        "tf": (max(1, dr // 2 + rnd.randint(-5, 5)), "majestic"),
        "cf": (max(1, dr // 2 + rnd.randint(0, 12)), "majestic"),
    }  # fmt: skip


def _day(moment: datetime) -> datetime:
    return datetime(moment.year, moment.month, moment.day, tzinfo=UTC)


@demo_step("prospects")
def make(workspace: Workspace) -> dict[str, int]:
    """Add the demo sites that are missing (running twice adds nothing)."""
    rnd = random.Random(20240611)
    now, then = _day(utcnow()), _day(utcnow() - timedelta(days=120))
    known = set(db.session.scalars(select(Site.domain).where(Site.workspace_id == workspace.id)))
    made = {"sites": 0, "contacts": 0, "metrics": 0}
    for index, (domain, name, tags, dr, traffic) in enumerate(SITES):
        figures = _metrics(rnd, dr, traffic)
        person = PEOPLE[index % len(PEOPLE)]
        if domain in known:
            continue
        site = Site(workspace_id=workspace.id, domain=domain, name=name, homepage=f"https://www.{domain}/",
                    status=BLOCKED.get(domain, "active"), notes="Sells links; avoid." if domain in BLOCKED else "")
        site.tags = get_or_create_tags(workspace.id, [t.strip() for t in tags.split(",")])
        db.session.add(site)
        db.session.flush()
        if site.status != "active":
            statuses.sites_changed(workspace.id, [site.id], site.status)
        for metric, (value, source) in figures.items():
            earlier = value * rnd.uniform(0.75, 1.0) if metric != "spam" else value
            db.session.add_all([
                SiteMetric(workspace_id=workspace.id, site_id=site.id, name=metric, source=source,
                           value=round(earlier), measured_at=then),
                SiteMetric(workspace_id=workspace.id, site_id=site.id, name=metric, source=source, value=value,
                           measured_at=now),
            ])
            setattr(site, "as_score" if metric == "as" else metric, value)
            made["metrics"] += 2
        first, last = person.split()
        addresses = [(f"{first.lower()}@{domain}", first, last, "Editor"), (f"{ROLES[index % 5]}@{domain}", "", "", "")]
        for email, first_name, last_name, position in addresses:
            db.session.add(Contact(workspace_id=workspace.id, site_id=site.id, email=email, first_name=first_name,
                                   last_name=last_name, position=position, is_role_address=is_role_address(email),
                                   found_on=f"https://www.{domain}/contact/", source="demo"))
            made["contacts"] += 1
        db.session.add(SitePage(workspace_id=workspace.id, site_id=site.id, url=f"https://www.{domain}/",
                                title=name, source="demo"))
        timeline.record(workspace.id, "imported", "Added from the demo data", site_id=site.id, when=then)
        made["sites"] += 1
    db.session.flush()
    return made
