"""Campaign pages: the list, creating and editing, the board, the table with bulk changes, and adding sites."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy import func, select

from crm.accounts.current import current_membership, current_workspace, get_scoped_or_404, require_role, scoped
from crm.campaigns import board, export, forms, guards, money, pipeline, services, stages, tasklist
from crm.campaigns.models import CAMPAIGN_KINDS, CAMPAIGN_STATUSES, STAGES, Campaign
from crm.campaigns.services import KIND_LABELS, CampaignError
from crm.campaigns.targets import format_targets
from crm.db import utcnow
from crm.extensions import db
from crm.prospects.models import Site
from crm.prospects.views import csv_response
from crm.security import safe_next

bp = Blueprint("campaigns", __name__)
KIND_CHOICES = forms.choices((kind, KIND_LABELS[kind]) for kind in CAMPAIGN_KINDS)


@bp.app_context_processor
def _helpers():
    """Helpers the campaign templates (and partials other pages include) use."""
    return {"campaign_money": money.format_money, "stage_label": stages.label, "kind_label": KIND_LABELS.get}


@bp.context_processor
def _page_helpers():
    membership = current_membership()
    role = membership.role if membership else None
    user_id = current_user.get_id() and int(current_user.get_id())
    return {
        "stages": STAGES,
        "today": utcnow().date(),
        "may_work": lambda owner_id: guards.may_work(role, user_id, owner_id),
    }


def card_context(campaign: Campaign) -> dict:
    """What every board card shares, made once per page: the CSRF token, link prefix and stage options."""
    option = Markup('<option value="{}"{}>{}</option>')
    selected = Markup(" selected")
    options = {
        current: Markup("").join(
            option.format(stage, selected if stage == current else "", stages.label(stage)) for stage in STAGES
        )
        for current in STAGES
    }
    return {
        "token": generate_csrf(),
        "prefix": url_for("campaigns.show_opportunity", opportunity_id=1)[:-1],  # + the id: no url_for per card
        "next": url_for("campaigns.show_campaign", campaign_id=campaign.id),
        "options": options,
    }


def actor() -> tuple[str, int]:
    """The signed-in person's role here and their user id."""
    return current_membership().role, int(current_user.get_id())


@bp.get("/campaigns")
@require_role("viewer")
def list_campaigns():
    """Every campaign of the workspace with its numbers."""
    status = request.args.get("status", "")
    query = scoped(Campaign).order_by(Campaign.status == "finished", Campaign.created_at.desc())
    if status in CAMPAIGN_STATUSES:
        query = query.where(Campaign.status == status)
    page = db.paginate(query, page=request.args.get("page", 1, type=int), per_page=25, error_out=False)
    numbers = services.numbers_for(list(page.items))
    return render_template("campaigns/list.html", page=page, numbers=numbers, status=status,
                           statuses=CAMPAIGN_STATUSES)


def _campaign_form(campaign: Campaign | None = None) -> forms.CampaignForm:
    form = forms.CampaignForm(obj=campaign)
    form.kind.choices = KIND_CHOICES
    form.owner_id.choices = forms.people_choices(services.members(current_workspace().id), "No owner")
    if campaign is not None and request.method == "GET":
        form.budget.data = money.cents_to_text(campaign.budget_cents)
        form.target_pages.data = format_targets([(p.url, p.anchors) for p in campaign.target_pages])
    elif campaign is None and request.method == "GET":
        form.owner_id.data = int(current_user.get_id())
    return form


def _values(form: forms.CampaignForm) -> services.CampaignValues:
    return services.CampaignValues(
        name=form.name.data, kind=form.kind.data, status=form.status.data, goal_links=form.goal_links.data,
        budget_cents=form.budget.cents, currency=form.currency.data, starts_on=form.starts_on.data,
        ends_on=form.ends_on.data, owner_id=form.owner_id.data, description=form.description.data or "",
        targets=form.parsed_targets,
    )


