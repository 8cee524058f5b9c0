"""Backlink pages: the list with filters and export, one backlink's evidence and score, adding and importing."""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, Response, flash, redirect, render_template, request, stream_with_context, url_for
from flask_login import current_user
from sqlalchemy import select

from crm.accounts import audit
from crm.accounts.current import current_workspace, get_scoped_or_404, require_role
from crm.accounts.forms import ActionForm
from crm.csvexport import iter_csv
from crm.extensions import db
from crm.links import backlinks as service
from crm.links import lookups, recording, wording
from crm.links.bulkinput import BacklinkInput, InputError, make_row, parse_csv, parse_pasted
from crm.links.forms import BacklinkForm, ImportForm, campaign_choices, opportunity_choices
from crm.links.models import Backlink, LinkAlert, LinkCheck, LinkVerifyRun

bp = Blueprint("links", __name__)
PER_PAGE = 50


def _filters() -> dict:
    args = request.values
    campaign = args.get("campaign", "")
    return {
        "status": args.get("status", "") if args.get("status", "") in service.STATUS_FILTERS else "",
        "campaign_id": int(campaign) if campaign.isdigit() else None,
        "site": args.get("site", "")[:253],
        "q": args.get("q", "")[:200],
        "sort": args.get("sort", "newest"),
    }


def launch(workspace_id: int, ids: list[int]) -> LinkVerifyRun:
    """Record a "verify now" run and queue it (it runs at once when tasks are immediate)."""
    return recording.verify_now(workspace_id, ids, current_user.get_id() and int(current_user.get_id()))


def _campaign_choices(workspace_id: int) -> list:
    return campaign_choices(lookups.campaign_choices(workspace_id))


def _link_choices(form: BacklinkForm, workspace_id: int, keep: int | None = None) -> None:
    form.campaign_id.choices = _campaign_choices(workspace_id)
    form.opportunity_id.choices = opportunity_choices(lookups.opportunity_choices(workspace_id, keep))


@bp.get("/backlinks")
@require_role("viewer")
def list_backlinks():
    """Every tracked backlink, filtered, a page at a time."""
    workspace = current_workspace()
    filters = _filters()
    page = db.paginate(service.filtered(workspace.id, **filters), page=request.args.get("page", 1, type=int),
                       per_page=PER_PAGE, error_out=False)
    names = lookups.campaign_names(workspace.id, {b.campaign_id for b in page.items})
    total = db.session.scalar(select(db.func.count()).select_from(Backlink)
                              .where(Backlink.workspace_id == workspace.id))
    return render_template(
        "links/list.html", page=page, filters=filters, campaign_names=names, total=total,
        campaigns=lookups.campaign_choices(workspace.id), statuses=service.STATUS_FILTERS,
        unread=service.unread_alerts(workspace.id), action_form=ActionForm(), words=wording,
    )


@bp.get("/backlinks/export.csv")
@require_role("viewer")
def export_backlinks():
    """The filtered list as a spreadsheet-safe CSV file."""
    workspace = current_workspace()
    rows = service.export_rows(workspace.id, service.filtered(workspace.id, **_filters()))
    audit.record(workspace.id, "export", detail={"file": "backlinks.csv"}, commit=True)
    body = stream_with_context(iter_csv(rows, service.EXPORT_COLUMNS))
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="backlinks.csv"'})


def _row_from(form: BacklinkForm) -> BacklinkInput:
    """Validated values of the one-backlink form; InputError names the problem."""
    row = make_row({"source_url": form.source_url.data, "target_url": form.target_url.data,
                    "expected_anchor": form.expected_anchor.data or "", "expected_rel": form.expected_rel.data,
                    "acquisition": form.self_kind.data if form.acquisition.data == "self_created"
                    and form.self_kind.data else form.acquisition.data, "cost": form.cost.data or ""}, None)
    currency = (form.currency.data or row.currency or "").upper()  # blank: the campaign's currency
    return replace(row, currency=currency, placed_on=form.placed_on.data)


@bp.route("/backlinks/new", methods=["GET", "POST"])
@require_role("member")
def new_backlink():
    """Add one backlink by hand."""
    workspace = current_workspace()
    form = BacklinkForm()
    _link_choices(form, workspace.id)
    if form.validate_on_submit():
        try:
            backlink = service.add_backlink(workspace.id, _row_from(form), campaign_id=form.campaign_id.data,
                                            opportunity_id=form.opportunity_id.data)
        except InputError as exc:
            form.source_url.errors = [*form.source_url.errors, f"{str(exc)[:1].upper()}{str(exc)[1:]}."]
        else:
            flash("Backlink added. Verify it now, or it is checked automatically within the hour.", "success")
            return redirect(url_for("links.backlink", backlink_id=backlink.id))
    return render_template("links/form.html", form=form, backlink=None)


