"""One site's page: metrics with history, pages, contacts, tags, notes, timeline; edit, merge, discover."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from crm import timeline
from crm.accounts.current import current_workspace, get_scoped_or_404, require_role
from crm.db import utcnow
from crm.extensions import db
from crm.prospects import contactinfo, contacts, discovery, fielddefs, merging, metrics, sites, tasks
from crm.prospects.forms import ContactForm, MergeForm, MetricForm, SiteForm, choices
from crm.prospects.models import Contact, ProspectJob, Site, SitePage
from crm.prospects.views import bp

bp.add_app_template_filter(contactinfo.twitter_url, "twitter_url")
bp.add_app_template_filter(contactinfo.verification_label, "verification_label")


def _site_form(site: Site, members) -> SiteForm:
    """The edit form, filled from the site (or from the submitted data)."""
    tags = ", ".join(t.name for t in sorted(site.tags, key=lambda t: t.name.lower()))
    form = SiteForm(data={"name": site.name, "homepage": site.homepage, "status": site.status, "notes": site.notes,
                          "owner_id": str(site.owner_id or ""), "tags": tags})
    form.owner_id.choices = choices([("", "Nobody"), *((str(u.id), u.display_name) for u in members)])
    return form


def _render(site: Site, **forms):
    """The site page with whatever forms carry errors."""
    members = sites.members(site.workspace_id)
    pages = list(db.session.scalars(select(SitePage).where(SitePage.site_id == site.id).order_by(SitePage.url)
                                    .limit(200)))
    jobs = list(db.session.scalars(select(ProspectJob).where(
        ProspectJob.workspace_id == site.workspace_id, ProspectJob.kind == "discovery")
        .order_by(ProspectJob.id.desc()).limit(20)))
    has_contact_fields = bool(fielddefs.definitions(site.workspace_id, "contact"))
    return render_template(
        "prospects/site.html", site=site, site_fields=fielddefs.shown_values(site.workspace_id, "site", site),
        contact_fields=(lambda c: fielddefs.shown_values(site.workspace_id, "contact", c)) if has_contact_fields
        else None, history=metrics.history(site.id), label=metrics.label, pages=pages,
        contacts=sorted(site.contacts, key=lambda c: (c.is_role_address, c.email)),
        activities=timeline.for_site(site.workspace_id, site.id), owner=site.owner,
        site_form=forms.get("site_form") or _site_form(site, members),
        contact_form=forms.get("contact_form") or ContactForm(),
        metric_form=forms.get("metric_form") or MetricForm(measured_on=utcnow().date()),
        merge_form=forms.get("merge_form") or MergeForm(), edit_contact_form=ContactForm(),
        status_labels=sites.STATUS_LABELS,
        discoveries=[j for j in jobs if site.id in (j.params or {}).get("site_ids", [])][:3],
    )


@bp.get("/sites/<int:site_id>")
@require_role("viewer")
def site(site_id: int):
    """Everything about one site."""
    return _render(get_scoped_or_404(Site, site_id))


@bp.post("/sites/<int:site_id>/edit")
@require_role("member")
def edit_site(site_id: int):
    """Save status, owner, name, homepage, tags and notes."""
    row = get_scoped_or_404(Site, site_id)
    form = _site_form(row, sites.members(row.workspace_id))
    if not form.validate_on_submit():
        return _render(row, site_form=form), 400
    try:
        changes = sites.update(row, status=form.status.data, owner_id=int(form.owner_id.data or 0) or None,
                               name=form.name.data or "", homepage=form.homepage.data or "",
                               notes=form.notes.data or "", tags_text=form.tags.data or "", actor_id=current_user.id)
    except sites.SiteError as exc:
        form.homepage.errors = [*form.homepage.errors, str(exc)]
        return _render(row, site_form=form), 400
    flash("Saved." if changes else "Nothing changed.", "success")
    return redirect(url_for("prospects.site", site_id=row.id))


def _profile(form: ContactForm) -> dict[str, str]:
    """The profile columns a checked contact form posted (one it left out stays as it is)."""
    return {name: getattr(form, name).data or "" for name in contacts.PROFILE_COLUMNS if name in request.form}


@bp.post("/sites/<int:site_id>/contacts")
@require_role("member")
def add_contact(site_id: int):
    """Add a contact by hand."""
    row = get_scoped_or_404(Site, site_id)
    form = ContactForm()
    if form.validate_on_submit():
        try:
            contact = contacts.add(row, form.email.data, first_name=form.first_name.data or "",
                                   last_name=form.last_name.data or "", position=form.position.data or "",
                                   status=form.status.data, actor_id=current_user.id, **_profile(form))
        except contacts.ContactError as exc:
            form.email.errors = [*form.email.errors, str(exc)]
        else:
            flash(f"{contact.email} added.", "success")
            return redirect(url_for("prospects.site", site_id=row.id) + "#contacts")
    return _render(row, contact_form=form), 400


@bp.post("/contacts/<int:contact_id>/edit")
@require_role("member")
def edit_contact(contact_id: int):
    """Change a contact's details or status."""
    contact = get_scoped_or_404(Contact, contact_id)
    form = ContactForm()
    if contact.email_verification not in (c.value for c in form.email_verification.choices):
        form.email_verification.choices = [*form.email_verification.choices,  # a file's verdict may stay as it is
                                           SelectChoice(contact.email_verification, contact.email_verification)]
    if form.validate_on_submit():
        try:
            contacts.update(contact, email=form.email.data, first_name=form.first_name.data or "",
                            last_name=form.last_name.data or "", position=form.position.data or "",
                            status=form.status.data, actor_id=current_user.id, **_profile(form))
        except contacts.ContactError as exc:
            flash(str(exc), "danger")
        else:
            flash(f"{contact.email} saved.", "success")
    else:
        flash(" ".join(e for errors in form.errors.values() for e in errors), "danger")
    return redirect(url_for("prospects.site", site_id=contact.site_id) + "#contacts")


