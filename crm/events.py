"""The product's domain events as signals: one feature announces, others subscribe."""

from blinker import Namespace

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

# Campaigns announces this when a person moves a card, after the commit; sender=workspace_id.
stage_changed = _signals.signal("stage-changed")  # opportunity_id, campaign_id, site_id, from_stage, to_stage

# Prospects announces this when a background import has committed; sender=workspace_id.
import_finished = _signals.signal("import-finished")  # job_id, format, new, updated, skipped, errors
