"""The pipeline's stage rules: labels, the funnel order, and what an event may do to a card (pure)."""

from __future__ import annotations

from datetime import datetime

from crm.campaigns.models import CLOSED_STAGES, OPEN_STAGES, STAGES

LABELS = {
    "prospect": "Prospect",
    "pitched": "Pitched",
    "replied": "Replied",
    "negotiating": "Negotiating",
    "won": "Won",
    "live": "Live",
    "declined": "Declined",
    "no_response": "No response",
    "lost": "Lost",
}
RANK = {stage: rank for rank, stage in enumerate(OPEN_STAGES)}
WON_STAGES = ("won", "live")

# Events other features announce, and the stage each one points a card to.
EVENT_TARGETS = {"sent": "pitched", "reply": "replied", "live": "live", "lost": "lost"}
EVENT_REASONS = {
    "sent": "message sent",
    "reply": "reply received",
    "live": "link verified live",
    "lost": "link lost",
}


def label(stage: str) -> str:
    """The stage as people read it."""
    return LABELS.get(stage, stage.replace("_", " ").capitalize())


def is_closed(stage: str) -> bool:
    """True for the stages that end a conversation (declined, no response, lost)."""
    return stage in CLOSED_STAGES


def check_stage(stage: str) -> str:
    """A known stage, or ValueError with a message for the person."""
    if stage not in STAGES:
        raise ValueError(f"Unknown stage {stage!r}; choose one of {', '.join(label(s) for s in STAGES)}.")
    return stage


def automatic_move(current: str, event: str, *, lost_by_event: bool = False) -> str | None:
    """The stage an event moves a card to, or None to leave the card where it is.

    The rules, so that a person's decision always wins over an automatic one:
    - events only move a card forward along prospect → pitched → replied → negotiating → won → live;
      a late "sent" never pulls a negotiating card back to pitched;
    - "link lost" closes only cards whose link existed (won or live) and never a card a person moved elsewhere;
    - a closed card stays closed, except that evidence reopens it: a human reply or a live link proves
      "no response" wrong, and a live link reopens a card that the verifier (not a person) closed as lost.
    """
    target = EVENT_TARGETS[event]
    if current == target:
        return None
    if event == "lost":
        return target if current in WON_STAGES else None
    if current in RANK:
        return target if RANK[target] > RANK[current] else None
    if current == "no_response" and event in ("reply", "live"):
        return target
    if current == "lost" and event == "live" and lost_by_event:
        return target
    return None


def won_at_after(stage: str, won_at: datetime | None, now: datetime) -> datetime | None:
    """When the card counts as won after moving to `stage`: set on reaching won or live, cleared when moved back."""
    if stage in WON_STAGES:
        return won_at or now
    if stage in RANK:  # back in the open funnel before won: the win did not happen after all
        return None
    return won_at  # closed: a lost link was still won once (and paid for)


def funnel_counts(by_stage: dict[str, int], won_but_lost: int = 0) -> dict[str, int]:
    """Cumulative funnel numbers from the count of cards per stage.

    A card counts for every step it has passed: a replied card was pitched; a declined one was pitched and
    replied; "no response" was pitched; "lost" was pitched and replied, and counts as won when it was won
    before (`won_but_lost`, cards in lost with a won date).
    """
    n = {stage: by_stage.get(stage, 0) for stage in STAGES}
    won = n["won"] + n["live"] + won_but_lost
    replied = n["replied"] + n["negotiating"] + n["won"] + n["live"] + n["declined"] + n["lost"]
    pitched = replied + n["pitched"] + n["no_response"]
    return {
        "prospects": sum(n.values()),
        "pitched": pitched,
        "replied": replied,
        "won": won,
        "live_stage": n["live"],
    }
