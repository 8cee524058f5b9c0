"""`flask links verify` (no database writes) and `flask links recheck-due` (the hourly job's code)."""

from __future__ import annotations

import csv
import io
import json

import click
from flask import current_app
from flask.cli import AppGroup

from crm.links import digest, verification
from crm.links.bulkinput import InputError, decode_text
from crm.links.checking import Expectation, check_sources, group_pairs, policy_from, renderer_from
from crm.net import Fetcher

links_cli = AppGroup("links", help="Verify backlinks and run their monitoring.")

# The fields every line carries, in this order (DESIGN section 6), followed by the rest of the evidence.
FIELDS = ("source_url", "target_url", "status", "found", "rel", "anchor_text", "http_status", "final_url",
          "indexable", "reasons", "placement", "outbound_links")


def _policy():
    """The fetch policy from the FETCH_* settings; a bad setting is a clear error, not a traceback."""
    try:
        return policy_from(current_app.config)
    except ValueError as exc:
        raise click.ClickException(f"fetch settings: {exc}") from None


def read_pairs(data: bytes) -> list[tuple[str, Expectation]]:
    """(source, expectation) per row of a CSV with source_url,target_url[,expected_anchor,expected_rel]."""
    rows = [(line, row) for line, row in enumerate(csv.reader(io.StringIO(decode_text(data), newline="")), 1)
            if any(cell.strip() for cell in row)]
    if not rows:
        raise InputError("the file is empty")
    header = [cell.strip().lower() for cell in rows[0][1]]
    if "source_url" in header and "target_url" in header:
        rows = rows[1:]
    elif header and header[0].startswith(("http://", "https://")):
        header = ["source_url", "target_url", "expected_anchor", "expected_rel"]  # no header line: by position
    else:
        raise InputError("the first line must name the columns source_url,target_url")
    pairs = []
    for number, row in rows:
        values = dict(zip(header, (cell.strip() for cell in row), strict=False))
        if not values.get("source_url") or not values.get("target_url"):
            raise InputError(f"line {number} needs both a source_url and a target_url")
        pairs.append((values["source_url"], Expectation(values["target_url"],
                                                        expected_anchor=values.get("expected_anchor") or None,
                                                        expected_rel=values.get("expected_rel") or None)))
    return pairs


def _line(verdict_dict: dict, source: str, target: str, rendered: bool) -> str:
    data = {key: verdict_dict.get(key) for key in FIELDS}
    data.update(source_url=source, target_url=target)
    data.update({k: v for k, v in verdict_dict.items() if k not in data})
    data["rendered"] = rendered
    return json.dumps(data, ensure_ascii=False)


@links_cli.command("verify")
@click.argument("source_url", required=False)
@click.argument("target_url", required=False)
@click.option("--input", "input_file", type=click.File("rb"), help="CSV with columns source_url,target_url.")
@click.option("--anchor", default=None, help="The anchor text expected (single pair only).")
def verify_command(source_url, target_url, input_file, anchor):
    """Check links now and print one JSON object per pair; nothing is written to the database."""
    if input_file is not None:
        if source_url or target_url:
            raise click.UsageError("give either SOURCE_URL TARGET_URL or --input FILE.csv, not both")
        try:
            pairs = read_pairs(input_file.read())
        except InputError as exc:
            raise click.ClickException(str(exc)) from None
    elif source_url and target_url:
        pairs = [(source_url.strip(), Expectation(target_url.strip(), expected_anchor=anchor))]
    else:
        raise click.UsageError("give SOURCE_URL TARGET_URL, or --input FILE.csv")
    groups = group_pairs(pairs)
    results = {}
    policy = _policy()
    renderer = renderer_from(current_app.config, policy)
    with Fetcher(policy) as fetcher:
        try:
            for result in check_sources(groups, fetcher, renderer):
                results[result.url] = result
        finally:
            if renderer is not None:
                renderer.close()
    position = dict.fromkeys(groups, 0)
    for source, expectation in pairs:
        result = results[source]
        verdict = result.verdicts[position[source]]
        position[source] += 1
        click.echo(_line(verdict.to_dict(), source, expectation.target_url, result.rendered))


@links_cli.command("recheck-due")
@click.option("--limit", type=int, default=None, help="At most this many backlinks (default LINKS_RECHECK_BATCH).")
def recheck_due_command(limit):
    """Verify the backlinks whose check is due, in every workspace, and print the counts as JSON."""
    _policy()
    try:
        counts = verification.recheck_due(limit=limit)
    except ValueError as exc:  # a bad QUALITY_WEIGHTS setting, said before anything is fetched
        raise click.ClickException(str(exc)) from None
    click.echo(json.dumps(counts))


@links_cli.command("send-digests")
def send_digests_command():
    """Mail today's alert digests through the mail backend and print the counts as JSON."""
    click.echo(json.dumps(digest.send_digests()))
