"""reports: campaign reports mailed monthly to a client address

Revision ID: schedule_1
Revises: share_1
Create Date: 2026-12-07 13:10:00
"""
import sqlalchemy as sa
from alembic import op

import crm.db

# revision identifiers, used by Alembic.
revision = "schedule_1"
down_revision = "share_1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_schedule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("day_of_month", sa.Integer(), nullable=False),
        sa.Column("show_risks", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("show_costs", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("show_reply_rates", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", crm.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("next_send_at", crm.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_sent_at", crm.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), server_default="", nullable=False),
        sa.Column("failures", sa.Integer(), server_default="0", nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"], name=op.f("fk_report_schedule_campaign_id_campaign"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by_id"], ["user_account.id"],
                                name=op.f("fk_report_schedule_created_by_id_user_account"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"], name=op.f("fk_report_schedule_workspace_id_workspace"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_schedule")),
    )
    with op.batch_alter_table("report_schedule", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_schedule_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_report_schedule_next_send_at"), ["next_send_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_report_schedule_workspace_id"), ["workspace_id"], unique=False)


def downgrade():
    with op.batch_alter_table("report_schedule", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_schedule_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_report_schedule_next_send_at"))
        batch_op.drop_index(batch_op.f("ix_report_schedule_campaign_id"))
    op.drop_table("report_schedule")
