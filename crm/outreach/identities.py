"""Sender identities: their sending window and time zone as scheduling values, daily-cap counts, and saving them."""

from __future__ import annotations

import re
from datetime import datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select

from crm.accounts import audit
from crm.db import all_or_nothing
from crm.extensions import db
from crm.outreach.models import OutboundMessage, SenderIdentity
from crm.outreach.scheduling import SendingWindow, day_bounds

# statuses that use up a day's allowance: everything planned or gone out, not what was cancelled or failed
COUNTED_STATUSES = ("queued", "sending", "sent", "delivered", "opened", "clicked", "bounced", "unknown")
_CLOCK = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class IdentityError(ValueError):
    """A sender identity's settings cannot be used; the message says which and why."""


def parse_clock(value: str) -> time:
    """"09:00" as a time; "24:00" means the end of the day."""
    match = _CLOCK.match((value or "").strip())
    if not match:
        raise IdentityError(f"{value!r} is not a time of day like 09:00")
    hours, minutes = int(match.group(1)), int(match.group(2))
    if hours == 24:
        if minutes:
            raise IdentityError("24:00 is the latest time a window can end")
        return time.max
    return time(hours, minutes)


def zone_named(name: str | None) -> ZoneInfo | None:
    """The IANA time zone of that name, or None when unknown or blank."""
    if not name or not name.strip():
        return None
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        return None


def sender_zone(sender: SenderIdentity) -> ZoneInfo:
    """The identity's time zone; IdentityError when it is not a known zone."""
    zone = zone_named(sender.timezone)
    if zone is None:
        raise IdentityError(f"the time zone {sender.timezone!r} is not known (use a name like Europe/London)")
    return zone


def sending_window(sender: SenderIdentity) -> SendingWindow:
    """The identity's window as a scheduling value; IdentityError when its settings make no window."""
    digits = {int(c) for c in (sender.window_days or "") if c in "1234567"}
    if not digits:
        raise IdentityError("the sending window has no days")
    try:
        return SendingWindow(
            days=frozenset(d - 1 for d in digits),  # stored ISO (1 = Monday), scheduled with Monday = 0
            start=parse_clock(sender.window_start),
            end=parse_clock(sender.window_end),
            use_recipient_zone=bool(sender.use_recipient_timezone),
        )
    except ValueError as exc:
        raise IdentityError(str(exc)) from exc


def window_zone(sender: SenderIdentity, recipient_timezone: str | None) -> ZoneInfo:
    """The zone the window is read in for one recipient: theirs when the identity asks for it and it is known."""
    window = sending_window(sender)
    return window.zone(sender_zone(sender), zone_named(recipient_timezone))


def describe_window(sender: SenderIdentity) -> str:
    """The window in words, e.g. "Mon to Fri 09:00 to 17:00 (Europe/London)"."""
    days = [WEEKDAYS[int(c) - 1] for c in sorted(set(sender.window_days or "")) if c in "1234567"]
    consecutive = days and len(days) > 2 and _consecutive(sender.window_days)
    span = f"{days[0]} to {days[-1]}" if consecutive else ", ".join(days)
    zone = "recipient's time zone" if sender.use_recipient_timezone else sender.timezone
    return f"{span}, {sender.window_start} to {sender.window_end} ({zone})"


def _consecutive(digits: str) -> bool:
    values = sorted({int(c) for c in digits if c in "1234567"})
    return values == list(range(values[0], values[-1] + 1)) if values else False


def planned_on_day(sender_id: int, moment: datetime, zone: ZoneInfo) -> int:
    """How many of the identity's messages are planned for or went out on the local day holding `moment`."""
    start, end = day_bounds(moment, zone)
    query = select(func.count(OutboundMessage.id)).where(
        OutboundMessage.sender_id == sender_id,
        OutboundMessage.status.in_(COUNTED_STATUSES),
        OutboundMessage.due_at >= start,
        OutboundMessage.due_at < end,
    )
    return db.session.scalar(query) or 0


def sent_on_day(sender_id: int, moment: datetime, zone: ZoneInfo) -> int:
    """How many of the identity's messages actually went out on the local day holding `moment`."""
    start, end = day_bounds(moment, zone)
    query = select(func.count(OutboundMessage.id)).where(
        OutboundMessage.sender_id == sender_id,
        OutboundMessage.sent_at >= start,
        OutboundMessage.sent_at < end,
    )
    return db.session.scalar(query) or 0


def validate(sender: SenderIdentity) -> None:
    """Raise IdentityError when the identity's window, zone or cap cannot be used."""
    sending_window(sender)
    sender_zone(sender)
    if sender.daily_cap is None or sender.daily_cap < 0:
        raise IdentityError("the daily cap cannot be negative (0 means no cap)")


@all_or_nothing
def save_identity(sender: SenderIdentity) -> SenderIdentity:
    """Check and store a sender identity (new or changed); commits, or raises IdentityError with nothing kept."""
    sender.from_email = sender.from_email.strip().lower()
    sender.reply_domain = (sender.reply_domain or "").strip().lower()
    validate(sender)
    db.session.add(sender)
    audit.record(sender.workspace_id, "sender_changed" if sender.id else "sender_created",
                 detail=audit.changes(sender, "from_email"))
    db.session.commit()
    return sender
