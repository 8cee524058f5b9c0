"""Opportunity pages: the card's details and timeline, moving it, editing it, its tasks; and campaign costs."""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from sqlalchemy import select

from crm import timeline
from crm.accounts.current import get_scoped_or_404, require_role
from crm.accounts.forms import ActionForm
from crm.campaigns import board, costs, forms, money, personal, pipeline, services, stages, tasklist
from crm.campaigns.models import Campaign, Cost, Opportunity
from crm.campaigns.services import CampaignError
from crm.campaigns.views import actor, bp
from crm.extensions import db
from crm.prospects import fielddefs
from crm.prospects.models import Contact
from crm.prospects.views_fields import save_values
from crm.security import safe_next


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _opportunity_form(opportunity: Opportunity, *, submitted: bool = False) -> forms.OpportunityForm:
    """The edit form, bound to the posted data when `submitted`, else filled from the opportunity."""
    form = forms.OpportunityForm(obj=opportunity) if submitted else forms.OpportunityForm(None, obj=opportunity)
    contacts = db.session.scalars(select(Contact).where(Contact.site_id == opportunity.site_id).order_by(Contact.id))
    form.contact_id.choices = forms.choices([("", "No contact")] + [
        (str(c.id), f"{c.name + ' · ' if c.name else ''}{c.email}{' (role address)' if c.is_role_address else ''}"
                    f"{'' if c.status == 'ok' else ' — ' + c.status.replace('_', ' ')}")
        for c in contacts
    ])
    form.owner_id.choices = forms.people_choices(services.members(opportunity.workspace_id))
    form.target_page_id.choices = forms.choices(
        [("", "None chosen")] + [(str(p.id), p.url) for p in opportunity.campaign.target_pages]
    )
    if not submitted:
        form.price.data = money.cents_to_text(opportunity.price_cents)
        if opportunity.price_cents is None:  # nothing agreed yet: the campaign's currency is the default
            form.currency.data = opportunity.campaign.currency
        form.term.data = "until" if opportunity.term_until else "permanent"
    return form


def _task_form(workspace_id: int, opportunity: Opportunity | None = None, *, submitted: bool = False):
    """A new task's form, bound to the posted data when `submitted`, else suggesting the card's owner."""
    form = forms.TaskForm() if submitted else forms.TaskForm(None)
    form.assignee_id.choices = forms.people_choices(services.members(workspace_id))
    if not submitted and opportunity is not None:
        form.assignee_id.data = opportunity.owner_id
    return form


@bp.get("/campaigns/opportunities/<int:opportunity_id>")
@require_role("viewer")
def show_opportunity(opportunity_id: int, form=None, task_form=None):
    """One opportunity: its details, stage control, tasks, and the timeline of it and its site."""
    opportunity = get_scoped_or_404(Opportunity, opportunity_id)
    return render_template(
        "campaigns/opportunity.html",
        opportunity=opportunity,
        campaign=opportunity.campaign,
        form=form or _opportunity_form(opportunity),
        task_form=task_form or _task_form(opportunity.workspace_id, opportunity),
        move_form=forms.MoveForm(stage=opportunity.stage),
        tasks=tasklist.open_tasks(opportunity.workspace_id, opportunity_id=opportunity.id),
        events=timeline.for_opportunity(opportunity.workspace_id, opportunity.id),
        site_events=timeline.for_site(opportunity.workspace_id, opportunity.site_id, limit=30),
        custom=fielddefs.shown_values(opportunity.workspace_id, "opportunity", opportunity),
        custom_form=ActionForm(), personal_limits=(personal.MAX_LINE, personal.MAX_PS),
    )


@bp.post("/campaigns/opportunities/<int:opportunity_id>/custom")
@require_role("member")
def save_opportunity_fields(opportunity_id: int):
    """Save the card's custom field values, each checked by its type; nothing is saved when one is refused."""
    opportunity = get_scoped_or_404(Opportunity, opportunity_id)
    return save_values("opportunity", opportunity,
                       url_for("campaigns.show_opportunity", opportunity_id=opportunity.id) + "#custom-fields")


@bp.post("/campaigns/opportunities/<int:opportunity_id>/move")
@require_role("member")
def move_opportunity(opportunity_id: int):
    """Move a card to a stage: from the board's drag and drop (JSON) or its stage select (a plain form)."""
    opportunity = get_scoped_or_404(Opportunity, opportunity_id)
    form = forms.MoveForm()
    back = safe_next(form.next.data, url_for("campaigns.show_campaign", campaign_id=opportunity.campaign_id))
    error, status = None, 200
    if not form.validate_on_submit():
        error, status = "Choose a stage.", 400
    else:
        role, user_id = actor()
        try:
            pipeline.move(opportunity, form.stage.data, role=role, actor_id=user_id, after_id=form.after_id.data)
        except CampaignError as exc:
            error, status = str(exc), 403
    if _wants_json():
        if error:
            return jsonify(ok=False, error=error), status
        numbers = services.numbers_for([opportunity.campaign])[opportunity.campaign_id]
        return jsonify(ok=True, id=opportunity.id, stage=opportunity.stage, stage_label=stages.label(opportunity.stage),
                       counts=board.stage_counts(opportunity.campaign_id),
                       numbers={k: numbers[k] for k in ("prospects", "pitched", "replied", "won", "live")})
    if error:
        flash(error, "danger")
    else:
        flash(f"{opportunity.site.domain} is now {stages.label(opportunity.stage)}.", "success")
    return redirect(back)


