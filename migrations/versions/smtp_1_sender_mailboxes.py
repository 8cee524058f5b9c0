"""smtp: a sender identity's own mailbox, its SMTP and IMAP accounts with sealed passwords

Revision ID: smtp_1
Revises: fields_1
Create Date: 2026-12-07 10:20:00
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "smtp_1"
down_revision = "fields_1"
branch_labels = None
depends_on = None

_ACCOUNT_COLUMNS = ("host", "port", "security", "user", "password_sealed")


def _columns(kind: str) -> list[sa.Column]:
    return [
        sa.Column(f"{kind}_host", sa.String(length=253), nullable=False, server_default=""),
        sa.Column(f"{kind}_port", sa.Integer(), nullable=True),
        sa.Column(f"{kind}_security", sa.String(length=10), nullable=False, server_default=""),
        sa.Column(f"{kind}_user", sa.String(length=254), nullable=False, server_default=""),
        sa.Column(f"{kind}_password_sealed", sa.Text(), nullable=False, server_default=""),
    ]


def upgrade():
    with op.batch_alter_table("sender_identity", schema=None) as batch_op:
        for kind in ("smtp", "imap"):
            for column in _columns(kind):
                batch_op.add_column(column)


def downgrade():
    with op.batch_alter_table("sender_identity", schema=None) as batch_op:
        for kind in ("imap", "smtp"):
            for name in reversed(_ACCOUNT_COLUMNS):
                batch_op.drop_column(f"{kind}_{name}")
