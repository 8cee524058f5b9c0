"""Who a campaign's outreach sequence goes to: its not-yet-pitched cards, and their merge fields.

The launch (crm.campaigns.launching) takes them from here and hands them down to outreach. Each recipient
carries the fields only campaigns knows: the target page we want a link to, the anchor we would like, and the
card's personal first line and P.S. Cards without a contact are listed too (with no contact id), so the launch
checklist can say it skips them. The template preview, the dry render and the demo take those with a contact.
"""

from __future__ import annotations

from sqlalchemy import select

from crm.campaigns.models import Campaign, Opportunity, TargetPage
from crm.extensions import db
from crm.outreach import recipients as outreach_recipients
from crm.prospects.models import Site

# Cards a first pitch is for: later stages have been pitched already, closed ones must not be mailed.
PITCHABLE_STAGES = ("prospect",)


def _context(page: TargetPage | None, site: Site, custom: dict | None = None, line: str = "", ps: str = "") -> dict[
    str, str
]:
    context = {"page_url": site.homepage or f"https://{site.domain}/", "site_domain": site.domain,
               "personal_line": (line or "").strip(), "personal_ps": (ps or "").strip()}
    for key, value in (custom or {}).items():  # the card's own custom fields; contact and site ones come from outreach
        if isinstance(key, str) and value is not None:
            context[f"opportunity.custom.{key}"] = str(value)
    if page is not None:
        context["target_url"] = page.url
        if page.anchors:
            context["anchor_text"] = str(page.anchors[0])
    return context


def campaign_recipients(workspace_id: int, campaign_id: int) -> list[outreach_recipients.Recipient]:
    """The campaign's prospects in board order, each with its merge fields (contact id None where it has none)."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or campaign.workspace_id != workspace_id:
        return []
    pages = {page.id: page for page in campaign.target_pages}
    default_page = campaign.target_pages[0] if campaign.target_pages else None
    rows = db.session.execute(
        select(Opportunity.id, Opportunity.contact_id, Opportunity.site_id, Opportunity.target_page_id,
               Opportunity.custom_fields, Opportunity.personal_line, Opportunity.personal_ps, Site)
        .join(Site, Site.id == Opportunity.site_id)
        .where(
            Opportunity.campaign_id == campaign_id,
            Opportunity.workspace_id == workspace_id,
            Opportunity.stage.in_(PITCHABLE_STAGES),
        )
        .order_by(Opportunity.position, Opportunity.id)
    )
    return [
        outreach_recipients.Recipient(
            opportunity_id, contact_id, site_id, _context(pages.get(page_id, default_page), site, custom, line, ps)
        )
        for opportunity_id, contact_id, site_id, page_id, custom, line, ps, site in rows
    ]


def with_contact(workspace_id: int, campaign_id: int) -> list[outreach_recipients.Recipient]:
    """The campaign's recipients that have a contact, in board order."""
    return [r for r in campaign_recipients(workspace_id, campaign_id) if r.contact_id is not None]
