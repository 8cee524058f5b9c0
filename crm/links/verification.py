"""Verifying backlinks: fetch each source page once, verify, score, record, and tell the rest of the product."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from crm import events
from crm.db import utcnow
from crm.extensions import db
from crm.links.checking import Expectation, SourceResult, check_sources, policy_from, renderer_from
from crm.links.models import Backlink, LinkVerifyRun
from crm.links.monitoring import record_check
from crm.links.pagefacts import read_page
from crm.links.schedule import CONFIRM_AFTER
from crm.links.scoring import QualityContext
from crm.links.transitions import LIVE
from crm.net import Fetcher
from crm.net.addresses import Resolver

log = logging.getLogger(__name__)

IDF_FLUSH_EVERY = 25
COUNT_KEYS = ("checked", "live", "changed", "pending_confirmation", "unverified", "errors")
Progress = Callable[[int, dict], None]


def expectation(backlink: Backlink) -> Expectation:
    """What the verifier should look for on the backlink's source page."""
    return Expectation(target_url=backlink.target_url, expected_anchor=backlink.expected_anchor or None,
                       expected_rel=backlink.expected_rel or None)


def _confirm_after() -> timedelta:
    minutes = current_app.config.get("LINKS_CONFIRM_AFTER_MINUTES")
    return timedelta(minutes=float(minutes)) if minutes is not None else CONFIRM_AFTER


def send_signals(signals: Iterable[tuple[str, int, dict]]) -> None:
    """Announce committed changes (delivered after this commit); a failing subscriber never undoes the checks."""
    for name, workspace_id, kwargs in signals:
        events.announce(getattr(events, name), workspace_id, **kwargs)
    db.session.commit()


def _record_source(result: SourceResult, backlinks: list[Backlink], quality: QualityContext, now: datetime,
                   counts: dict) -> list[tuple[str, int, dict]]:
    """Record the checks of every backlink on one source page (not committed); returns signals to send.

    `counts` is this page's own tally, merged by the caller only once the page's checks are committed.
    """
    read = read_page(result.page, result.parsed)
    if read is not None and any(v.status != "unverified" for v in result.verdicts):
        for workspace_id in {b.workspace_id for b in backlinks}:
            quality.remember_page(workspace_id, result.url, read)
    signals = []
    for backlink, verdict in zip(backlinks, result.verdicts, strict=True):
        score, _facts, detail = quality.score(backlink, verdict, read)
        outcome = record_check(backlink, verdict, now=now, score=score, detail=detail, rendered=result.rendered,
                               render=result.render, elapsed=result.page.elapsed, confirm_after=_confirm_after())
        counts["checked"] += 1
        counts["live"] += backlink.status in LIVE
        counts["unverified"] += verdict.status == "unverified"
        counts["pending_confirmation"] += backlink.pending_status is not None
        counts["changed"] += outcome.decision.change is not None and outcome.decision.change.alert
        if outcome.signal:
            signals.append(outcome.signal)
    return signals


def verify_backlinks(ids: Iterable[int], *, resolver: Resolver | None = None, now: datetime | None = None,
                     progress: Progress | None = None) -> dict:
    """Verify these backlinks (callers scope the ids) and record everything; returns counts. Commits per page."""
    now = now or utcnow()
    config = current_app.config
    counts = dict.fromkeys(COUNT_KEYS, 0)
    quality = QualityContext(config, now)  # checks QUALITY_WEIGHTS before anything is fetched
    backlinks = list(db.session.scalars(select(Backlink).where(Backlink.id.in_(list(ids))).order_by(Backlink.id)))
    if not backlinks:
        return counts
    by_source: dict[str, list[Backlink]] = {}
    for backlink in backlinks:
        by_source.setdefault(backlink.source_url, []).append(backlink)
    with ExitStack() as stack:
        fetcher = stack.enter_context(Fetcher(policy_from(config), resolver=resolver))
        renderer = renderer_from(config, fetcher.policy, resolver)
        if renderer is not None:
            stack.enter_context(renderer)
        quality.prepare_targets(backlinks, fetcher)
        db.session.commit()
        groups = {url: [expectation(b) for b in group] for url, group in by_source.items()}
        done = 0
        for pages, result in enumerate(check_sources(groups, fetcher, renderer), 1):
            group = by_source[result.url]
            tally = dict.fromkeys(COUNT_KEYS, 0)
            try:
                signals = _record_source(result, group, quality, now, tally)
                if pages % IDF_FLUSH_EVERY == 0:
                    quality.flush()  # a workspace's model can be large: written every few pages, not each one
                db.session.commit()
                for key, value in tally.items():
                    counts[key] += value
            except Exception:
                log.exception("recording the checks of %s failed", result.url)
                db.session.rollback()
                counts["errors"] += len(group)
                signals = []
            send_signals(signals)
            done += len(group)
            if progress is not None:
                progress(done, counts)
        quality.flush()
        db.session.commit()
    return counts


def due_count(now: datetime | None = None) -> int:
    """How many backlinks (all workspaces) are due for a check."""
    now = now or utcnow()
    return db.session.scalar(select(func.count()).select_from(Backlink).where(Backlink.next_check_at <= now)) or 0


def recheck_due(*, now: datetime | None = None, limit: int | None = None, resolver: Resolver | None = None) -> dict:
    """Verify the backlinks whose check is due, most overdue first; the hourly job and `links recheck-due`."""
    now = now or utcnow()
    limit = limit or int(current_app.config.get("LINKS_RECHECK_BATCH") or 1000)
    due = due_count(now)
    ids = list(db.session.scalars(select(Backlink.id).where(Backlink.next_check_at <= now)
                                  .order_by(Backlink.next_check_at, Backlink.id).limit(limit)))
    counts = verify_backlinks(ids, resolver=resolver, now=now)
    return {"due": due, **counts}


def start_run(workspace_id: int, backlink_ids: list[int], user_id: int | None = None) -> LinkVerifyRun:
    """Record a "verify now" for these (already scoped) backlinks; the caller queues run_verification."""
    run = LinkVerifyRun(workspace_id=workspace_id, created_by_id=user_id, backlink_ids=list(backlink_ids),
                        total=len(backlink_ids), counts={}, state="queued", created_at=utcnow())
    db.session.add(run)
    db.session.commit()
    return run


def run_verification(run_id: int, *, resolver: Resolver | None = None) -> LinkVerifyRun | None:
    """Carry out a "verify now" run, keeping its progress record up to date for the page that polls it."""
    run = db.session.get(LinkVerifyRun, run_id)
    if run is None or run.finished:
        return run
    run.state, run.started_at = "running", utcnow()
    db.session.commit()
    # Only the run's own workspace: ids were scoped when the run was made, and are checked again here.
    ids = list(db.session.scalars(select(Backlink.id).where(Backlink.workspace_id == run.workspace_id,
                                                            Backlink.id.in_(run.backlink_ids or []))))

    def progress(done: int, counts: dict) -> None:
        run.done, run.counts = done, dict(counts)
        db.session.commit()

    try:
        counts = verify_backlinks(ids, resolver=resolver, progress=progress)
    except Exception as exc:
        log.exception("verification run %s failed", run_id)
        db.session.rollback()
        run = db.session.get(LinkVerifyRun, run_id)
        run.state, run.error, run.finished_at = "failed", str(exc)[:500], utcnow()
        db.session.commit()
        return run
    run.state, run.done, run.counts, run.finished_at = "done", run.total, counts, utcnow()
    db.session.commit()
    return run