@bp.route("/backlinks/<int:backlink_id>/edit", methods=["GET", "POST"])
@require_role("member")
def edit_backlink(backlink_id: int):
    """Change what we expect of a backlink."""
    backlink = get_scoped_or_404(Backlink, backlink_id)
    form = BacklinkForm(obj=backlink)
    _link_choices(form, backlink.workspace_id, keep=backlink.opportunity_id)
    if request.method == "GET":
        form.cost.data = f"{backlink.cost_cents / 100:.2f}" if backlink.cost_cents is not None else ""
        form.self_kind.data = backlink.self_kind or ""
    if form.validate_on_submit():
        try:
            service.update_backlink(backlink, _row_from(form), campaign_id=form.campaign_id.data,
                                    opportunity_id=form.opportunity_id.data)
        except InputError as exc:
            form.source_url.errors = [*form.source_url.errors, f"{str(exc)[:1].upper()}{str(exc)[1:]}."]
        else:
            flash("Backlink saved.", "success")
            return redirect(url_for("links.backlink", backlink_id=backlink.id))
    return render_template("links/form.html", form=form, backlink=backlink)


@bp.route("/backlinks/import", methods=["GET", "POST"])
@require_role("member")
def import_backlinks():
    """Add many backlinks from pasted lines or a CSV file; any bad row stops the whole import."""
    workspace = current_workspace()
    form = ImportForm()
    form.campaign_id.choices = _campaign_choices(workspace.id)
    errors: list[str] = []
    if form.validate_on_submit():
        defaults = BacklinkInput(source_url="", target_url="", acquisition=form.acquisition.data)
        upload = form.file.data
        if upload and upload.filename:
            parsed = parse_csv(upload.read(), defaults)
        elif (form.pasted.data or "").strip():
            parsed = parse_pasted(form.pasted.data, defaults)
        else:
            parsed = None
            errors = ["Paste some links or choose a CSV file."]
        if parsed is not None:
            errors = parsed.errors
            if not errors:
                try:
                    result = service.add_many(workspace.id, parsed.rows, campaign_id=form.campaign_id.data)
                except InputError as exc:
                    errors = [f"{exc}."]
                else:
                    flash(f"{len(result.added)} backlink(s) added, {len(result.skipped)} already tracked.",
                          "success")
                    for note in result.skipped[:10]:
                        flash(note, "info")
                    return redirect(url_for("links.list_backlinks"))
    return render_template("links/import.html", form=form, errors=errors)


@bp.post("/backlinks/verify")
@require_role("member")
def verify_many():
    """Verify the ticked backlinks (or every one matching the filters) now, with a progress page."""
    workspace = current_workspace()
    if not ActionForm().validate_on_submit():
        return redirect(url_for("links.list_backlinks"))
    if request.form.get("all") == "1":
        query = service.filtered(workspace.id, **_filters()).with_only_columns(Backlink.id).order_by(None)
        ids = list(db.session.scalars(query.limit(5000)))
    else:
        wanted = [int(v) for v in request.form.getlist("ids") if v.isdigit()][:5000]
        ids = list(db.session.scalars(select(Backlink.id).where(Backlink.workspace_id == workspace.id,
                                                                Backlink.id.in_(wanted))))
    if not ids:
        flash("Tick the backlinks to verify first.", "warning")
        return redirect(url_for("links.list_backlinks", **dict(request.args.items())))
    run = launch(workspace.id, ids)
    return redirect(url_for("links.run", run_id=run.id))


@bp.post("/backlinks/<int:backlink_id>/verify")
@require_role("member")
def verify_backlink(backlink_id: int):
    """Verify one backlink now."""
    backlink = get_scoped_or_404(Backlink, backlink_id)
    if ActionForm().validate_on_submit():
        run = launch(backlink.workspace_id, [backlink.id])
        return redirect(url_for("links.backlink", backlink_id=backlink.id, run=run.id))
    return redirect(url_for("links.backlink", backlink_id=backlink.id))


@bp.post("/backlinks/<int:backlink_id>/delete")
@require_role("member")
def delete_backlink(backlink_id: int):
    """Stop tracking a backlink."""
    backlink = get_scoped_or_404(Backlink, backlink_id)
    if ActionForm().validate_on_submit():
        service.delete_backlink(backlink)
        flash("Backlink deleted with its check history.", "success")
    return redirect(url_for("links.list_backlinks"))


@bp.get("/backlinks/<int:backlink_id>")
@require_role("viewer")
def backlink(backlink_id: int):
    """One backlink: status, evidence in words, quality score explained, check history, alerts."""
    row = get_scoped_or_404(Backlink, backlink_id)
    checks = list(db.session.scalars(select(LinkCheck).where(LinkCheck.backlink_id == row.id)
                                     .order_by(LinkCheck.checked_at.desc(), LinkCheck.id.desc()).limit(100)))
    alerts = list(db.session.scalars(select(LinkAlert).where(LinkAlert.backlink_id == row.id)
                                     .order_by(LinkAlert.created_at.desc()).limit(20)))
    run = None
    if request.args.get("run", "").isdigit():
        run = db.session.get(LinkVerifyRun, int(request.args["run"]))
        if run is None or run.workspace_id != row.workspace_id or run.finished:
            run = None
    return render_template(
        "links/detail.html", backlink=row, checks=checks, latest=checks[0] if checks else None, alerts=alerts,
        campaign_name=lookups.campaign_names(row.workspace_id, [row.campaign_id]).get(row.campaign_id),
        site_domain=lookups.site_domains(row.workspace_id, [row.site_id]).get(row.site_id),
        action_form=ActionForm(), words=wording, run=run,
    )
