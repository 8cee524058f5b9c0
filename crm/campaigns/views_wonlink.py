"""Record the link: the short form a Won card opens, which adds the backlink tied to the card and verifies it."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from crm.accounts.current import get_scoped_or_404, require_role
from crm.campaigns import forms, wonlinks
from crm.campaigns.models import Opportunity
from crm.campaigns.services import CampaignError
from crm.campaigns.views import actor, bp


@bp.route("/campaigns/opportunities/<int:opportunity_id>/record-link", methods=["GET", "POST"])
@require_role("member")
def record_link(opportunity_id: int):
    """Paste the live URL of a won link; saving adds the backlink and verifies it at once."""
    opportunity = get_scoped_or_404(Opportunity, opportunity_id)
    form = forms.RecordLinkForm()
    status = 200
    if not form.is_submitted():
        form.process(data=wonlinks.prefill(opportunity))
    elif form.validate_on_submit():
        values = {name: getattr(form, name).data or "" for name in
                  ("source_url", "target_url", "expected_anchor", "expected_rel")}
        try:
            backlink, _run = wonlinks.record_link(opportunity, values, user_id=actor()[1])
        except CampaignError as exc:
            form.source_url.errors = [*form.source_url.errors, str(exc)]
            status = 400
        else:
            flash(f"Link recorded and verified: {backlink.status.replace('_', ' ')}.", "success")
            return redirect(url_for("links.backlink", backlink_id=backlink.id))
    else:
        status = 400
    return render_template("campaigns/record_link.html", opportunity=opportunity, campaign=opportunity.campaign,
                           form=form), status
