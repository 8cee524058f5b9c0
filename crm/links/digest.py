"""The daily email digest of link alerts, per workspace, for its owners and admins.

`build_digest(workspace_id, since)` gives the subject and text; `send_digests` mails them through the core mail
path (crm.mail), so they go wherever MAIL_BACKEND says: the file backend's outbox, or SendGrid.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import func, select

from crm.accounts.models import Membership, User, Workspace
from crm.db import utcnow
from crm.extensions import db
from crm.links.models import LinkAlert
from crm.links.wording import alert_title
from crm.mail import delivery

DEFAULT_SENDER = "links@outreach-crm.invalid"  # when LINKS_DIGEST_FROM is unset
MAX_LINES = 200


def _alerts(workspace_id: int, since: datetime) -> list[LinkAlert]:
    return list(db.session.scalars(
        select(LinkAlert).where(LinkAlert.workspace_id == workspace_id, LinkAlert.created_at >= since)
        .order_by(LinkAlert.created_at, LinkAlert.id)
    ))


def build_digest(workspace_id: int, since: datetime) -> tuple[str, str] | None:
    """Subject and plain text of the workspace's link alerts since a time; None when there are none."""
    alerts = _alerts(workspace_id, since)
    if not alerts:
        return None
    workspace = db.session.get(Workspace, workspace_id)
    base = (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    bad = sum(1 for a in alerts if a.kind not in ("live", "improved"))
    subject = f"{workspace.name}: {len(alerts)} link change{'s' if len(alerts) != 1 else ''}"
    if bad:
        subject += f" ({bad} need{'s' if bad == 1 else ''} attention)"
    lines = [f"Link changes in {workspace.name} since {since:%Y-%m-%d %H:%M} UTC, confirmed by a second check.", ""]
    by_kind: dict[str, list[LinkAlert]] = {}
    for alert in alerts:
        by_kind.setdefault(alert.kind, []).append(alert)
    shown = 0
    for kind, group in by_kind.items():
        lines.append(f"{alert_title(kind)} ({len(group)})")
        for alert in group:
            if shown >= MAX_LINES:
                break
            shown += 1
            lines.append(f"- {alert.message}")
            lines.append(f"  {base}/backlinks/{alert.backlink_id}")
        lines.append("")
    if shown < len(alerts):
        lines.append(f"... and {len(alerts) - shown} more: {base}/backlinks/alerts")
    lines.append(f"All alerts: {base}/backlinks/alerts")
    return subject, "\n".join(lines) + "\n"


def recipients(workspace_id: int) -> list[str]:
    """Email addresses of the workspace's active owners and admins."""
    return list(db.session.scalars(
        select(User.email).join(Membership, Membership.user_id == User.id)
        .where(Membership.workspace_id == workspace_id, Membership.role.in_(("owner", "admin")), User.active)
        .order_by(User.email)
    ))


def send_digests(now: datetime | None = None) -> dict:
    """Mail one digest per workspace with undigested alerts, then mark those alerts digested. Commits."""
    now = now or utcnow()
    sender = delivery.address_setting("LINKS_DIGEST_FROM", DEFAULT_SENDER)
    rows = db.session.execute(
        select(LinkAlert.workspace_id, func.min(LinkAlert.created_at))
        .where(LinkAlert.digested_at.is_(None)).group_by(LinkAlert.workspace_id)
    ).all()
    sent = skipped = 0
    for workspace_id, oldest in rows:
        built = build_digest(workspace_id, oldest)
        to = recipients(workspace_id)
        if built is not None and to:
            key = f"links-digest-{workspace_id}-{now:%Y%m%dT%H%M%S}"
            delivery.send_notice(*built, to, key, "link-digest", sender=sender)
            sent += 1
        else:
            skipped += 1
        for alert in db.session.scalars(select(LinkAlert).where(LinkAlert.workspace_id == workspace_id,
                                                                 LinkAlert.digested_at.is_(None),
                                                                 LinkAlert.created_at <= now)):
            alert.digested_at = now
    db.session.commit()
    return {"digests": sent, "skipped": skipped}
