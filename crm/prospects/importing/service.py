"""The importer every entry point uses (web page, background job, CLI): read, compare, write, summarise."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import BinaryIO

from sqlalchemy.exc import IntegrityError

from crm import events
from crm.db import utcnow
from crm.extensions import db
from crm.prospects import progress
from crm.prospects.importing import custom as importcustom
from crm.prospects.importing import plan as importplan
from crm.prospects.importing import uploads
from crm.prospects.importing import write as importwrite
from crm.prospects.importing.detect import Detection
from crm.prospects.importing.limits import ImportFileError, Limits
from crm.prospects.importing.map import ParsedFile, read_export
from crm.prospects.importing.spool import BacklinkSpool
from crm.prospects.importing.summary import Tally, summarise
from crm.prospects.models import ProspectJob

Progress = Callable[[str, int, int | None], None]


class MappingNeeded(ImportFileError):  # noqa: N818 - reads as what the caller must do
    """The file's columns were not recognised: someone has to say which column holds what."""

    def __init__(self, detection: Detection) -> None:
        super().__init__(detection.message or "We don't recognise this file's columns; map them to import it.")
        self.detection = detection


@dataclass(frozen=True)
class ImportOptions:
    """Choices made for one import."""

    create_backlinks: bool = False  # backlink exports: also track each link in Backlinks
    tags: tuple[str, ...] = ()  # put on every site of the file
    measured_on: date | None = None  # the date the file's metrics describe (default today)
    mapping: Mapping[str, str | None] | None = None  # the user's column mapping, for unrecognised files

    def as_dict(self) -> dict:
        """JSON-friendly form, for job parameters."""
        return {"create_backlinks": self.create_backlinks, "tags": list(self.tags),
                "measured_on": self.measured_on.isoformat() if self.measured_on else None,
                "mapping": dict(self.mapping) if self.mapping is not None else None}

    @classmethod
    def from_dict(cls, data: Mapping) -> ImportOptions:
        """The options stored with a job."""
        measured = data.get("measured_on")
        return cls(bool(data.get("create_backlinks")), tuple(data.get("tags") or ()),
                   date.fromisoformat(measured) if measured else None, data.get("mapping"))


def parse(data: bytes | BinaryIO, mapping: Mapping[str, str | None] | None = None, *, limits: Limits | None = None,
          progress_to: Progress | None = None, spool: BacklinkSpool | None = None) -> ParsedFile:
    """Read an export (bytes or a seekable binary file), its links into the spool when one is given.

    ImportFileError for a file refused as a whole, MappingNeeded for unrecognised columns.
    """
    if isinstance(data, bytes | bytearray) and not data:
        raise ImportFileError("The file is empty.")
    report = (lambda rows: progress_to("Reading the file", rows, None)) if progress_to else None
    try:
        parsed = read_export(data, user_mapping=mapping, limits=limits, progress=report, spool=spool)
    except ValueError as exc:  # apply_mapping's message for a mapping that cannot work
        if isinstance(exc, ImportFileError):
            raise
        raise ImportFileError(str(exc)) from None
    if parsed.detection.needs_mapping:
        raise MappingNeeded(parsed.detection)
    if spool is not None:
        spool.finish()
    return parsed


@contextmanager
def _few_collections() -> Iterator[None]:
    """Rare garbage collections while an import runs.

    Reading a file builds hundreds of thousands of small objects that all live until the end; Python's cyclic
    collector would walk them again and again (a third of the reading time at 100,000 rows) and finds nothing.
    The objects alive before the import (the app, its models) are set aside too.
    """
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(200_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def run(workspace_id: int, data: bytes | BinaryIO, options: ImportOptions, *, dry_run: bool = False,
        actor_id: int | None = None, progress_to: Progress | None = None, job: ProspectJob | None = None,
        limits: Limits | None = None) -> dict:
    """Import a file into a workspace (or only say what it would do); commits unless dry_run.

    Rows with errors are skipped and listed; the rest is written in one transaction, so a failure half-way
    leaves nothing behind. Raises ImportFileError (or MappingNeeded) for a file refused as a whole.
    """
    with closing(BacklinkSpool()) as spool, _few_collections():
        return _run(workspace_id, data, options, spool, dry_run=dry_run, actor_id=actor_id, progress_to=progress_to,
                    job=job, limits=limits)


def _run(workspace_id: int, data: bytes | BinaryIO, options: ImportOptions, spool: BacklinkSpool, *, dry_run: bool,
         actor_id: int | None, progress_to: Progress | None, job: ProspectJob | None, limits: Limits | None) -> dict:
    """run(), with the file's links spooled to disk."""
    parsed = parse(data, options.mapping, progress_to=progress_to, limits=limits, spool=spool)
    day = options.measured_on or utcnow().date()
    measured_at = datetime(day.year, day.month, day.day, tzinfo=UTC)
    custom = importcustom.prepare(workspace_id, det := parsed.detection, parsed.headers)
    plan = importplan.build(workspace_id, parsed, measured_at, spool, custom)
    tally, total = Tally(), len(parsed.prospects)
    if dry_run:
        for done, part in enumerate(importplan.parts(workspace_id, plan, options.tags), 1):
            tally.add(part)
            if progress_to is not None:
                progress_to("Comparing with your sites", min(done * importplan.PART_SITES, total), total)
        db.session.rollback()
        return summarise(plan, tally, options.create_backlinks, dry_run=True)
    # End the reading transaction first: on SQLite a reader that later writes fails outright if anyone else
    # wrote in the meantime, while a fresh write transaction simply waits its turn.
    db.session.rollback()
    try:
        importcustom.define_missing(workspace_id, custom)
        writer = importwrite.Writer(workspace_id, plan, create_backlinks=options.create_backlinks, label=det.label,
                                    source_key=det.format, actor_id=actor_id, progress=progress_to)
        for part in importplan.parts(workspace_id, plan, options.tags):  # plan a part, write it, forget it
            tally.add(part)
            writer.sites(part)
        writer.finish()
        summary = summarise(plan, tally, options.create_backlinks, dry_run=False)
        if job is not None:
            progress.finish(job, summary)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ImportFileError("Some of these sites or contacts were changed by someone else during the import, so "
                              "nothing was imported. Run the import again.") from None
    except BaseException:
        db.session.rollback()  # whatever stopped the write, none of it stays
        raise
    events.announce(events.import_finished, workspace_id, job_id=job.id if job is not None else None,
                    format=summary.get("format"),
                    **{key: summary.get(key) for key in ("new", "updated", "skipped", "errors")})
    db.session.commit()
    return summary


def run_job(job_id: int) -> None:
    """The background import: load the stored upload, import it with progress, record the outcome."""
    job = db.session.get(ProspectJob, job_id)
    if job is None or job.finished:
        return
    progress.start(job)
    reporter = progress.Reporter(job_id)
    try:
        upload = uploads.load(job.params["upload"], job.workspace_id)
        options = ImportOptions.from_dict(job.params.get("options") or {})
        run(job.workspace_id, upload.data(), options, actor_id=job.created_by_id, progress_to=reporter, job=job)
    except (ImportFileError, uploads.UploadGone) as exc:
        progress.fail(job_id, str(exc))
        return
    except Exception:
        progress.fail(job_id, "The import stopped on an unexpected error; nothing was imported. It has been logged.")
        raise
    uploads.delete(upload.token)
    progress.clear(job_id)