@bp.post("/campaigns/opportunities/<int:opportunity_id>")
@require_role("member")
def save_opportunity(opportunity_id: int):
    """Save the contact, owner, target page, next action, notes and paid-placement terms."""
    opportunity = get_scoped_or_404(Opportunity, opportunity_id)
    form = _opportunity_form(opportunity, submitted=True)
    if form.validate_on_submit():
        role, user_id = actor()
        values = pipeline.OpportunityValues(
            contact_id=form.contact_id.data, owner_id=form.owner_id.data, target_page_id=form.target_page_id.data,
            next_action_on=form.next_action_on.data, notes=form.notes.data or "", price_cents=form.price.cents,
            currency=form.currency.data, payment_status=form.payment_status.data,
            term_until=form.term_until.data if form.term.data == "until" else None,
        )
        try:
            pipeline.update_opportunity(opportunity, values, role=role, actor_id=user_id)
        except CampaignError as exc:
            flash(str(exc), "danger")
        else:
            flash("Opportunity saved.", "success")
            return redirect(url_for("campaigns.show_opportunity", opportunity_id=opportunity.id))
    return show_opportunity(opportunity.id, form=form), 400


@bp.post("/campaigns/opportunities/<int:opportunity_id>/tasks")
@require_role("member")
def add_opportunity_task(opportunity_id: int):
    """A task about this opportunity, due on a date, for someone."""
    opportunity = get_scoped_or_404(Opportunity, opportunity_id)
    form = _task_form(opportunity.workspace_id, submitted=True)
    if form.validate_on_submit():
        try:
            tasklist.create_task(opportunity.workspace_id, title=form.title.data, actor_id=actor()[1],
                                 due_on=form.due_on.data, assignee_id=form.assignee_id.data,
                                 opportunity=opportunity, notes=form.notes.data)
        except CampaignError as exc:
            flash(str(exc), "danger")
        else:
            flash("Task added.", "success")
            return redirect(url_for("campaigns.show_opportunity", opportunity_id=opportunity.id))
    return show_opportunity(opportunity.id, task_form=form), 400


@bp.get("/campaigns/<int:campaign_id>/costs")
@require_role("viewer")
def campaign_costs(campaign_id: int, form=None):
    """What the campaign spent: paid placements, other costs, and cost per won and live link."""
    campaign = get_scoped_or_404(Campaign, campaign_id)
    if form is None:
        form = forms.CostForm(currency=campaign.currency)
    return render_template(
        "campaigns/costs.html", campaign=campaign, form=form, costs=costs.costs_of(campaign.id),
        placements=costs.paid_placements(campaign.id), numbers=services.numbers_for([campaign])[campaign.id],
        action_form=forms.ActionForm(),
    )


@bp.post("/campaigns/<int:campaign_id>/costs")
@require_role("member")
def add_cost(campaign_id: int):
    """Record money spent on the campaign (its owner or an admin)."""
    campaign = get_scoped_or_404(Campaign, campaign_id)
    form = forms.CostForm()
    if form.validate_on_submit():
        role, user_id = actor()
        try:
            costs.add_cost(campaign, amount_cents=form.amount.cents, currency=form.currency.data,
                           description=form.description.data, spent_on=form.spent_on.data, opportunity_id=None,
                           role=role, actor_id=user_id)
        except CampaignError as exc:
            flash(str(exc), "danger")
        else:
            flash("Cost recorded.", "success")
            return redirect(url_for("campaigns.campaign_costs", campaign_id=campaign.id))
    return campaign_costs(campaign.id, form=form), 400


@bp.post("/campaigns/costs/<int:cost_id>/delete")
@require_role("member")
def delete_cost(cost_id: int):
    """Remove a cost recorded by mistake."""
    cost = get_scoped_or_404(Cost, cost_id)
    campaign_id = cost.campaign_id
    if forms.ActionForm().validate_on_submit():
        role, user_id = actor()
        try:
            costs.delete_cost(cost, role=role, actor_id=user_id)
        except CampaignError as exc:
            flash(str(exc), "danger")
        else:
            flash("Cost removed.", "info")
    return redirect(url_for("campaigns.campaign_costs", campaign_id=campaign_id))
