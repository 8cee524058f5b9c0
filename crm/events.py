"""The product's domain events as signals: one feature announces, others subscribe."""

import logging
from collections.abc import Callable

from blinker import Namespace
from sqlalchemy import event
from sqlalchemy.orm import Session

_signals = Namespace()

# Outreach announces these; each is sent with sender=workspace_id and keyword arguments named below.
message_sent = _signals.signal("message-sent")  # message_id, campaign_id, opportunity_id, contact_id, step
reply_received = _signals.signal("reply-received")  # reply_id, kind, campaign_id, opportunity_id, contact_id
bounce = _signals.signal("bounce")  # message_id, contact_id, email, permanent
unsubscribe = _signals.signal("unsubscribe")  # contact_id, email

# Links announces these; each is sent with sender=workspace_id.
link_live = _signals.signal("link-live")  # backlink_id, opportunity_id, campaign_id
link_changed = _signals.signal("link-changed")  # backlink_id, opportunity_id, campaign_id, old_status, new_status
link_lost = _signals.signal("link-lost")  # backlink_id, opportunity_id, campaign_id, reasons
# backlink_id, campaign_id, opportunity_id, cost_cents (None: no cost), currency, source_url, placed_on, deleted
link_cost_set = _signals.signal("link-cost-set")

# Campaigns announces this after the commit of any stage change, by a person or an event; sender=workspace_id.
# reason: "" for a person's move, else why it moved ("reply received", "link verified live", ...)
stage_changed = _signals.signal("stage-changed")  # opportunity_id, campaign_id, site_id, from_stage, to_stage, reason

# Prospects announces this when a background import has committed; sender=workspace_id.
import_finished = _signals.signal("import-finished")  # job_id, format, new, updated, skipped, errors


# Announcing after the commit: a sender inside someone's transaction queues its signal on the session, and it is
# sent once that transaction has committed (subscribers then see saved rows and may commit their own work without
# saving the caller's half-done work early). A rollback drops what was queued in the rolled-back (sub)transaction.
_PENDING, _READY, _MARKS = "events_pending", "events_ready", "events_savepoint_marks"
log = logging.getLogger(__name__)


def after_commit(announce: Callable[[], object], session=None) -> None:
    """Run `announce()` once the session's current transaction commits; never when it rolls back."""
    if session is None:
        from crm.extensions import db

        session = db.session()
    session.info.setdefault(_PENDING, []).append(announce)


def send_after_commit(signal, sender, session=None, **kwargs) -> None:
    """Send `signal` with these arguments once the session's current transaction commits."""
    after_commit(lambda: signal.send(sender, **kwargs), session)


@event.listens_for(Session, "after_transaction_create")
def _mark_savepoint(session, transaction) -> None:
    if transaction.nested:
        session.info.setdefault(_MARKS, {})[transaction] = len(session.info.get(_PENDING, ()))


@event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(session, previous_transaction) -> None:
    pending = session.info.get(_PENDING)
    if not pending:
        return
    mark = session.info.get(_MARKS, {}).get(previous_transaction, len(pending)) if previous_transaction.nested else 0
    del pending[mark:]


@event.listens_for(Session, "after_commit")
def _ready(session) -> None:
    session.info.setdefault(_READY, []).extend(session.info.pop(_PENDING, ()))


@event.listens_for(Session, "after_transaction_end")
def _announce(session, transaction) -> None:
    if transaction.nested:
        session.info.get(_MARKS, {}).pop(transaction, None)
        return
    if transaction.parent is not None:
        return
    session.info.pop(_PENDING, None)  # never committed (closed or rolled back): nothing happened to announce
    session.info.pop(_MARKS, None)
    ready = session.info.pop(_READY, [])
    for announce in ready:  # the session is free again: subscribers may query and commit
        try:
            announce()
        except Exception:
            log.exception("a subscriber failed after a commit; the committed change stands")
            session.rollback()
