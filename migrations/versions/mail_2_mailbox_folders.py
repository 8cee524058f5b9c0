"""mail: per-folder IMAP sync state of a sender's mailbox (UIDVALIDITY, last UID, last poll and error)

Revision ID: mail_2
Revises: api_1
Create Date: 2026-12-07 07:00:00
"""
import sqlalchemy as sa
from alembic import op

import crm.db

# revision identifiers, used by Alembic.
revision = "mail_2"
down_revision = "api_1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "mailbox_folder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_identity_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("uidvalidity", sa.BigInteger(), nullable=True),
        sa.Column("last_uid", sa.BigInteger(), nullable=False),
        sa.Column("last_polled_at", crm.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["sender_identity_id"], ["sender_identity.id"],
                                name=op.f("fk_mailbox_folder_sender_identity_id_sender_identity"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"],
                                name=op.f("fk_mailbox_folder_workspace_id_workspace"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mailbox_folder")),
        sa.UniqueConstraint("sender_identity_id", "name", name=op.f("uq_mailbox_folder_sender_identity_id_name")),
    )
    with op.batch_alter_table("mailbox_folder", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mailbox_folder_sender_identity_id"), ["sender_identity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_mailbox_folder_workspace_id"), ["workspace_id"], unique=False)


def downgrade():
    with op.batch_alter_table("mailbox_folder", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mailbox_folder_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_mailbox_folder_sender_identity_id"))
    op.drop_table("mailbox_folder")
