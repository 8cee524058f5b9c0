"""campaigns: one cost ledger (entries tied to a backlink, and a source), existing backlink costs and agreed
placement prices moved into it once

Revision ID: ledger_1
Revises: smtp_1
Create Date: 2026-12-07 11:00:00
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "ledger_1"
down_revision = "smtp_1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cost", schema=None) as batch_op:
        batch_op.add_column(sa.Column("backlink_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("source", sa.String(length=20), server_default="manual", nullable=False))
        batch_op.add_column(sa.Column("origin", sa.String(length=40), nullable=True))
        batch_op.create_index(batch_op.f("ix_cost_backlink_id"), ["backlink_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_cost_backlink_id_backlink"), "backlink", ["backlink_id"], ["id"],
                                    ondelete="SET NULL")
        batch_op.create_unique_constraint(batch_op.f("uq_cost_workspace_id_origin"), ["workspace_id", "origin"])
    # Costs entered on backlinks of a campaign, and prices of placements agreed (won) and not refunded, become
    # ledger entries once; entries typed on the costs tab stay as they are.
    op.execute(
        "INSERT INTO cost (workspace_id, campaign_id, opportunity_id, backlink_id, source, origin, amount_cents,"
        " currency, description, spent_on)"
        " SELECT b.workspace_id, b.campaign_id, b.opportunity_id, b.id, 'backlink', 'backlink:' || b.id,"
        " b.cost_cents, b.currency, substr('Backlink cost: ' || b.source_url, 1, 200),"
        " COALESCE(b.placed_on, CURRENT_DATE)"
        " FROM backlink b WHERE b.cost_cents IS NOT NULL AND b.cost_cents > 0 AND b.campaign_id IS NOT NULL"
    )
    op.execute(
        "INSERT INTO cost (workspace_id, campaign_id, opportunity_id, source, origin, amount_cents, currency,"
        " description, spent_on)"
        " SELECT o.workspace_id, o.campaign_id, o.id, 'placement', 'placement:' || o.id, o.price_cents, o.currency,"
        " 'Placement price', CURRENT_DATE"
        " FROM opportunity o WHERE o.price_cents IS NOT NULL AND o.price_cents > 0 AND o.won_at IS NOT NULL"
        " AND (o.payment_status IS NULL OR o.payment_status <> 'refunded')"
    )


def downgrade():
    op.execute("DELETE FROM cost WHERE source <> 'manual'")
    with op.batch_alter_table("cost", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_cost_workspace_id_origin"), type_="unique")
        batch_op.drop_constraint(batch_op.f("fk_cost_backlink_id_backlink"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_cost_backlink_id"))
        batch_op.drop_column("origin")
        batch_op.drop_column("source")
        batch_op.drop_column("backlink_id")
