"""prospects: background jobs, a site name and an index per sortable metric

Revision ID: prospects_1
Revises: outreach_1
Create Date: 2026-11-24 07:00:00

"""
from alembic import op
import sqlalchemy as sa

import crm.db


# revision identifiers, used by Alembic.
revision = 'prospects_1'
down_revision = 'outreach_1'
branch_labels = None
depends_on = None

_METRIC_INDEXES = ('da', 'tf', 'cf', 'as_score', 'ref_domains', 'spam')


def upgrade():
    op.create_table('prospect_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', crm.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('started_at', crm.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', crm.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_prospect_job_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], name=op.f('fk_prospect_job_workspace_id_workspace'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_prospect_job'))
    )
    with op.batch_alter_table('prospect_job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_prospect_job_workspace_id'), ['workspace_id'], unique=False)

    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name', sa.String(length=200), server_default='', nullable=False))
        for column in _METRIC_INDEXES:
            batch_op.create_index(f'ix_site_ws_{column}', ['workspace_id', column], unique=False)


def downgrade():
    with op.batch_alter_table('site', schema=None) as batch_op:
        for column in reversed(_METRIC_INDEXES):
            batch_op.drop_index(f'ix_site_ws_{column}')
        batch_op.drop_column('name')

    with op.batch_alter_table('prospect_job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_prospect_job_workspace_id'))

    op.drop_table('prospect_job')
