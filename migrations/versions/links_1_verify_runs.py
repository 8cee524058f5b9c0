"""links: verification runs with progress, and the source page's confirmed final URL

Revision ID: links_1
Revises: d5c17e634c06
Create Date: 2026-11-25 09:00:00

"""
from alembic import op
import sqlalchemy as sa

import crm.db


# revision identifiers, used by Alembic.
revision = 'links_1'
down_revision = 'd5c17e634c06'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('link_verify_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', crm.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('started_at', crm.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', crm.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('backlink_ids', sa.JSON(), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_link_verify_run_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], name=op.f('fk_link_verify_run_workspace_id_workspace'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_link_verify_run'))
    )
    with op.batch_alter_table('link_verify_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_link_verify_run_workspace_id'), ['workspace_id'], unique=False)

    with op.batch_alter_table('backlink', schema=None) as batch_op:
        batch_op.add_column(sa.Column('final_url', sa.String(length=2048), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('backlink', schema=None) as batch_op:
        batch_op.drop_column('final_url')

    with op.batch_alter_table('link_verify_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_link_verify_run_workspace_id'))

    op.drop_table('link_verify_run')
