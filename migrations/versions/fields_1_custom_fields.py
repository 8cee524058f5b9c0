"""fields: custom field definitions per workspace; custom values on sites and opportunities

Revision ID: fields_1
Revises: hooks_1
Create Date: 2026-12-07 10:40:00
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "fields_1"
down_revision = "hooks_1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "custom_field",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"],
                                name=op.f("fk_custom_field_workspace_id_workspace"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custom_field")),
        sa.UniqueConstraint("workspace_id", "entity", "key", name=op.f("uq_custom_field_workspace_id_entity_key")),
    )
    with op.batch_alter_table("custom_field", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_custom_field_workspace_id"), ["workspace_id"], unique=False)
    # Plain ALTER TABLE (not batch): rebuilding site on SQLite would drop the search triggers that name it.
    op.add_column("site", sa.Column("custom_fields", sa.JSON(), nullable=True))
    op.add_column("opportunity", sa.Column("custom_fields", sa.JSON(), nullable=True))


def downgrade():
    op.drop_column("opportunity", "custom_fields")
    op.drop_column("site", "custom_fields")
    with op.batch_alter_table("custom_field", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_custom_field_workspace_id"))
    op.drop_table("custom_field")
