"""Campaign reports mailed each month to a client address, each mail carrying a fresh share link to the page."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import select

from crm.accounts import audit
from crm.accounts.auth import normalise_email
from crm.accounts.models import User, Workspace
from crm.campaigns.models import Campaign
from crm.campaigns.reporting import headlines
from crm.db import utcnow
from crm.extensions import db
from crm.mail import delivery
from crm.mail.link_safety import REAL_BACKENDS, unsafe_base_url_reason
from crm.mail.message import Address
from crm.reports import sharing
from crm.reports.models import ReportSchedule

log = logging.getLogger(__name__)

SEND_HOUR = 7  # UTC: early morning in Europe, the evening before in the Americas; in the inbox by the workday
SHARE_DAYS = 30  # each month's mail brings its own link, so old ones need not live long
MAX_PER_CAMPAIGN = 10
MAX_FAILURES = 5  # then this month's mail is given up and the next month tried
RETRY_AFTER = timedelta(hours=1)
BATCH = 100


class ScheduleError(ValueError):
    """A schedule that cannot be made, with a message for the user."""


def next_send_at(after: datetime, day: int, hour: int = SEND_HOUR) -> datetime:
    """The first moment strictly after `after` that is day `day` of a month at `hour`:00 UTC."""
    after = after.astimezone(UTC)
    candidate = datetime(after.year, after.month, day, hour, tzinfo=UTC)
    if candidate <= after:
        year, month = (after.year + 1, 1) if after.month == 12 else (after.year, after.month + 1)
        candidate = datetime(year, month, day, hour, tzinfo=UTC)
    return candidate


def for_campaign(workspace_id: int, campaign_id: int) -> list[ReportSchedule]:
    """The campaign's schedules, oldest first."""
    return list(db.session.scalars(
        select(ReportSchedule).where(ReportSchedule.workspace_id == workspace_id,
                                     ReportSchedule.campaign_id == campaign_id).order_by(ReportSchedule.id)
    ))


def create(campaign: Campaign, user_id: int | None, recipient: str, day: int, notes: dict[str, bool] | None = None,
           now: datetime | None = None) -> ReportSchedule:
    """Mail the campaign's report to `recipient` on day `day` of every month; commits."""
    email = normalise_email(recipient)
    try:
        Address(email)
    except ValueError:
        raise ScheduleError(f"{recipient.strip() or 'That'} is not an email address.") from None
    if not 1 <= day <= 28:
        raise ScheduleError("Choose a day between 1 and 28, so every month has it.")
    existing = for_campaign(campaign.workspace_id, campaign.id)
    if any(row.recipient == email for row in existing):
        raise ScheduleError(f"{email} already gets this report every month.")
    if len(existing) >= MAX_PER_CAMPAIGN:
        raise ScheduleError(f"A report can be mailed to at most {MAX_PER_CAMPAIGN} addresses.")
    row = ReportSchedule(workspace_id=campaign.workspace_id, campaign_id=campaign.id, recipient=email,
                         day_of_month=day, created_by_id=user_id, created_at=utcnow(),
                         next_send_at=next_send_at(now or utcnow(), day), **sharing.ticked(notes))
    db.session.add(row)
    audit.record(campaign.workspace_id, "report_schedule_created", user_id,
                 detail={"campaign_id": campaign.id, "recipient": email, "day": day, **sharing.ticked(notes)})
    db.session.commit()
    return row


def delete(row: ReportSchedule, user_id: int | None) -> None:
    """Stop mailing the report to that address; commits."""
    audit.record(row.workspace_id, "report_schedule_deleted", user_id,
                 detail={"campaign_id": row.campaign_id, "recipient": row.recipient})
    db.session.delete(row)
    db.session.commit()


def refusal(config) -> str | None:
    """Why a real mail backend must not send report mail now (its link would not open for the client), or None."""
    if (config.get("MAIL_BACKEND") or "file") not in REAL_BACKENDS:
        return None
    reason = unsafe_base_url_reason(config.get("PUBLIC_BASE_URL", ""))
    return reason and reason.replace("unsubscribe links", "report links")


