"""What an import reports: the counts, the first examples of each kind of site, the columns in words."""

from __future__ import annotations

from crm.prospects.importing.detect import describe_target
from crm.prospects.importing.map import ParsedFile
from crm.prospects.importing.plan import Plan, SitePlan, fmt_value, metric_words

SAMPLE_SITES = 50  # sites of each kind listed in a preview
MAX_LISTED_ERRORS = 200


def _describe_new(site: SitePlan) -> list[str]:
    """What a new site comes with, for the preview."""
    words, fmt = metric_words, fmt_value
    parts = [f"{words(name)} {fmt(value)}" for name, _, value in site.metrics_new[:4]]
    if site.pages_new:
        parts.append(f"{len(site.pages_new)} page(s)")
    if site.contacts_new:
        parts.append(f"{len(site.contacts_new)} contact(s)")
    if site.tags_new:
        parts.append("tagged " + ", ".join(site.tags_new))
    if site.custom:
        parts.append("custom fields " + ", ".join(site.custom))
    return parts + site.contacts_skipped


class Tally:
    """What the planned sites add up to, gathered part by part (the parts themselves are not kept)."""

    def __init__(self) -> None:
        self.samples: dict[str, list] = {"new": [], "update": [], "skip": []}
        self.contacts = {"new": 0, "updated": 0, "skipped": 0}
        self.metrics = {"new": 0, "updated": 0}
        self.pages = 0

    def add(self, part: list[SitePlan]) -> None:
        """Count one planned part and keep the first examples of each kind."""
        for site in part:
            self.contacts["skipped"] += len(site.contacts_skipped)
            if len(self.samples[site.action]) < SAMPLE_SITES:
                reasons = _describe_new(site) if site.action == "new" else site.reasons
                self.samples[site.action].append({"domain": site.record.domain, "row": site.record.row,
                                                  "reasons": reasons})
            if site.action == "skip":
                continue
            self.contacts["new"] += len(site.contacts_new)
            self.contacts["updated"] += len(site.contacts_update)
            self.metrics["new"] += len(site.metrics_new)
            self.metrics["updated"] += len(site.metrics_update)
            self.pages += len(site.pages_new)


def _columns(parsed: ParsedFile) -> list[list[str]]:
    """Each column of the file as written and what it becomes, in words ("" when it is not imported)."""
    det = parsed.detection
    return [[raw, describe_target(det.mapping[header]) if header in det.mapping else ""]
            for raw, header in zip(parsed.headers, det.headers, strict=False)]


def summarise(plan: Plan, tally: Tally, create_backlinks: bool, *, dry_run: bool) -> dict:
    """The counts and examples an import reports (the CLI prints it, the preview and job pages show it)."""
    parsed, det = plan.parsed, plan.parsed.detection
    return {
        "format": det.format, "label": det.label, "kind": det.kind, "source": det.source,
        "encoding": parsed.encoding, "rows": parsed.rows_read, "dry_run": dry_run,
        "new": plan.count("new"), "updated": plan.count("update"), "skipped": plan.count("skip"),
        "errors": len({e.row for e in parsed.errors}) + parsed.errors_unlisted,  # rows skipped
        "contacts": dict(tally.contacts), "metrics": dict(tally.metrics), "pages": tally.pages,
        "backlinks": {"available": plan.backlinks_count, "created": plan.backlinks_count
                      if create_backlinks and not dry_run else 0,
                      "skipped": plan.backlinks_skipped, "requested": create_backlinks},
        "duplicate_rows": parsed.duplicates,
        "measured_on": plan.measured_at.date().isoformat(),
        "error_rows": [{"row": e.row, "column": e.column, "message": e.message}
                       for e in parsed.errors[:MAX_LISTED_ERRORS]],
        "notes": [{"row": n.row, "message": n.message}
                  for n in [*parsed.notes, *plan.custom.notes][:MAX_LISTED_ERRORS]],
        "columns": _columns(parsed),
        "custom_fields": plan.custom.keys,
        "custom_fields_created": plan.custom.created,
        "samples": tally.samples,
    }