@bp.route("/campaigns/new", methods=["GET", "POST"])
@require_role("member")
def new_campaign():
    """Plan a campaign: what kind, which pages of ours, how many links, for how much."""
    form = _campaign_form()
    if form.validate_on_submit():
        try:
            campaign = services.create_campaign(current_workspace().id, _values(form), int(current_user.get_id()))
        except CampaignError as exc:
            flash(str(exc), "danger")
        else:
            flash(f"Campaign {campaign.name} created. Add prospects to start the board.", "success")
            return redirect(url_for("campaigns.show_campaign", campaign_id=campaign.id))
    return render_template("campaigns/form.html", form=form, campaign=None), 400 if form.errors else 200


@bp.route("/campaigns/<int:campaign_id>/edit", methods=["GET", "POST"])
@require_role("member")
def edit_campaign(campaign_id: int):
    """Change a campaign's settings, status and target pages (its owner, or an admin)."""
    campaign = get_scoped_or_404(Campaign, campaign_id)
    role, user_id = actor()
    if not guards.may_work(role, user_id, campaign.owner_id):
        abort(403)
    form = _campaign_form(campaign)
    if form.validate_on_submit():
        try:
            services.update_campaign(campaign, _values(form))
        except CampaignError as exc:
            flash(str(exc), "danger")
        else:
            flash("Campaign saved.", "success")
            return redirect(url_for("campaigns.show_campaign", campaign_id=campaign.id))
    return render_template("campaigns/form.html", form=form, campaign=campaign), 400 if form.errors else 200


@bp.get("/campaigns/<int:campaign_id>")
@require_role("viewer")
def show_campaign(campaign_id: int):
    """The campaign's numbers at the top and its board of opportunities below."""
    campaign = get_scoped_or_404(Campaign, campaign_id)
    numbers = services.numbers_for([campaign])[campaign.id]
    return render_template(
        "campaigns/show.html", campaign=campaign, numbers=numbers, per_column=board.PER_COLUMN,
        columns=board.columns(campaign, counts=numbers["by_stage"]),
        tasks=tasklist.open_tasks(campaign.workspace_id, campaign_id=campaign.id, limit=10),
        ctx=card_context(campaign),
    )


@bp.get("/campaigns/<int:campaign_id>/column/<stage>")
@require_role("viewer")
def board_column(campaign_id: int, stage: str):
    """More cards of one board column (htmx); without scripts, the table filtered to that stage."""
    campaign = get_scoped_or_404(Campaign, campaign_id)
    if stage not in STAGES:
        abort(404)
    if not request.headers.get("HX-Request"):
        return redirect(url_for("campaigns.table_view", campaign_id=campaign.id, stage=stage))
    offset = max(request.args.get("offset", 0, type=int), 0)
    cards = board.column_cards(campaign.id, stage, offset)
    total = board.stage_counts(campaign.id)[stage]
    return render_template("campaigns/_more_cards.html", campaign=campaign, stage=stage, cards=cards,
                           offset=offset + len(cards), total=total, ctx=card_context(campaign))


def _filters() -> board.TableFilters:
    return board.TableFilters(stage=request.args.get("stage", ""), owner=request.args.get("owner", ""),
                              q=request.args.get("q", "")[:100], overdue=request.args.get("overdue") == "1")


@bp.get("/campaigns/<int:campaign_id>/table")
@require_role("viewer")
def table_view(campaign_id: int):
    """The campaign's opportunities as a filtered, paginated table with bulk stage and owner changes."""
    campaign = get_scoped_or_404(Campaign, campaign_id)
    filters = _filters()
    per_page = request.args.get("per_page", board.PER_PAGE, type=int)
    page = board.table(campaign.id, filters, user_id=int(current_user.get_id()),
                       page=request.args.get("page", 1, type=int),
                       per_page=per_page if per_page in board.PAGE_SIZES else board.PER_PAGE)
    bulk = forms.BulkForm(next=request.full_path.rstrip("?"))
    people = services.members(campaign.workspace_id)
    bulk.owner_id.choices = forms.people_choices(people)
    return render_template("campaigns/table.html", campaign=campaign, page=page, filters=filters, bulk=bulk,
                           page_sizes=board.PAGE_SIZES,
                           people=people, numbers=services.numbers_for([campaign])[campaign.id])


