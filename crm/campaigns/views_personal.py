"""Personal lines: the table for writing them card after card, and saving one (from the table or the card)."""

from __future__ import annotations

import json

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_wtf.csrf import generate_csrf

from crm.accounts.current import get_scoped_or_404, require_role
from crm.accounts.forms import ActionForm
from crm.campaigns import personal, services
from crm.campaigns.models import Campaign, Opportunity
from crm.campaigns.services import CampaignError
from crm.campaigns.views import actor, bp


def _table_url(campaign_id: int, only_empty: bool, page: int = 1, anchor: int | None = None) -> str:
    url = url_for("campaigns.personal_lines", campaign_id=campaign_id, empty="1" if only_empty else None,
                  page=page if page > 1 else None)
    return url + (f"#line-{anchor}" if anchor else "")


@bp.get("/campaigns/<int:campaign_id>/personal")
@require_role("viewer")
def personal_lines(campaign_id: int):
    """The campaign's unpitched cards, each with its prospect beside a personal line and P.S. to write."""
    campaign = get_scoped_or_404(Campaign, campaign_id)
    only_empty = request.args.get("empty") == "1"
    page = max(request.args.get("page", 1, type=int), 1)
    total, empty = personal.counts(campaign.id)
    rows = personal.cards(campaign.id, only_empty=only_empty, page=page)
    shown = empty if only_empty else total
    return render_template(
        "campaigns/personal.html", campaign=campaign, rows=rows, total=total, empty=empty, only_empty=only_empty,
        page=page, pages=max((shown + personal.PER_PAGE - 1) // personal.PER_PAGE, 1), token=generate_csrf(),
        table_url=_table_url, numbers=services.numbers_for([campaign])[campaign.id],
        max_line=personal.MAX_LINE, max_ps=personal.MAX_PS,
    )


def _row_response(opportunity: Opportunity, *, error: str = "", status: int = 200):
    """The saved row for htmx, with the next card without a line announced to the table's script."""
    row = personal.card(opportunity.campaign_id, opportunity.id)
    html = render_template("campaigns/_personal_row.html", c=row, token=generate_csrf(), error=error,
                           only_empty=request.form.get("empty") == "1",
                           max_line=personal.MAX_LINE, max_ps=personal.MAX_PS, saved=not error)
    response = make_response(html, status)
    if not error:
        following = personal.next_empty(opportunity.campaign_id, opportunity)
        response.headers["HX-Trigger-After-Settle"] = json.dumps({"personal-saved": {
            "next": following, "empty": personal.counts(opportunity.campaign_id)[1],
            "url": _table_url(opportunity.campaign_id, True, personal.page_of(opportunity.campaign_id, following, True),
                              following) if following else "",
        }})
    return response


@bp.post("/campaigns/opportunities/<int:opportunity_id>/personal")
@require_role("member")
def save_personal(opportunity_id: int):
    """Save the card's personal line and P.S.; from the table, the next card without a line comes next."""
    opportunity = get_scoped_or_404(Opportunity, opportunity_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    from_table = request.form.get("from") == "table"
    role, user_id = actor()
    try:
        personal.save(opportunity, request.form.get("personal_line"), request.form.get("personal_ps"),
                      role=role, actor_id=user_id)
    except CampaignError as exc:
        if request.headers.get("HX-Request"):
            return _row_response(opportunity, error=str(exc), status=422)
        flash(f"Not saved: {exc}", "danger")
        error = True
    else:
        if request.headers.get("HX-Request"):
            return _row_response(opportunity)
        flash(f"Personal line for {opportunity.site.domain} saved.", "success")
        error = False
    if not from_table:
        return redirect(url_for("campaigns.show_opportunity", opportunity_id=opportunity.id) + "#personal")
    anchor = opportunity.id if error else personal.next_empty(opportunity.campaign_id, opportunity)
    only_empty = request.form.get("empty") == "1"
    page = personal.page_of(opportunity.campaign_id, anchor, only_empty) if anchor else 1
    return redirect(_table_url(opportunity.campaign_id, only_empty, page, anchor))
