"""reports: precomputed figures for the dashboard and the reports index

Revision ID: reports_1
Revises: prospects_1
Create Date: 2026-11-25 10:00:00

"""
from alembic import op
import sqlalchemy as sa

import crm.db


# revision identifiers, used by Alembic.
revision = 'reports_1'
down_revision = 'prospects_1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('report_figures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('computed_at', crm.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('stale', sa.Boolean(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_report_figures_campaign_id_campaign'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], name=op.f('fk_report_figures_workspace_id_workspace'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_figures')),
    sa.UniqueConstraint('workspace_id', 'key', name=op.f('uq_report_figures_workspace_id_key'))
    )
    with op.batch_alter_table('report_figures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_figures_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_figures_workspace_id'), ['workspace_id'], unique=False)


def downgrade():
    with op.batch_alter_table('report_figures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_figures_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_report_figures_campaign_id'))

    op.drop_table('report_figures')
