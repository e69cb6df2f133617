"""Baseline cost cache (recomputed only when a procedure's inputs change).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "baseline_cost",
        sa.Column("procedure_id", sa.Integer(), nullable=False),
        sa.Column("input_key", sa.String(), nullable=False),
        sa.Column("unit_cost", sa.BigInteger(), nullable=False),
        sa.Column("annual_cost", sa.BigInteger(), nullable=False),
        sa.Column("deadline_days", sa.Float(), nullable=True),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.Column("activities", sa.Integer(), nullable=False),
        sa.Column("estimated", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["procedure_id"], ["procedure.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("procedure_id"),
    )


def downgrade() -> None:
    op.drop_table("baseline_cost")
