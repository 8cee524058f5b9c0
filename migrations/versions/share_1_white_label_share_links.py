"""accounts: a workspace logo for white-label share pages; reports: which internal notes a share link shows

Revision ID: share_1
Revises: ledger_1
Create Date: 2026-12-07 11:45:00
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "share_1"
down_revision = "ledger_1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("workspace", schema=None) as batch_op:
        batch_op.add_column(sa.Column("logo", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("logo_type", sa.String(length=20), server_default="", nullable=False))
    with op.batch_alter_table("share_link", schema=None) as batch_op:
        batch_op.add_column(sa.Column("show_risks", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("show_costs", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("show_reply_rates", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table("share_link", schema=None) as batch_op:
        batch_op.drop_column("show_reply_rates")
        batch_op.drop_column("show_costs")
        batch_op.drop_column("show_risks")
    with op.batch_alter_table("workspace", schema=None) as batch_op:
        batch_op.drop_column("logo_type")
        batch_op.drop_column("logo")
