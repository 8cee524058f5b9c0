"""inbound: each workspace's own Inbound Parse address, and instance admins who may create workspaces

Revision ID: inbound_1
Revises: reports_1
Create Date: 2026-12-07 03:30:00

"""
from alembic import op
import sqlalchemy as sa

import crm.db


# revision identifiers, used by Alembic.
revision = 'inbound_1'
down_revision = 'reports_1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('inbound_address',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('secret_sealed', sa.Text(), nullable=False),
    sa.Column('created_at', crm.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', crm.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], name=op.f('fk_inbound_address_workspace_id_workspace'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbound_address')),
    sa.UniqueConstraint('secret_hash', name=op.f('uq_inbound_address_secret_hash')),
    sa.UniqueConstraint('workspace_id', name=op.f('uq_inbound_address_workspace_id'))
    )
    # a plain ADD COLUMN: a batch rebuild of user_account would cascade-delete memberships on SQLite
    op.add_column('user_account', sa.Column('is_admin', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    op.drop_column('user_account', 'is_admin')
    op.drop_table('inbound_address')
