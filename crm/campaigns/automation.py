"""Signal handlers: outreach and links announce events, and campaigns moves cards and makes tasks.

Each runs in the event dispatch's transaction, in its own savepoint, and never commits (crm/events.py).
"""

from __future__ import annotations

import logging

from sqlalchemy import select

from crm import events, timeline
from crm.campaigns import ledger, linkwords, stages, tasklist
from crm.campaigns.models import Campaign, Opportunity, Task
from crm.campaigns.pipeline import set_stage
from crm.db import utcnow
from crm.extensions import db
from crm.links.models import Backlink
from crm.links.wording import status_meaning
from crm.timeline import Activity

log = logging.getLogger(__name__)

# Link statuses after which a once-live link no longer does its job, so someone should look at it.
DEGRADED_LINK_STATUSES = frozenset({"live_nofollow", "not_indexable", "wrong_target", "missing", "page_error"})


def _opportunity(workspace_id, opportunity_id, campaign_id=None) -> Opportunity | None:
    """The opportunity named by an event, only when it belongs to the sender's workspace (and campaign)."""
    if opportunity_id is None:
        return None
    opportunity = db.session.get(Opportunity, opportunity_id)
    if opportunity is None or opportunity.workspace_id != workspace_id:
        return None
    if campaign_id is not None and opportunity.campaign_id != campaign_id:
        return None
    return opportunity


def _campaign(workspace_id, campaign_id) -> Campaign | None:
    if campaign_id is None:
        return None
    campaign = db.session.get(Campaign, campaign_id)
    return campaign if campaign is not None and campaign.workspace_id == workspace_id else None


def _lost_by_event(opportunity: Opportunity) -> bool:
    """True when the card's latest stage change was the verifier closing it as lost (not a person)."""
    last = db.session.scalar(
        select(Activity)
        .where(Activity.opportunity_id == opportunity.id, Activity.kind == "stage_changed")
        .order_by(Activity.happened_at.desc(), Activity.id.desc())
        .limit(1)
    )
    return last is not None and last.actor_id is None and (last.data or {}).get("to") == "lost"


def apply_event(opportunity: Opportunity, event: str, detail: str = "") -> bool:
    """Move a card as an event asks, when the stage rules allow it (not committed)."""
    lost_by_event = opportunity.stage == "lost" and event == "live" and _lost_by_event(opportunity)
    target = stages.automatic_move(opportunity.stage, event, lost_by_event=lost_by_event)
    if target is None:
        return False
    reason = stages.EVENT_REASONS[event] + (f" ({detail})" if detail else "")
    return set_stage(opportunity, target, actor_id=None, reason=reason)


def on_message_sent(sender, *, opportunity_id=None, campaign_id=None, step=None, **_):
    """A pitch or follow-up went out: the card is pitched (unless it has moved further)."""
    opportunity = _opportunity(sender, opportunity_id, campaign_id)
    if opportunity is not None:
        apply_event(opportunity, "sent", f"step {step}" if step else "")


def on_reply_received(sender, *, reply_id=None, kind="human", opportunity_id=None, campaign_id=None, **_):
    """A person answered: the card is replied and someone gets a "Reply waiting" task."""
    if kind != "human":
        return  # out-of-office, unsubscribe and bounce replies are outreach's business
    opportunity = _opportunity(sender, opportunity_id, campaign_id)
    if opportunity is None:
        return
    apply_event(opportunity, "reply")
    task = tasklist.ensure_task(
        sender, f"reply:{reply_id}", title=f"Reply waiting from {opportunity.site.domain}", kind="reply_waiting",
        notes="Read the reply in the inbox and answer it.", opportunity=opportunity,
    )
    if task is not None:
        timeline.record(sender, "task_created", f"Task: {task.title}", site_id=opportunity.site_id,
                        opportunity_id=opportunity.id)


def _backlink(workspace_id, backlink_id) -> Backlink | None:
    """The backlink named by an event, only when it belongs to the sender's workspace."""
    if backlink_id is None:
        return None
    backlink = db.session.get(Backlink, backlink_id)
    return backlink if backlink is not None and backlink.workspace_id == workspace_id else None


def _phrase(backlink: Backlink | None, opportunity: Opportunity | None) -> str:
    """"The link on example.com/post to our /guide", from what the event and the rows tell."""
    return linkwords.link_phrase(backlink.source_url if backlink else None, backlink.target_url if backlink else None,
                                 opportunity.site.domain if opportunity else "")


