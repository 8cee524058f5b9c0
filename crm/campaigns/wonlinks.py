"""Recording the link a Won card won: what the form starts from, and handing it to links to add and verify."""

from __future__ import annotations

from crm.campaigns.models import Opportunity
from crm.campaigns.services import CampaignError
from crm.links.bulkinput import InputError
from crm.links.recording import record_won_link

RECORDABLE_STAGES = ("won", "live")


def prefill(opportunity: Opportunity) -> dict[str, str]:
    """The form's starting values: the site's address, the card's (or campaign's first) target page and anchor."""
    page = opportunity.target_page or (opportunity.campaign.target_pages[0] if opportunity.campaign.target_pages
                                       else None)
    anchors = list(page.anchors or []) if page is not None else []
    return {"source_url": f"https://{opportunity.site.domain}/", "target_url": page.url if page else "",
            "expected_anchor": anchors[0] if anchors else "", "expected_rel": ""}


def record_link(opportunity: Opportunity, values: dict[str, str], *, user_id: int | None = None):
    """Add the won link tied to this opportunity, its site and campaign, and verify it now; CampaignError if not."""
    if opportunity.stage not in RECORDABLE_STAGES:
        raise CampaignError("Only a won opportunity's link can be recorded; move the card to Won first.")
    try:
        return record_won_link(opportunity.workspace_id, opportunity.id, values,
                               site_domain=opportunity.site.domain, user_id=user_id)
    except InputError as exc:
        message = str(exc)
        raise CampaignError(f"{message[:1].upper()}{message[1:]}.") from exc
