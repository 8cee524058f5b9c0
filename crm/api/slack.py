"""The same events in words, as a Slack incoming-webhook message."""

from __future__ import annotations

_SENTENCES = {
    "reply.received": "A {kind} reply came in (reply {reply_id}, contact {contact_id}, opportunity {opportunity_id}).",
    "message.bounced": "A message to {email} bounced (message {message_id}).",
    "contact.unsubscribed": "{email} unsubscribed (contact {contact_id}).",
    "opportunity.stage_changed": "Opportunity {opportunity_id} moved from {from_stage} to {to_stage}.",
    "backlink.live": "Backlink {backlink_id} is live.",
    "backlink.changed": "Backlink {backlink_id} changed from {old_status} to {new_status}.",
    "backlink.lost": "Backlink {backlink_id} was lost.",
    "import.finished": "An import finished: {new} new, {updated} updated, {skipped} skipped, {errors} errors.",
    "webhook.test": "Test event from the CRM: this Slack endpoint works.",
}


class _Blank(dict):
    def __missing__(self, key):
        return "?"


def text(event: dict) -> str:
    """One plain sentence for the event (Slack's "text"), with the ids a person can look up."""
    sentence = _SENTENCES.get(event.get("type"), "Event {type}.")
    values = _Blank({"type": event.get("type", "")})
    values.update({key: ("?" if value is None else value) for key, value in (event.get("data") or {}).items()})
    return sentence.format_map(values)
