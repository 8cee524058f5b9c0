"""Importing an export: upload, column mapping when needed, preview, the import as a job with progress."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from crm.accounts.current import current_workspace, get_scoped_or_404, require_role
from crm.prospects import importing, progress, tasks, uploads
from crm.prospects.csvread import MB, ImportFileError, Limits, open_table
from crm.prospects.formats import detect, is_header_row
from crm.prospects.formats_defs import FIELDS
from crm.prospects.forms import ImportOptionsForm, UploadForm
from crm.prospects.models import ProspectJob
from crm.prospects.sites import parse_tags
from crm.prospects.views import bp


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(exc):
    """An upload over the request size limit gets the upload page with a clear message."""
    limit = request.max_content_length or 0
    size = f"{limit // MB} MB" if limit >= MB else f"{max(1, limit // 1024)} KB"
    flash(f"The file is larger than {size}, the most one upload may be. Split it into smaller files.", "danger")
    return redirect(url_for("prospects.import_upload"))


def _load(token: str) -> uploads.Upload:
    """An upload of the current workspace, or 404."""
    try:
        return uploads.load(token, current_workspace().id)
    except uploads.UploadGone:
        abort(404)


def _preview(upload: uploads.Upload, data: bytes) -> Response | None:
    """Compute and store the preview; a redirect to the mapping step when the columns are unknown."""
    try:
        upload.preview = importing.run(current_workspace().id, data, importing.ImportOptions(mapping=upload.mapping),
                                       dry_run=True)
    except importing.MappingNeeded:
        uploads.update(upload)
        return redirect(url_for("prospects.import_map", token=upload.token))
    uploads.update(upload)
    return None


@bp.route("/sites/import", methods=["GET", "POST"])
@require_role("member")
def import_upload():
    """Choose a file; it is read and checked at once, and nothing is imported before the preview."""
    form = UploadForm()
    if form.validate_on_submit():
        data = form.file.data.read()
        try:
            upload = uploads.save(data, form.file.data.filename or "", current_workspace().id, current_user.id)
            redirect_to = _preview(upload, data)
        except ImportFileError as exc:
            uploads.delete(upload.token)
            form.file.errors = [*form.file.errors, exc.message]
        else:
            return redirect_to or redirect(url_for("prospects.import_preview", token=upload.token))
    limits = Limits()
    return render_template("prospects/import_upload.html", form=form, max_mb=limits.max_bytes // MB,
                           max_rows=limits.max_rows)


@bp.route("/sites/import/<token>/map", methods=["GET", "POST"])
@require_role("member")
def import_map(token: str):
    """Say which column holds what, for a file whose columns we do not recognise (or to change our guess)."""
    upload = _load(token)
    data = upload.data()
    try:
        table = open_table(data, header_matcher=is_header_row)
        samples = [cells for _, (_, cells) in zip(range(3), table.rows(), strict=False)]
    except ImportFileError as exc:
        flash(exc.message, "danger")
        return redirect(url_for("prospects.import_upload"))
    headers = list(table.raw_headers)
    error = ""
    if request.method == "POST":
        mapping = {h: (request.form.get(f"col{i}") or None) for i, h in enumerate(headers)}
        upload.mapping = mapping
        try:
            redirect_to = _preview(upload, data)
        except ImportFileError as exc:
            error = exc.message
        else:
            if redirect_to is None:
                return redirect(url_for("prospects.import_preview", token=token))
            error = "Choose which column holds the site (its URL or domain) or the contact's email address."
    if upload.mapping is not None:
        guesses = {h: upload.mapping.get(h) for h in headers}
    else:  # start from what we recognised (a known export's columns, or common column names)
        recognised = detect(table.raw_headers, samples).mapping
        guesses = {h: recognised.get(table.headers[i]) for i, h in enumerate(headers)}
    return render_template("prospects/import_map.html", upload=upload, headers=headers, samples=samples,
                           guesses=guesses, fields=FIELDS, error=error), (400 if error else 200)


@bp.get("/sites/import/<token>")
@require_role("member")
def import_preview(token: str):
    """What the import would create, update and skip, and why; options; the button that starts it."""
    upload = _load(token)
    if upload.preview is None:
        return redirect(url_for("prospects.import_map", token=token))
    return render_template("prospects/import_preview.html", upload=upload, p=upload.preview,
                           form=ImportOptionsForm())


@bp.post("/sites/import/<token>/run")
@require_role("member")
def import_start(token: str):
    """Start the import as a background job and show its progress."""
    upload = _load(token)
    form = ImportOptionsForm()
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "danger")
        return redirect(url_for("prospects.import_preview", token=token))
    options = importing.ImportOptions(create_backlinks=form.create_backlinks.data,
                                      tags=tuple(parse_tags(form.tags.data or "")),
                                      measured_on=form.measured_on.data, mapping=upload.mapping)
    job = progress.create(current_workspace().id, "import",
                          {"upload": token, "filename": upload.filename, "options": options.as_dict()},
                          current_user.id)
    tasks.run_import(job.id)
    return redirect(url_for("prospects.import_job", job_id=job.id))


@bp.get("/sites/imports/<int:job_id>")
@require_role("viewer")
def import_job(job_id: int):
    """An import's progress, then its outcome: counts and the rows that were skipped."""
    job = get_scoped_or_404(ProspectJob, job_id)
    if job.kind != "import":
        abort(404)
    return render_template("prospects/import_job.html", job=job, live=progress.read(job.id))


@bp.get("/sites/imports/<int:job_id>/progress")
@require_role("viewer")
def import_progress(job_id: int):
    """The progress box, polled by htmx; reloads the page when the job has finished."""
    job = get_scoped_or_404(ProspectJob, job_id)
    if job.kind != "import":
        abort(404)
    response = Response(render_template("prospects/_progress.html", job=job, live=progress.read(job.id),
                                        poll=url_for("prospects.import_progress", job_id=job.id)))
    if job.finished:
        response.headers["HX-Refresh"] = "true"
    return response