@bp.post("/contacts/<int:contact_id>/delete")
@require_role("member")
def delete_contact(contact_id: int):
    """Remove a contact."""
    contact = get_scoped_or_404(Contact, contact_id)
    site_id, email = contact.site_id, contact.email  # the CSRF token was checked for every POST
    contacts.delete(contact, current_user.id)
    flash(f"{email} removed.", "success")
    return redirect(url_for("prospects.site", site_id=site_id) + "#contacts")


@bp.post("/sites/<int:site_id>/metrics")
@require_role("member")
def add_metric(site_id: int):
    """Record a measurement by hand."""
    row = get_scoped_or_404(Site, site_id)
    form = MetricForm()
    if form.validate_on_submit():
        try:
            metrics.record(row, form.name.data, float(form.value.data), form.source.data, form.measured_on.data,
                           current_user.id)
        except metrics.MetricError as exc:
            form.value.errors = [*form.value.errors, str(exc)]
        else:
            flash(f"{metrics.label(form.name.data)} recorded.", "success")
            return redirect(url_for("prospects.site", site_id=row.id) + "#metrics")
    return _render(row, metric_form=form), 400


@bp.post("/sites/<int:site_id>/merge")
@require_role("member")
def merge_site(site_id: int):
    """Merge another site of the workspace into this one."""
    row = get_scoped_or_404(Site, site_id)
    form = MergeForm()
    if form.validate_on_submit():
        other = sites.find_by_domain(row.workspace_id, form.other.data)
        if other is None:
            form.other.errors = [*form.other.errors, f"There is no site {form.other.data.strip()} in your list."]
        else:
            try:
                moved = merging.merge(row, other, current_user.id)
            except merging.MergeError as exc:
                form.other.errors = [*form.other.errors, str(exc)]
            else:
                flash(f"Merged into {row.domain}: {moved['contacts']} contact(s), {moved['pages']} page(s) and "
                      f"{moved['metrics']} measurement(s) moved.", "success")
                return redirect(url_for("prospects.site", site_id=row.id))
    return _render(row, merge_form=form), 400


@bp.post("/sites/<int:site_id>/discover")
@require_role("member")
def discover_site(site_id: int):
    """Look for contact addresses on the site's pages (a background job)."""
    row = get_scoped_or_404(Site, site_id)
    job = discovery.start(current_workspace().id, [row.id], current_user.id)
    tasks.run_discovery(job.id)
    return redirect(url_for("prospects.discovery_job", job_id=job.id))
