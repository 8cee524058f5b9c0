"""outreach: inbox threads (one per contact and opportunity, with state, owner and per-user unread markers) and
saved snippets; every existing conversation with a reply becomes a thread

Revision ID: threads_1
Revises: variants_1
Create Date: 2026-12-07 13:00:00
"""
import sqlalchemy as sa
from alembic import op

import crm.db

# revision identifiers, used by Alembic.
revision = "threads_1"
down_revision = "variants_1"
branch_labels = None
depends_on = None

_WHEN = crm.db.UTCDateTime(timezone=True)


def _tables():
    reply = sa.table("reply", sa.column("id"), sa.column("workspace_id"), sa.column("contact_id"),
                     sa.column("opportunity_id"), sa.column("site_id"), sa.column("kind"),
                     sa.column("received_at", _WHEN), sa.column("read_at", _WHEN))
    message = sa.table("outbound_message", sa.column("workspace_id"), sa.column("contact_id"),
                       sa.column("opportunity_id"), sa.column("sent_at", _WHEN))
    opportunity = sa.table("opportunity", sa.column("id"), sa.column("campaign_id"), sa.column("owner_id"))
    membership = sa.table("membership", sa.column("workspace_id"), sa.column("user_id"))
    thread = sa.table("thread", sa.column("id"), sa.column("workspace_id"), sa.column("thread_key"),
                      sa.column("contact_id"), sa.column("opportunity_id"), sa.column("campaign_id"),
                      sa.column("site_id"), sa.column("state"), sa.column("owner_id"),
                      sa.column("last_inbound_at", _WHEN), sa.column("last_outbound_at", _WHEN),
                      sa.column("last_activity_at", _WHEN), sa.column("created_at", _WHEN),
                      sa.column("updated_at", _WHEN))
    unread = sa.table("thread_unread", sa.column("user_id"), sa.column("thread_id"), sa.column("workspace_id"),
                      sa.column("since", _WHEN))
    return reply, message, opportunity, membership, thread, unread


def _state(kind: str, last_in, last_out) -> str:
    # as crm.outreach.threads.state_after_inbound, with an answer or follow-up sent since then meaning "waiting"
    if kind in ("bounce", "unsubscribe"):
        return "done"
    if kind == "human" and (last_out is None or last_out < last_in):
        return "needs_reply"
    return "waiting"


def _backfill(conn) -> None:
    reply, message, opportunity, membership, thread, unread = _tables()
    groups: dict[tuple, list] = {}
    for row in conn.execute(sa.select(reply).where(reply.c.contact_id.is_not(None))
                            .order_by(reply.c.received_at, reply.c.id)):
        groups.setdefault((row.workspace_id, row.contact_id, row.opportunity_id), []).append(row)
    sent = {(r[0], r[1], r[2]): r[3] for r in conn.execute(
        sa.select(message.c.workspace_id, message.c.contact_id, message.c.opportunity_id, sa.func.max(message.c.sent_at))
        .where(message.c.sent_at.is_not(None), message.c.contact_id.is_not(None))
        .group_by(message.c.workspace_id, message.c.contact_id, message.c.opportunity_id))}
    opportunities = {r.id: r for r in conn.execute(sa.select(opportunity))}
    members: dict[int, list[int]] = {}
    for r in conn.execute(sa.select(membership)):
        members.setdefault(r.workspace_id, []).append(r.user_id)
    now = crm.db.utcnow()
    for (workspace_id, contact_id, opportunity_id), replies in groups.items():
        last = replies[-1]
        last_out = sent.get((workspace_id, contact_id, opportunity_id))
        opp = opportunities.get(opportunity_id)
        key = f"{contact_id}:{opportunity_id if opportunity_id is not None else '-'}"
        thread_id = conn.execute(thread.insert().values(
            workspace_id=workspace_id, thread_key=key, contact_id=contact_id, opportunity_id=opportunity_id,
            campaign_id=opp.campaign_id if opp else None, site_id=last.site_id, owner_id=opp.owner_id if opp else None,
            state=_state(last.kind, last.received_at, last_out), last_inbound_at=last.received_at,
            last_outbound_at=last_out, last_activity_at=max(filter(None, (last.received_at, last_out))),
            created_at=now, updated_at=now,
        ).returning(thread.c.id)).scalar_one()
        waiting = [r for r in replies if r.read_at is None]
        if waiting:  # a reply nobody marked read: unread for every member; read ones stay read
            for user_id in members.get(workspace_id, ()):
                conn.execute(unread.insert().values(user_id=user_id, thread_id=thread_id, workspace_id=workspace_id,
                                                    since=waiting[0].received_at))


def upgrade():
    op.create_table(
        "snippet",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("updated_at", _WHEN, nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"], name=op.f("fk_snippet_workspace_id_workspace"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_snippet")),
        sa.UniqueConstraint("workspace_id", "name", name=op.f("uq_snippet_workspace_id_name")),
    )
    with op.batch_alter_table("snippet", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_snippet_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "thread",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_key", sa.String(length=40), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("opportunity_id", sa.Integer(), nullable=True),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("last_inbound_at", _WHEN, nullable=True),
        sa.Column("last_outbound_at", _WHEN, nullable=True),
        sa.Column("last_activity_at", _WHEN, nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("updated_at", _WHEN, nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"], name=op.f("fk_thread_campaign_id_campaign"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"], name=op.f("fk_thread_contact_id_contact"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["opportunity_id"], ["opportunity.id"],
                                name=op.f("fk_thread_opportunity_id_opportunity"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["owner_id"], ["user_account.id"], name=op.f("fk_thread_owner_id_user_account"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_thread_site_id_site"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"], name=op.f("fk_thread_workspace_id_workspace"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_thread")),
        sa.UniqueConstraint("workspace_id", "thread_key", name=op.f("uq_thread_workspace_id_thread_key")),
    )
    with op.batch_alter_table("thread", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_thread_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_thread_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_thread_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_thread_workspace_id"), ["workspace_id"], unique=False)
        batch_op.create_index("ix_thread_workspace_id_last_inbound_at", ["workspace_id", "last_inbound_at"],
                              unique=False)

    op.create_table(
        "thread_unread",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("since", _WHEN, nullable=False),
        sa.ForeignKeyConstraint(["thread_id"], ["thread.id"], name=op.f("fk_thread_unread_thread_id_thread"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_thread_unread_user_id_user_account"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"],
                                name=op.f("fk_thread_unread_workspace_id_workspace"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "thread_id", name=op.f("pk_thread_unread")),
    )
    with op.batch_alter_table("thread_unread", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_thread_unread_thread_id"), ["thread_id"], unique=False)
        batch_op.create_index("ix_thread_unread_user_id_workspace_id", ["user_id", "workspace_id"], unique=False)

    _backfill(op.get_bind())


def downgrade():
    with op.batch_alter_table("thread_unread", schema=None) as batch_op:
        batch_op.drop_index("ix_thread_unread_user_id_workspace_id")
        batch_op.drop_index(batch_op.f("ix_thread_unread_thread_id"))
    op.drop_table("thread_unread")
    with op.batch_alter_table("thread", schema=None) as batch_op:
        batch_op.drop_index("ix_thread_workspace_id_last_inbound_at")
        batch_op.drop_index(batch_op.f("ix_thread_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_thread_owner_id"))
        batch_op.drop_index(batch_op.f("ix_thread_contact_id"))
        batch_op.drop_index(batch_op.f("ix_thread_campaign_id"))
    op.drop_table("thread")
    with op.batch_alter_table("snippet", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_snippet_workspace_id"))
    op.drop_table("snippet")
