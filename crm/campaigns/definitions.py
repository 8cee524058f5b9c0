"""What each campaign figure counts, written down once: the rules the queries follow and the notes shown beside them."""

from __future__ import annotations

# A reply is an inbound message we recorded and classified as written by a person. Out-of-office mail,
# bounces and unsubscribes are not replies, and neither is a card moved to "Replied" by hand.
REPLY_KINDS = ("human",)
# Stages a card reaches only after an answer; a card there without a recorded reply was marked by hand.
ANSWERED_STAGES = ("replied", "negotiating", "won", "live", "declined", "lost")
# Won means a placement was agreed: the card is won or live, or it was won before it was lost.
WON_STAGES = ("won", "live")
# A positive reply is a reply (as above) the marketer marked as a good answer in the conversation.
# Opened and clicked read the provider's events on the message; a click implies an open. Privacy proxies
# (Apple Mail Privacy Protection and the like) fetch every image, so opens are a weak signal.
OPENED_STATUSES = ("opened", "clicked")
CLICKED_STATUSES = ("clicked",)
# Live means the link's last confirmed check found it on an indexable page (followed or not).
LIVE_STATUSES = ("live", "live_nofollow")

HOW_WE_COUNT = {
    "prospects": "Every site added to the campaign's board.",
    "pitched": "Sites we sent at least one message to.",
    "replied": "Sites that answered with a reply written by a person; out-of-office mail, bounces, "
               "unsubscribes and cards moved by hand are not counted.",
    "hand_replied": "Cards moved to Replied or beyond by hand with no reply recorded; not counted as replies.",
    "reply_rate": "Sites that replied ÷ sites pitched.",
    "won": "Sites where a placement was agreed (the card reached Won, even if the link was lost later).",
    "live": "Links the last confirmed check found live on an indexable page, followed or not.",
    "average_quality": "Mean quality score of the live links that have one.",
    "lost": "Links removed, pointing elsewhere or on a broken page, and not back.",
    "spent": "Every entry in the cost ledger in the campaign's currency: placements paid, content, tools, fees.",
    "cost_per_live_link": "Spent ÷ live links.",
    "cost_per_point": "Spent ÷ quality points of the live links.",
    "template_replies": "Messages sent with each template or at each step, and those answered by a person.",
    "variant_test": "Per variant of a step: messages sent, those answered by a person, those answers marked "
                    "positive, and messages opened or clicked (each out of the messages sent). Opens are a weak "
                    "signal: privacy proxies open mail on their own.",
}


def note(key: str) -> str:
    """The "how we count this" note for a figure."""
    return HOW_WE_COUNT[key]
