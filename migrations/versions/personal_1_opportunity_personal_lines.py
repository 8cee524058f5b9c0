"""campaigns: a personal first line and P.S. on each opportunity

Revision ID: personal_1
Revises: contactinfo_1
Create Date: 2026-12-07 13:00:00
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "personal_1"
down_revision = "contactinfo_1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("opportunity", schema=None) as batch_op:
        batch_op.add_column(sa.Column("personal_line", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("personal_ps", sa.Text(), server_default="", nullable=False))


def downgrade():
    with op.batch_alter_table("opportunity", schema=None) as batch_op:
        batch_op.drop_column("personal_ps")
        batch_op.drop_column("personal_line")
