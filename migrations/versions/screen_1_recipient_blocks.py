"""outreach: its own copy of contacts' and sites' statuses (recipient_block), the recipient's time zone on each
outbox row, so the outbox's claim reads no prospect table

Revision ID: screen_1
Revises: threads_2
Create Date: 2026-12-08 05:30:00
"""
import sqlalchemy as sa
from alembic import op

import crm.db

# revision identifiers, used by Alembic.
revision = "screen_1"
down_revision = "threads_2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "recipient_block",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("changed_at", crm.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"], name=op.f("fk_recipient_block_contact_id_contact"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_recipient_block_site_id_site"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"],
                                name=op.f("fk_recipient_block_workspace_id_workspace"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recipient_block")),
        sa.UniqueConstraint("contact_id", name=op.f("uq_recipient_block_contact_id")),
        sa.UniqueConstraint("site_id", name=op.f("uq_recipient_block_site_id")),
    )
    with op.batch_alter_table("recipient_block", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recipient_block_workspace_id"), ["workspace_id"], unique=False)
    with op.batch_alter_table("outbound_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recipient_timezone", sa.String(length=64), server_default="", nullable=False))

    # The statuses already set: every contact not ok and every site not active is refused mail as before.
    op.execute(
        "INSERT INTO recipient_block (workspace_id, contact_id, status, changed_at) "
        "SELECT workspace_id, id, status, updated_at FROM contact WHERE status <> 'ok'"
    )
    op.execute(
        "INSERT INTO recipient_block (workspace_id, site_id, status, changed_at) "
        "SELECT workspace_id, id, status, updated_at FROM site WHERE status <> 'active'"
    )
    # Mail not yet sent keeps being timed in its contact's zone (sent rows are never screened again).
    op.execute(
        "UPDATE outbound_message SET recipient_timezone = COALESCE((SELECT contact.timezone FROM contact "
        "WHERE contact.id = outbound_message.contact_id), '') "
        "WHERE contact_id IS NOT NULL AND status IN ('queued', 'sending', 'unknown')"
    )


def downgrade():
    with op.batch_alter_table("outbound_message", schema=None) as batch_op:
        batch_op.drop_column("recipient_timezone")
    with op.batch_alter_table("recipient_block", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recipient_block_workspace_id"))
    op.drop_table("recipient_block")
