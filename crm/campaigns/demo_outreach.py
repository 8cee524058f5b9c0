"""The outreach part of `flask demo`: a campaign's sequence with mail sent, due and replied to.

Campaigns stands above prospects and outreach (DESIGN §2), so this step is campaigns': it picks the campaign (the
first with no other sender's sequence, else a small one of its own), reads its people and their contacts, and
hands them down to outreach's demo as plain values. Runs after the prospects and campaigns steps and uses what
they made; too few people (a workspace without their demo data) are topped up with a few contacts of its own, all
at .example domains, so a demo can never mail a real address. Safe to run twice.
"""

from __future__ import annotations

from sqlalchemy import select

from crm.accounts.models import Workspace
from crm.campaigns.models import Campaign, Opportunity
from crm.campaigns.recipients import with_contact
from crm.demo import demo_step
from crm.extensions import db
from crm.outreach import demo as outreach_demo
from crm.outreach.launching import Addressee, merged_context
from crm.outreach.recipients import Recipient
from crm.prospects.models import Contact, Site

DEMO_SITES = [
    ("gardenjoy.example", "ana@gardenjoy.example", "Ana", "Müller"),
    ("urbanleaf.example", "ben@urbanleaf.example", "Ben", "Okafor"),
    ("soilandseed.example", "editor@soilandseed.example", "", ""),
    ("balconyblooms.example", "chloe@balconyblooms.example", "Chloé", "Martin"),
    ("growdaily.example", "dev@growdaily.example", "Dev", "Patel"),
    ("compostcorner.example", "emma@compostcorner.example", "Emma", "Lind"),
    ("seedswap.example", "farid@seedswap.example", "Farid", "Haddad"),
    ("plotnotes.example", "grace@plotnotes.example", "Grace", "Kim"),
]
PEOPLE = 8


def _campaign_id(workspace: Workspace, sender_id: int) -> int:
    """The first campaign with no other sender's sequence (the demo's own, on a second run), else a new one."""
    others = outreach_demo.campaigns_in_use(workspace.id, sender_id)
    found = db.session.scalar(select(Campaign.id).where(Campaign.workspace_id == workspace.id,
                                                        Campaign.id.not_in(others)).order_by(Campaign.id))
    if found is not None:
        return found
    campaign = Campaign(workspace_id=workspace.id, name="Spring guest posts", kind="guest_post", status="active",
                        currency="USD", description="Made by the outreach demo.")
    db.session.add(campaign)
    db.session.flush()
    return campaign.id


def _contacts(workspace: Workspace) -> list[Contact]:
    """The demo's own contacts, each at its own .example site, made unless the workspace has them."""
    for domain, email, first, last in DEMO_SITES:
        if db.session.scalar(select(Contact.id).where(Contact.workspace_id == workspace.id, Contact.email == email)):
            continue
        site = db.session.scalar(select(Site).where(Site.workspace_id == workspace.id, Site.domain == domain))
        if site is None:
            site = Site(workspace_id=workspace.id, domain=domain, homepage=f"https://{domain}/")
            db.session.add(site)
        db.session.add(Contact(workspace_id=workspace.id, site=site, email=email, first_name=first, last_name=last,
                               is_role_address=not first, source="demo"))
    db.session.flush()
    return list(db.session.scalars(select(Contact).where(
        Contact.workspace_id == workspace.id, Contact.email.in_([e for _, e, _, _ in DEMO_SITES])
    ).order_by(Contact.id)))


def _recipients(workspace: Workspace, campaign_id: int) -> list[Recipient]:
    """The cards to pitch with a contact; when there are none, every card with a contact."""
    found = with_contact(workspace.id, campaign_id)
    if found:
        return found
    rows = db.session.execute(select(Opportunity.id, Opportunity.contact_id, Opportunity.site_id).where(
        Opportunity.campaign_id == campaign_id, Opportunity.contact_id.is_not(None)).order_by(Opportunity.id))
    return [Recipient(opp_id, contact_id, site_id) for opp_id, contact_id, site_id in rows]


def _people(workspace: Workspace, campaign_id: int) -> list[Addressee]:
    """The campaign's mailable people, topped up with the demo's own contacts, as outreach takes them."""
    people = []
    for recipient in _recipients(workspace, campaign_id):
        contact = db.session.get(Contact, recipient.contact_id)
        if contact is not None and contact.status == "ok" and contact.site.status == "active":
            people.append((contact, recipient))
    if len(people) < PEOPLE:
        taken = {c.id for c, _ in people}
        people += [(c, Recipient(None, c.id, c.site_id)) for c in _contacts(workspace) if c.id not in taken]
    found = []
    for contact, recipient in people[:PEOPLE]:
        context = {"page_title": f"10 easy wins for {contact.site.domain.split('.')[0]} readers", **recipient.context}
        merged = merged_context(contact, Recipient(recipient.opportunity_id, contact.id, contact.site_id, context))
        found.append(Addressee(recipient.opportunity_id, contact.id, contact.site_id, contact.email, contact.name,
                               contact.timezone, merged))
    return found


@demo_step("outreach")
def demo_outreach(workspace: Workspace) -> dict[str, int]:
    """Add outreach demo data for a campaign of the workspace; returns counts of what was made."""
    kit = outreach_demo.prepare(workspace)
    campaign_id = _campaign_id(workspace, kit.sender.id)
    return outreach_demo.fill(workspace, kit, campaign_id, _people(workspace, campaign_id))
