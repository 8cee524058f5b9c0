"""outreach: step variants, the variant on each outbox row, replies marked positive

Revision ID: variants_1
Revises: personal_1
Create Date: 2026-12-07 12:50:57
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "variants_1"
down_revision = "personal_1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sequence_step_variant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('step_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=1), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['step_id'], ['sequence_step.id'], name=op.f('fk_sequence_step_variant_step_id_sequence_step'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['template_id'], ['template.id'], name=op.f('fk_sequence_step_variant_template_id_template'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], name=op.f('fk_sequence_step_variant_workspace_id_workspace'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sequence_step_variant')),
    sa.UniqueConstraint('step_id', 'label', name=op.f('uq_sequence_step_variant_step_id_label'))
    )
    with op.batch_alter_table('sequence_step_variant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sequence_step_variant_step_id'), ['step_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sequence_step_variant_template_id'), ['template_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sequence_step_variant_workspace_id'), ['workspace_id'], unique=False)

    with op.batch_alter_table('outbound_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('variant', sa.String(length=1), server_default='', nullable=False))

    with op.batch_alter_table('reply', schema=None) as batch_op:
        batch_op.add_column(sa.Column('positive', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade():
    with op.batch_alter_table('reply', schema=None) as batch_op:
        batch_op.drop_column('positive')

    with op.batch_alter_table('outbound_message', schema=None) as batch_op:
        batch_op.drop_column('variant')

    with op.batch_alter_table('sequence_step_variant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sequence_step_variant_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_sequence_step_variant_template_id'))
        batch_op.drop_index(batch_op.f('ix_sequence_step_variant_step_id'))

    op.drop_table('sequence_step_variant')