def close_lost_task(workspace_id: int, backlink_id: int) -> Task | None:
    """The open "link lost" task of a link verified live again, closed with a note (not committed)."""
    task = db.session.scalar(select(Task).where(Task.workspace_id == workspace_id,
                                                Task.origin == f"link-lost:{backlink_id}", Task.done_at.is_(None)))
    if task is None:
        return None
    now = utcnow()
    note = f"Closed automatically: the link was verified live again on {now:%d %b %Y}."
    task.done_at, task.notes = now, f"{task.notes}\n\n{note}".strip()
    if task.opportunity_id:
        timeline.record(workspace_id, "task_done", f"Task done: {task.title}", site_id=task.site_id,
                        opportunity_id=task.opportunity_id, data={"by": "event", "note": note})
    return task


def on_link_live(sender, *, backlink_id=None, opportunity_id=None, campaign_id=None, **_):
    """The verifier confirmed the link on the page: the card is live, and a "link lost" task closes itself."""
    backlink = _backlink(sender, backlink_id)
    if backlink_id is not None:
        close_lost_task(sender, backlink_id)
    opportunity = _opportunity(sender, opportunity_id, campaign_id)
    if opportunity is not None:
        detail = linkwords.short_page(backlink.source_url) if backlink else ""
        apply_event(opportunity, "live", f"on {detail}" if detail else "")


def on_link_lost(sender, *, backlink_id=None, opportunity_id=None, campaign_id=None, reasons=(), **_):
    """A won link disappeared: the card is lost and someone gets a task saying so in words."""
    opportunity = _opportunity(sender, opportunity_id, campaign_id)
    campaign = opportunity.campaign if opportunity else _campaign(sender, campaign_id)
    if campaign is None:
        return  # not a campaign's link: the links feature's own alerts cover it
    backlink = _backlink(sender, backlink_id)
    reasons = [str(r) for r in reasons or ()]
    title = linkwords.lost_title(_phrase(backlink, opportunity),
                                 linkwords.lost_status(reasons, backlink.status if backlink else None))
    if opportunity is not None:
        apply_event(opportunity, "lost", linkwords.reasons_text(reasons).rstrip("."))
    task = tasklist.ensure_task(
        sender, f"link-lost:{backlink_id}", title=title[:tasklist.MAX_TITLE], kind="link_lost",
        notes=f"{linkwords.reasons_text(reasons)} Ask the site to restore the link.",
        opportunity=opportunity, campaign=campaign,
    )
    if task is not None and opportunity is not None:
        timeline.record(sender, "task_created", f"Task: {task.title}", site_id=opportunity.site_id,
                        opportunity_id=opportunity.id)


def on_link_changed(sender, *, backlink_id=None, opportunity_id=None, campaign_id=None, old_status=None,
                    new_status=None, **_):
    """A live link changed: note it on the timeline, and ask someone to look when it got worse."""
    opportunity = _opportunity(sender, opportunity_id, campaign_id)
    if opportunity is None:
        return
    timeline.record(
        sender, "link_changed", linkwords.changed_text(old_status, new_status),
        site_id=opportunity.site_id, opportunity_id=opportunity.id,
        data={"backlink_id": backlink_id, "old_status": old_status, "new_status": new_status},
    )
    if old_status == "live" and new_status in DEGRADED_LINK_STATUSES:
        phrase = _phrase(_backlink(sender, backlink_id), opportunity)
        tasklist.ensure_task(
            sender, f"link-changed:{backlink_id}:{new_status}",
            title=linkwords.lost_title(phrase, linkwords.lost_status((), new_status))[:tasklist.MAX_TITLE],
            kind="link_changed", notes=f"{status_meaning(new_status)} Check the page and contact the site.",
            opportunity=opportunity,
        )


def on_link_cost_set(sender, *, backlink_id=None, campaign_id=None, opportunity_id=None, cost_cents=None,
                     currency="", source_url="", placed_on=None, deleted=False, **_):
    """A backlink's cost was entered, changed, cleared, or the backlink deleted: its one ledger entry follows."""
    if backlink_id is None:
        return
    if _opportunity(sender, opportunity_id, campaign_id) is None:
        opportunity_id = None
    ledger.sync_backlink_cost(sender, backlink_id=backlink_id, campaign_id=campaign_id,
                              opportunity_id=opportunity_id, cost_cents=cost_cents, currency=currency,
                              source_url=source_url, placed_on=placed_on, deleted=deleted)


def connect() -> None:
    """Subscribe to the events outreach and links send (blinker ignores repeated connections)."""
    events.message_sent.connect(on_message_sent)
    events.reply_received.connect(on_reply_received)
    events.link_live.connect(on_link_live)
    events.link_lost.connect(on_link_lost)
    events.link_changed.connect(on_link_changed)
    events.link_cost_set.connect(on_link_cost_set)
