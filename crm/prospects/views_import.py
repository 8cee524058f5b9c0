"""Importing an export: upload, column mapping when needed, preview, the import as a job with progress."""

from __future__ import annotations

import re

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from crm.accounts.current import current_workspace, get_scoped_or_404, require_role
from crm.prospects import fielddefs, progress, tasks
from crm.prospects.forms import ImportOptionsForm, UploadForm
from crm.prospects.importing import service, uploads
from crm.prospects.importing.detect import UNKNOWN, custom_target, describe_target, detect, is_header_row
from crm.prospects.importing.formats import FIELDS
from crm.prospects.importing.limits import MB, ImportFileError, Limits
from crm.prospects.importing.read import open_table
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
        upload.preview = service.run(current_workspace().id, data, service.ImportOptions(mapping=upload.mapping),
                                       dry_run=True)
    except service.MappingNeeded:
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
    detection = detect(table.raw_headers, samples)
    targets = _custom_targets(current_workspace().id)
    error = ""
    if request.method == "POST":
        mapping = {h: _chosen(request.form, i, h) for i, h in enumerate(headers)}
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
        guesses = {h: detection.mapping.get(table.headers[i]) for i, h in enumerate(headers)}
    new_keys = {}  # header -> key typed for a new field (or suggested from the header)
    for h in headers:
        custom = custom_target(guesses[h] or "")
        if custom is not None and guesses[h] not in targets:  # chosen as a new field, not defined yet
            guesses[h], new_keys[h] = f"new.{custom[0] or 'site'}", custom[1]
        else:
            new_keys[h] = suggest_key(h)
    recognised = detection if detection.format != UNKNOWN else None
    return render_template("prospects/import_map.html", upload=upload, headers=headers, samples=samples,
                           guesses=guesses, fields=FIELDS, custom_targets=targets, new_keys=new_keys,
                           recognised=recognised, in_words={h: describe_target(t) for h, t in guesses.items() if t},
                           error=error), (400 if error else 200)


NEW_FIELD = {"new.site": "site", "new.contact": "contact"}  # the mapping step's "new custom field" choices


def suggest_key(header: str) -> str:
    """A custom field key made from a column header ("Monthly budget ($)" -> "monthly_budget")."""
    key = re.sub(r"[^a-z0-9]+", "_", header.strip().lower()).strip("_")[:40].strip("_")
    return key if key[:1].isalpha() else ("field_" + key)[:40].strip("_")


def _custom_targets(workspace_id: int) -> dict[str, str]:
    """The workspace's site and contact custom fields as mapping targets, with the words the step shows."""
    return {f"{row.entity}.custom.{row.key}": f"{row.entity.capitalize()} field: {row.label}"
            for row in fielddefs.definitions(workspace_id) if row.entity in ("site", "contact")}


def _chosen(form, index: int, header: str) -> str | None:
    """What the mapping form says column `index` becomes (a new custom field takes the key typed beside it)."""
    choice = form.get(f"col{index}") or None
    if choice in NEW_FIELD:
        key = (form.get(f"key{index}") or "").strip().lower() or suggest_key(header)
        return f"{NEW_FIELD[choice]}.custom.{key}"
    return choice


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
    options = service.ImportOptions(create_backlinks=form.create_backlinks.data,
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
