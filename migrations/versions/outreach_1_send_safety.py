"""outreach: the merge fields approved at launch, and when a send request started (for crash recovery)

Revision ID: outreach_1
Revises: links_1
Create Date: 2026-11-25 10:00:00

"""
from alembic import op
import sqlalchemy as sa

import crm.db


# revision identifiers, used by Alembic.
revision = 'outreach_1'
down_revision = 'links_1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('enrollment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('context', sa.JSON(), nullable=True))

    with op.batch_alter_table('outbound_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('request_started_at', crm.db.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('outbound_message', schema=None) as batch_op:
        batch_op.drop_column('request_started_at')

    with op.batch_alter_table('enrollment', schema=None) as batch_op:
        batch_op.drop_column('context')