@bp.get("/campaigns/<int:campaign_id>/table/export")
@require_role("viewer")
def export_table(campaign_id: int):
    """The opportunities the table's filters show, with their custom fields, as a spreadsheet-safe CSV file."""
    campaign = get_scoped_or_404(Campaign, campaign_id)
    chunks = export.csv_for_table(campaign.workspace_id, campaign.id, _filters(), int(current_user.get_id()))
    return csv_response(chunks, "opportunities")


@bp.post("/campaigns/<int:campaign_id>/bulk")
@require_role("member")
def bulk_change(campaign_id: int):
    """Move the ticked opportunities to a stage, or give them an owner: all or nothing."""
    campaign = get_scoped_or_404(Campaign, campaign_id)
    form = forms.BulkForm()
    back = safe_next(form.next.data, url_for("campaigns.table_view", campaign_id=campaign.id))
    if not form.validate_on_submit():
        flash("Choose what to change.", "danger")
        return redirect(back)
    try:
        ids = [int(i) for i in request.form.getlist("opportunity_ids")]
    except ValueError:
        abort(400)
    role, user_id = actor()
    try:
        if form.action.data == "stage":
            changed = pipeline.bulk_move(campaign.id, ids, form.stage.data, role=role, actor_id=user_id)
            flash(f"Moved {changed} to {stages.label(form.stage.data)}.", "success")
        else:
            changed = pipeline.bulk_assign(campaign.id, ids, form.owner_id.data, role=role,
                                                      actor_id=user_id)
            flash(f"Changed the owner of {changed}.", "success")
    except CampaignError as exc:
        flash(str(exc), "danger")
    return redirect(back)


@bp.get("/campaigns/<int:campaign_id>/prospects")
@require_role("member")
def pick_sites(campaign_id: int):
    """Search the workspace's sites by domain and tick the ones to add to this campaign."""
    campaign = get_scoped_or_404(Campaign, campaign_id)
    q = request.args.get("q", "")[:100]
    found = board.find_sites(campaign.workspace_id, campaign.id, q)
    total_sites = db.session.scalar(select(func.count()).select_from(scoped(Site).subquery()))
    form = forms.AddSitesForm(campaign_id=campaign.id,
                              next=url_for("campaigns.show_campaign", campaign_id=campaign.id))
    sites_list = "prospects.list_sites" in current_app.view_functions
    return render_template("campaigns/pick_sites.html", campaign=campaign, q=q, found=found, form=form,
                           total_sites=total_sites, recontact_days=current_workspace().recontact_days,
                           sites_list_url=url_for("prospects.list_sites") if sites_list else None)


@bp.post("/campaigns/add-sites")
@require_role("member")
def add_sites():
    """Add the ticked sites to a campaign behind the guards, then say what was added and what was skipped."""
    form = forms.AddSitesForm()
    if not form.validate_on_submit():
        flash("Choose the campaign to add the sites to.", "danger")
        return redirect(safe_next(form.next.data, url_for("campaigns.list_campaigns")))
    campaign = get_scoped_or_404(Campaign, form.campaign_id.data)
    back = safe_next(form.next.data, url_for("campaigns.show_campaign", campaign_id=campaign.id))
    try:
        site_ids = [int(i) for i in request.form.getlist("site_ids")]
    except ValueError:
        flash("The selected sites could not be read. Reload the page and try again.", "danger")
        return redirect(back)
    try:
        result = services.add_sites(current_workspace().id, campaign.id, site_ids, int(current_user.get_id()))
    except CampaignError as exc:
        flash(str(exc), "danger")
        return redirect(back)
    added = len(result.added)
    flash(f"Added {added} site{'' if added == 1 else 's'} to {campaign.name}.", "success" if added else "info")
    if result.skipped:
        flash(services.skipped_text(result), "warning")
    return redirect(back)
