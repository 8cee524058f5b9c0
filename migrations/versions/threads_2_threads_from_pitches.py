"""outreach: every conversation pitched before threads began at the first pitch gets its thread, waiting for the
contact (threads_1 made threads only where a reply had come)

Revision ID: threads_2
Revises: events_1
Create Date: 2026-12-08 05:00:00
"""
import sqlalchemy as sa
from alembic import op

import crm.db

# revision identifiers, used by Alembic.
revision = "threads_2"
down_revision = "events_1"
branch_labels = None
depends_on = None

_WHEN = crm.db.UTCDateTime(timezone=True)


def _tables():
    message = sa.table("outbound_message", sa.column("id"), sa.column("workspace_id"), sa.column("contact_id"),
                       sa.column("opportunity_id"), sa.column("campaign_id"), sa.column("site_id"),
                       sa.column("sent_at", _WHEN))
    opportunity = sa.table("opportunity", sa.column("id"), sa.column("owner_id"))
    thread = sa.table("thread", sa.column("workspace_id"), sa.column("thread_key"), sa.column("contact_id"),
                      sa.column("opportunity_id"), sa.column("campaign_id"), sa.column("site_id"),
                      sa.column("state"), sa.column("owner_id"), sa.column("last_outbound_at", _WHEN),
                      sa.column("last_activity_at", _WHEN), sa.column("created_at", _WHEN),
                      sa.column("updated_at", _WHEN))
    return message, opportunity, thread


def _key(contact_id: int, opportunity_id: int | None) -> str:
    # as crm.outreach.threads.thread_key
    return f"{contact_id}:{opportunity_id if opportunity_id is not None else '-'}"


def upgrade():
    conn = op.get_bind()
    message, opportunity, thread = _tables()
    have = {(r.workspace_id, r.thread_key) for r in conn.execute(sa.select(thread.c.workspace_id, thread.c.thread_key))}
    owners = dict(conn.execute(sa.select(opportunity.c.id, opportunity.c.owner_id)).all())
    sent = (sa.select(message).where(message.c.sent_at.is_not(None), message.c.contact_id.is_not(None))
            .order_by(message.c.sent_at, message.c.id))
    first: dict[tuple, dict] = {}
    for row in conn.execute(sent):
        key = (row.workspace_id, _key(row.contact_id, row.opportunity_id))
        if key in have:
            continue
        if key not in first:  # the first pitch opens the thread; later follow-ups move its last outbound time
            first[key] = {"workspace_id": row.workspace_id, "thread_key": key[1], "contact_id": row.contact_id,
                          "opportunity_id": row.opportunity_id, "campaign_id": row.campaign_id,
                          "site_id": row.site_id, "owner_id": owners.get(row.opportunity_id), "state": "waiting",
                          "created_at": row.sent_at}
        first[key].update(last_outbound_at=row.sent_at, last_activity_at=row.sent_at, updated_at=row.sent_at)
    if first:
        conn.execute(thread.insert(), list(first.values()))


def downgrade():
    # The threads made here cannot be told from those made by later pitches; they stay, as later pitches' do.
    pass
