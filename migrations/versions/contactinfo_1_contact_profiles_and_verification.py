"""prospects: a contact's LinkedIn and X/Twitter profiles and the email finder's verification status

Revision ID: contactinfo_1
Revises: schedule_1
Create Date: 2026-12-07 13:00:00
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "contactinfo_1"
down_revision = "schedule_1"
branch_labels = None
depends_on = None


COLUMNS = (("linkedin_url", 2048), ("twitter", 100), ("email_verification", 20))


def upgrade():
    # Plain ADD/DROP COLUMN: a batch rebuild of the table would trip SQLite's search-index triggers on contact.
    for name, length in COLUMNS:
        op.add_column("contact", sa.Column(name, sa.String(length=length), server_default="", nullable=False))


def downgrade():
    for name, _ in reversed(COLUMNS):
        op.drop_column("contact", name)
