"""Recording a check on a backlink: its history, status changes confirmed by a second check, alerts, schedule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from crm import timeline
from crm.extensions import db
from crm.links import wording
from crm.links.models import Backlink, LinkAlert, LinkCheck
from crm.links.rendering import RenderReport
from crm.links.schedule import CONFIRM_AFTER, next_check_at
from crm.links.transitions import LIVE, LOST, Change, Decision, decide
from crm.links.verifier import Verdict
from crm.quality import QualityScore


@dataclass
class Outcome:
    """What one check did: the stored check, the decision, and the signal to send once committed."""

    check: LinkCheck
    decision: Decision
    signal: tuple[str, int, dict] | None = None  # (signal name, workspace id, keyword arguments)


def placed_at(backlink: Backlink, now: datetime) -> datetime:
    """When the link was placed: the date given, else when it was added."""
    if backlink.placed_on is not None:
        return datetime.combine(backlink.placed_on, time(), tzinfo=UTC)
    return backlink.created_at or now


def _unverified_streak(backlink: Backlink) -> int:
    """How many checks in a row, newest first, could not read the page."""
    if backlink.id is None:
        return 0
    statuses = db.session.scalars(
        select(LinkCheck.status).where(LinkCheck.backlink_id == backlink.id)
        .order_by(LinkCheck.checked_at.desc(), LinkCheck.id.desc()).limit(10)
    )
    streak = 0
    for status in statuses:
        if status != "unverified":
            break
        streak += 1
    return streak


def _claim(backlink: Backlink) -> None:
    """Count this check on the row itself, first re-reading the backlink if another check got there before.

    The counter moves only from the value this check read, so two checks of one link running at once (a
    "verify now" during the hourly run) decide one after the other, and a change is announced once.
    """
    for _attempt in range(5):
        seen = backlink.check_count or 0
        claimed = db.session.execute(
            update(Backlink).where(Backlink.id == backlink.id, Backlink.check_count == seen)
            .values(check_count=seen + 1).execution_options(synchronize_session=False)
        ).rowcount
        if claimed:
            set_committed_value(backlink, "check_count", seen + 1)
            return
        db.session.refresh(backlink)
    raise RuntimeError(f"backlink {backlink.id} keeps changing under this check")


def _short(url: str) -> str:
    return url.split("://", 1)[-1].rstrip("/")


def alert_message(kind: str, backlink: Backlink, verdict: Verdict) -> str:
    """A sentence or two saying what changed, with the evidence behind it."""
    where = f"The link on {_short(backlink.source_url)} to {_short(backlink.target_url)}"
    lead = {
        "removed": f"{where} is no longer there.",
        "page_gone": f"{where} is lost: the page no longer works.",
        "redirect": f"{where}: the page now redirects to {_short(verdict.final_url)}.",
        "nofollow_added": f"{where} is now marked nofollow.",
        "noindex": f"{where} is still there, but search engines are told not to index the page.",
        "wrong_target": f"{where} now points to another page: {_short(verdict.link_url or '')}.",
        "blocked": f"{where} can no longer be crawled: robots.txt blocks the page.",
        "live": f"{where} is live.",
        "improved": f"{where} is now {wording.status_label(verdict.status).lower()}.",
    }.get(kind, f"{where} changed to {wording.status_label(verdict.status).lower()}.")
    details = " ".join(wording.reason_text(code) for code in verdict.reasons[:3])
    return f"{lead} {details}".strip()


def _apply_score(backlink: Backlink, score: QualityScore | None, harm: list[str]) -> None:
    if score is None:
        return
    backlink.score, backlink.score_version = score.score, score.version
    backlink.score_explanation = score.explain()[:500]
    backlink.harm_reasons = harm if score.score is not None else None


def _signal(backlink: Backlink, change: Change, verdict: Verdict) -> tuple[str, int, dict]:
    kwargs = {"backlink_id": backlink.id, "opportunity_id": backlink.opportunity_id,
              "campaign_id": backlink.campaign_id}
    if change.signal == "link_changed":
        kwargs.update(old_status=change.old_status, new_status=change.new_status)
    elif change.signal == "link_lost":
        kwargs["reasons"] = list(verdict.reasons)
    return change.signal, backlink.workspace_id, kwargs


def _announce(backlink: Backlink, change: Change, verdict: Verdict, now: datetime) -> tuple[str, int, dict] | None:
    """The alert row and timeline entry of a confirmed change, and the signal to send after commit."""
    message = alert_message(change.kind, backlink, verdict)
    if change.alert:
        db.session.add(LinkAlert(workspace_id=backlink.workspace_id, backlink=backlink, kind=change.kind,
                                 old_status=change.old_status, new_status=change.new_status, message=message,
                                 created_at=now))
    if change.signal is None:
        return None
    timeline.record(backlink.workspace_id, change.signal, message, site_id=backlink.site_id,
                    opportunity_id=backlink.opportunity_id, when=now,
                    data={"backlink_id": backlink.id, "old_status": change.old_status,
                          "new_status": change.new_status, "kind": change.kind})
    return _signal(backlink, change, verdict)


def record_check(backlink: Backlink, verdict: Verdict, *, now: datetime, score: QualityScore | None = None,
                 detail: dict | None = None, rendered: bool = False, render: RenderReport | None = None,
                 elapsed: float | None = None, confirm_after: timedelta = CONFIRM_AFTER) -> Outcome:
    """Store one check and move the backlink on: apply, hold as pending, or keep its status (not committed)."""
    if backlink.id is not None:
        _claim(backlink)
    streak = _unverified_streak(backlink) + 1 if verdict.status == "unverified" else 0
    evidence = verdict.to_dict()
    if render is not None:
        evidence["render"] = render.to_dict()
    check = LinkCheck(
        workspace_id=backlink.workspace_id, backlink=backlink, checked_at=now, status=verdict.status,
        found=verdict.found, match=verdict.match, http_status=verdict.http_status,
        final_url=(verdict.final_url or "")[:2048],
        anchor_text=verdict.anchor_text[:500] if verdict.anchor_text else None,
        placement=verdict.placement, indexable=verdict.indexable if verdict.http_status else None,
        outbound_links=verdict.outbound_links if verdict.http_status else None, reasons=list(verdict.reasons),
        evidence=evidence, score=score.score if score else None, score_version=score.version if score else None,
        score_detail=detail, rendered=rendered, elapsed_ms=round(elapsed * 1000) if elapsed is not None else None,
    )
    db.session.add(check)
    decision = decide(status=backlink.status, final_url=backlink.final_url or "", pending=backlink.pending_status,
                      source_url=backlink.source_url, new_status=verdict.status, new_final_url=verdict.final_url)
    if backlink.id is None:
        backlink.check_count = (backlink.check_count or 0) + 1
    backlink.last_checked_at = now
    outcome = Outcome(check=check, decision=decision)
    harm = (detail or {}).get("harm") or []
    if decision.action in ("apply", "same"):
        if decision.status != backlink.status:
            backlink.status, backlink.status_since = decision.status, now
        backlink.final_url = (decision.final_url or "")[:2048]
        backlink.pending_status = None
        if decision.status in LIVE:
            backlink.first_live_at = backlink.first_live_at or now
            backlink.lost_at = None
        _apply_score(backlink, score if decision.status != "unverified" else None, harm)
        change = decision.change
        if change is not None:
            if change.signal == "link_lost" or (change.new_status in LOST and backlink.first_live_at):
                backlink.lost_at = now
            outcome.signal = _announce(backlink, change, verdict, now)
    elif decision.action == "pending":
        backlink.pending_status = decision.pending
    backlink.next_check_at = next_check_at(
        now, placed_at=placed_at(backlink, now), status_since=backlink.status_since,
        pending=bool(backlink.pending_status), unverified_streak=streak, confirm_after=confirm_after,
    )
    return outcome
