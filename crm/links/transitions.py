"""What one check does to a backlink's status: apply it, wait for a confirming check, or leave it be (pure)."""

# A live link is never called lost on one fetch: a degrading change is held as pending until a second
# check agrees. Improvements and a link's first known status apply at once; checks that could not read
# the page (unverified) never change a known status.

from __future__ import annotations

from dataclasses import dataclass

from crm.net.matching import match_target

PRESENT = ("live", "live_nofollow", "not_indexable")  # the link is on the page
LIVE = ("live", "live_nofollow")
LOST = ("missing", "page_error")
UNKNOWN = ("unchecked", "unverified")
_RANK = {"live": 6, "live_nofollow": 5, "not_indexable": 4, "blocked": 3, "wrong_target": 2, "page_error": 1,
         "missing": 1}
MOVED = "+moved"  # suffix of a state key: the link is there, but the source page now redirects elsewhere


def moved(source_url: str, final_url: str | None) -> bool:
    """True when the source page ends up at a different page (not just http->https, www or a slash)."""
    if not final_url:
        return False
    return match_target(final_url, source_url) not in ("exact", "equivalent")


def state_key(status: str, source_url: str, final_url: str | None) -> str:
    """The monitored state: the status, marked when a page holding the link has moved (fits in 20 chars)."""
    return status + MOVED if status in PRESENT and moved(source_url, final_url) else status


def _split(key: str) -> tuple[str, bool]:
    return (key[: -len(MOVED)], True) if key.endswith(MOVED) else (key, False)


@dataclass(frozen=True)
class Change:
    """A confirmed change worth telling people about: its alert kind, and the signal it sends."""

    kind: str
    old_status: str
    new_status: str
    signal: str | None  # link_live, link_changed, link_lost, or None
    alert: bool  # an alert and a digest line (a known link changed; first results are not news)


@dataclass(frozen=True)
class Decision:
    """The outcome of one check for the backlink it checked."""

    action: str  # apply (status changes now), same, pending (await a second check), inconclusive
    status: str
    final_url: str
    pending: str | None = None
    change: Change | None = None


def _improves(old_key: str, new_key: str) -> bool:
    (old, old_moved), (new, new_moved) = _split(old_key), _split(new_key)
    if new == old:
        return old_moved and not new_moved
    return _RANK.get(new, 0) > _RANK.get(old, 0) and (old_moved or not new_moved)


def _kind(old: str, old_moved: bool, new: str, new_moved: bool, page_moved: bool) -> str:
    if new in LIVE and old not in PRESENT:
        return "live"
    if new in LOST:
        if page_moved and not old_moved:
            return "redirect"
        return "page_gone" if new == "page_error" else "removed"
    if new in ("wrong_target", "blocked"):
        return new
    if new == "not_indexable" and old != "not_indexable":
        return "noindex"
    if new == "live_nofollow" and old == "live":
        return "nofollow_added"
    if new_moved and not old_moved:
        return "redirect"
    if _improves(old + (MOVED if old_moved else ""), new + (MOVED if new_moved else "")):
        return "improved"
    return "changed"


def describe(old_key: str, new_key: str, page_moved: bool) -> Change | None:
    """The alert kind and signal of an applied change from one state to another; None when nothing to say."""
    (old, old_moved), (new, new_moved) = _split(old_key), _split(new_key)
    if new in LIVE and old not in LIVE:
        signal = "link_live"
    elif old in UNKNOWN:
        return None  # a first result that is not a live link: nothing was had, so nothing changed
    elif new in LOST and old not in LOST:
        signal = "link_lost"
    else:
        signal = "link_changed"
    kind = _kind(old, old_moved, new, new_moved, page_moved)
    return Change(kind=kind, old_status=old, new_status=new, signal=signal, alert=old not in UNKNOWN)


def decide(*, status: str, final_url: str, pending: str | None, source_url: str,
           new_status: str, new_final_url: str) -> Decision:
    """Decide what a check that found `new_status` (at `new_final_url`) does to a backlink in `status`."""
    if new_status == "unverified":
        if status in UNKNOWN:
            return Decision("apply", "unverified", final_url)
        return Decision("inconclusive", status, final_url, pending=pending)
    old_key = state_key(status, source_url, final_url)
    new_key = state_key(new_status, source_url, new_final_url)
    page_moved = moved(source_url, new_final_url)
    if status in UNKNOWN or _improves(old_key, new_key) or pending == new_key:
        change = describe(old_key, new_key, page_moved) if old_key != new_key else None
        return Decision("apply", new_status, new_final_url, change=change)
    if new_key == old_key:
        return Decision("same", status, new_final_url)  # also dismisses a pending change that did not recur
    return Decision("pending", status, final_url, pending=new_key)