def _share_url(token: str) -> str:
    # Built by hand: the job has no request to build an address from, and the share route is a fixed interface.
    base = (current_app.config.get("PUBLIC_BASE_URL") or "http://127.0.0.1:5000").rstrip("/")
    return f"{base}/share/{token}"


def compose(row: ReportSchedule, now: datetime) -> tuple[str, str, str]:
    """Subject, text and HTML of this month's mail, with a new share link showing what the schedule allows."""
    campaign = db.session.get(Campaign, row.campaign_id)
    workspace = db.session.get(Workspace, row.workspace_id)
    link, token = sharing.create(row.workspace_id, row.campaign_id, row.created_by_id, SHARE_DAYS,
                                 current_app.config["SECRET_KEY"], notes=sharing.notes_of(row))
    context = {"workspace": workspace, "campaign": campaign, "headline": headlines.campaign_headline(
        row.workspace_id, campaign), "notes": sharing.notes_of(row), "url": _share_url(token),
        "expires_at": link.expires_at, "as_of": now}
    subject = f"{campaign.name}: link-building report, {now:%B %Y}"
    # The app's own templates, without the page context processors: a job has no request or signed-in user.
    env = current_app.jinja_env
    return (subject, env.get_template("reports/mail/monthly.txt").render(**context),
            env.get_template("reports/mail/monthly.html").render(**context))


def _sender(row: ReportSchedule) -> tuple[Address, Address | None]:
    """From: the workspace's name (white label) at the reports address; Reply-To: whoever made the schedule."""
    workspace = db.session.get(Workspace, row.workspace_id)
    email = current_app.config.get("REPORTS_FROM") or "reports@outreach-crm.invalid"
    maker = db.session.get(User, row.created_by_id) if row.created_by_id else None
    return Address(email, workspace.name.replace("\n", " ")), Address(maker.email) if maker else None


def _send_one(row: ReportSchedule, now: datetime, refused: str | None) -> str:
    """Mail one due report; returns "sent", "failed" or "refused". Commits."""
    # Claimed first: a worker killed after this point skips the month rather than mailing the client twice.
    period = f"{now:%Y-%m}"
    due_again = next_send_at(now, row.day_of_month)
    row.next_send_at = due_again
    db.session.commit()
    if refused:
        outcome, error = "refused", refused
    else:
        sender, reply_to = _sender(row)
        subject, text, html = compose(row, now)
        accepted = delivery.send_notice(subject, text, [row.recipient], f"report-{row.id}-{period}", "campaign-report",
                                         sender=sender, reply_to=reply_to, html=html)
        outcome, error = ("sent", "") if accepted else ("failed", "The mail service did not accept the message.")
    if outcome == "sent":
        row.last_sent_at, row.last_error, row.failures = now, "", 0
    else:
        row.failures += 1
        row.last_error = error
        if row.failures < MAX_FAILURES:
            row.next_send_at = min(due_again, now + RETRY_AFTER)
        else:
            row.failures = 0
        log.warning("monthly report %s to %s not sent: %s", row.id, row.recipient, error)
    db.session.commit()
    return outcome


def send_due(now: datetime | None = None) -> dict:
    """Mail every report whose day has come (the periodic job and `reports send-due`); returns counts."""
    now = now or utcnow()
    refused = refusal(current_app.config)
    counts = {"sent": 0, "failed": 0, "refused": 0}
    ids = list(db.session.scalars(select(ReportSchedule.id).where(ReportSchedule.next_send_at <= now)
                                  .order_by(ReportSchedule.next_send_at, ReportSchedule.id).limit(BATCH)))
    for schedule_id in ids:
        row = db.session.get(ReportSchedule, schedule_id)
        if row is not None and row.next_send_at <= now:
            counts[_send_one(row, now, refused)] += 1
    if refused:
        counts["reason"] = refused
    return counts
