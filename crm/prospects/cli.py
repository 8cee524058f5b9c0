"""`flask import FILE --workspace W [--dry-run]`: the web page's importer from the command line, one JSON object out."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click
from flask.cli import with_appcontext

from crm.accounts.audit_cli import workspace_named
from crm.prospects.importing.formats import FIELDS
from crm.prospects.importing.limits import MB, ImportFileError, Limits
from crm.prospects.importing.service import ImportOptions, MappingNeeded, run

# Files on the operator's own disk, streamed: larger than the web page accepts (whole Ahrefs projects).
CLI_LIMITS = Limits(max_bytes=1024 * MB, max_rows=2_000_000)


def _mapping(pairs: tuple[str, ...]) -> dict[str, str | None] | None:
    """--map 'Column=field' options as a mapping ('Column=' ignores a column)."""
    if not pairs:
        return None
    mapping: dict[str, str | None] = {}
    for pair in pairs:
        column, sep, field = pair.partition("=")
        if not sep or not column.strip():
            raise click.BadParameter(f"'{pair}' is not COLUMN=FIELD.", param_hint="--map")
        mapping[column.strip()] = field.strip() or None
    return mapping


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--workspace", required=True, help="Workspace name (or id) to import into.")
@click.option("--dry-run", is_flag=True, help="Only say what would be created, updated and skipped.")
@click.option("--create-backlinks", is_flag=True, help="Backlink exports: also track each link as a backlink.")
@click.option("--tag", "tags", multiple=True, help="Tag every imported site (repeatable).")
@click.option("--measured-on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Date the file's metrics describe (default today).")
@click.option("--map", "pairs", multiple=True, metavar="COLUMN=FIELD",
              help="Column mapping (repeatable): for unrecognised files, or to change or add to a recognised "
                   "export's; FIELD as the web page lists them, or custom.KEY (site.custom.KEY, contact.custom.KEY) "
                   "for a custom field, created as a text field when missing.")
@with_appcontext
def import_command(file: Path, workspace, dry_run, create_backlinks, tags, measured_on, pairs):
    """Import an SEO-tool export (Ahrefs, Semrush, Moz, Majestic, Search Console) or a prospect list."""
    target = workspace_named(workspace)
    limits = CLI_LIMITS
    size = file.stat().st_size
    if size > 2 * limits.max_bytes:  # UTF-16 files may weigh twice their text; the reader checks precisely
        raise click.ClickException(f"{file.name} is {size / MB:.1f} MB; files up to {limits.max_bytes // MB} MB "
                                   "can be imported.")
    measured: date | None = measured_on.date() if measured_on else None
    options = ImportOptions(create_backlinks=create_backlinks, tags=tuple(tags), measured_on=measured,
                            mapping=_mapping(pairs))
    try:
        with file.open("rb") as stream:  # streamed: a million-row export is never held in memory whole
            summary = run(target.id, stream, options, dry_run=dry_run, limits=limits)
    except MappingNeeded as exc:
        headers = ", ".join(f"'{h}'" for h in exc.detection.headers[:12])
        raise click.ClickException(
            f"{exc.message} A column mapping is needed: pass --map 'COLUMN=FIELD' for the columns to import "
            f"(this file has {headers}; fields include {', '.join(list(FIELDS)[:6])}, site.dr, ..., custom.KEY)."
        ) from None
    except ImportFileError as exc:
        raise click.ClickException(f"{file.name}: {exc.message}") from None
    summary.pop("samples", None)
    summary.pop("columns", None)
    summary["workspace"] = target.name
    summary["file"] = file.name
    click.echo(json.dumps(summary))
