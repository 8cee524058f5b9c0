"""The sites list: search, filters, sort, pages, bulk actions and CSV export."""

from __future__ import annotations

from urllib.parse import parse_qsl

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from crm.accounts import audit
from crm.accounts.current import current_workspace, require_role
from crm.db import utcnow
from crm.extensions import db
from crm.prospects import bulk, contacts_export, discovery, export, fielddefs, filters, listing, sites, tasks
from crm.prospects.forms import BulkForm, NewSiteForm, choices
from crm.prospects.models import Site

bp = Blueprint("prospects", __name__)
_UNKNOWN = Markup('<span class="text-muted">—</span>')


@bp.app_template_filter("site_metric")
def site_metric(value: float | None) -> str:
    """A metric as the list shows it: whole numbers with thousands separators, a dash when unknown.

    A filter, not a macro: the list renders up to 1,600 of these per page and macros cost ten times more.
    """
    if value is None:
        return _UNKNOWN
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _filter_from(args) -> filters.SiteFilter:
    """The list's filter from query arguments; the recency window defaults to the workspace's re-contact days."""
    args = MultiDict(args)
    if "days" not in args:
        args["days"] = str(current_workspace().recontact_days or 30)
    return filters.parse(args)


def _campaigns(workspace_id: int) -> list:
    """The workspace's campaigns for the "Add to campaign" picker, when the campaigns feature takes sites."""
    if "campaigns.add_sites" not in current_app.view_functions:
        return []
    table = db.metadata.tables["campaign"]
    query = select(table.c.id, table.c.name, table.c.status).where(table.c.workspace_id == workspace_id)
    return list(db.session.execute(query.order_by(table.c.name)))


def csv_response(chunks, name: str) -> Response:
    """A streamed CSV download, noted in the audit trail (the campaigns' exports use it too)."""
    stamp = utcnow().strftime("%Y-%m-%d")
    audit.record(current_workspace().id, "export", detail={"file": f"{name}-{stamp}.csv"}, commit=True)
    return Response(stream_with_context(chunks), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}-{stamp}.csv"'})


@bp.get("/sites")
@require_role("viewer")
def list_sites():
    """Sites of the workspace, filtered, sorted and paged."""
    workspace = current_workspace()
    f = _filter_from(request.args)
    for message in f.errors:
        flash(message, "warning")
    page = listing.page_of(workspace.id, f)
    members = sites.members(workspace.id)
    form = BulkForm(query=request.query_string.decode("latin-1"))
    form.owner.choices = choices([("none", "Nobody"), *((str(u.id), u.display_name) for u in members)])
    return render_template(
        "prospects/list.html", page=page, f=f, tags=listing.workspace_tags(workspace.id), members=members,
        owners={u.id: u for u in members}, site_tags=listing.tags_for(s.id for s in page.items), form=form,
        new_form=NewSiteForm(), campaigns=_campaigns(workspace.id), metric_filters=filters.METRIC_FILTERS,
        sorts=filters.SORTS, contacted_choices=filters.CONTACTED, per_page_choices=filters.PER_PAGE,
        status_labels=sites.STATUS_LABELS, site_fields=fielddefs.definitions(workspace.id, "site"),
    )


@bp.get("/sites/export")
@require_role("viewer")
def export_sites():
    """Every site the current filters show, as a CSV file safe to open in a spreadsheet."""
    return csv_response(export.csv_for_filter(current_workspace().id, _filter_from(request.args)), "sites")


@bp.get("/sites/contacts/export")
@require_role("viewer")
def export_contacts():
    """The contacts of every site the current filters show, as a CSV file safe to open in a spreadsheet."""
    return csv_response(contacts_export.csv_for_filter(current_workspace().id, _filter_from(request.args)),
                         "contacts")


@bp.post("/sites/new")
@require_role("member")
def create_site():
    """Add one site by its domain or address."""
    form = NewSiteForm()
    if not form.validate_on_submit():
        flash("Type the site's domain or address.", "danger")
        return redirect(url_for("prospects.list_sites"))
    try:
        site = sites.create(current_workspace().id, form.domain.data, current_user.id)
    except sites.SiteError as exc:
        flash(str(exc), "danger")
        return redirect(url_for("prospects.list_sites"))
    flash(f"{site.domain} added.", "success")
    return redirect(url_for("prospects.site", site_id=site.id))


def _ids(values: list[str]) -> list[int] | None:
    """Site ids from repeated form fields; None when one is not a number."""
    try:
        return [int(v) for v in values]
    except ValueError:
        return None


@bp.post("/sites/bulk")
@require_role("member")
def bulk_action():
    """Apply an action to the chosen sites (or to every site the filters match), all or nothing."""
    workspace = current_workspace()
    form = BulkForm()
    query = form.query.data or ""
    back = url_for("prospects.list_sites") + (f"?{query}" if query else "")
    if not form.validate_on_submit():
        flash("The form has expired; try again.", "danger")
        return redirect(back)
    everything = form.scope.data == "all"
    ids = None if everything else _ids(request.form.getlist("site_ids"))
    f = _filter_from(MultiDict(parse_qsl(query))) if everything else None
    action = request.form.get("do") or form.action.data
    if not everything and not ids:
        flash("Choose some sites first.", "warning")
        return redirect(back)
    if action in ("export", "export_contacts"):
        module, name = (export, "sites") if action == "export" else (contacts_export, "contacts")
        if everything:
            return csv_response(module.csv_for_filter(workspace.id, f), name)
        return csv_response(module.csv_for_ids(workspace.id, ids), name)
    if action == "discover":
        chosen = ids if not everything else list(db.session.scalars(listing.matching_ids(workspace.id, f)))
        try:
            job = discovery.start(workspace.id, chosen, current_user.id)
        except discovery.DiscoveryError as exc:
            flash(str(exc), "danger")
            return redirect(back)
        tasks.run_discovery(job.id)
        return redirect(url_for("prospects.discovery_job", job_id=job.id))
    if action == "custom":
        return _bulk_custom(workspace.id, ids, f, back)
    value = {"tag": form.tag.data, "untag": form.tag.data, "owner": form.owner.data, "status": form.status.data}
    try:
        count = bulk.apply(workspace.id, action, site_ids=ids, f=f, value=value.get(action, "") or "",
                           actor_id=current_user.id)
    except bulk.BulkError as exc:
        flash(f"{exc} Nothing was changed.", "danger")
        return redirect(back)
    flash(f"{bulk.ACTIONS[action]}: done for {count:,} site(s).", "success")
    return redirect(back)


def _bulk_custom(workspace_id: int, ids, f, back: str):
    """Set one site custom field on the chosen sites (or all matching), all or nothing."""
    key = request.form.get("custom_key", "")
    chosen = ids if ids is not None else list(db.session.scalars(listing.matching_ids(workspace_id, f)))
    rows = list(db.session.scalars(select(Site).where(Site.workspace_id == workspace_id, Site.id.in_(chosen))))
    try:
        count = fielddefs.set_bulk(workspace_id, "site", rows, key, request.form.get("custom_value", ""))
    except fielddefs.FieldError as exc:
        flash(f"{exc} Nothing was changed.", "danger")
        return redirect(back)
    flash(f"Custom field set for {count:,} site(s).", "success")
    return redirect(back)
