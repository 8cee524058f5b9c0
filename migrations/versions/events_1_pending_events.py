"""core: durable after-commit events (pending_event), written in the sender's transaction, dispatched once

Revision ID: events_1
Revises: threads_1
Create Date: 2026-12-08 01:30:00
"""
import sqlalchemy as sa
from alembic import op

import crm.db

# revision identifiers, used by Alembic.
revision = "events_1"
down_revision = "threads_1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "pending_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("signal", sa.String(length=40), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", crm.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("dispatched_at", crm.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_event")),
    )
    op.create_index("ix_pending_event_undispatched", "pending_event", ["dispatched_at", "created_at"], unique=False)


def downgrade():
    op.drop_index("ix_pending_event_undispatched", table_name="pending_event")
    op.drop_table("pending_event")
