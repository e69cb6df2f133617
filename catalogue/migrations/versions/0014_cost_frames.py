"""Cost frames: the vectorised evaluator's inputs stored per procedure (issue 17).

``cost_frame`` holds, per procedure, its baseline (``variant_no`` 0) and each option of
its reviewer's sheet as the evaluator reads them (fixed-point integers; activities and
fees as packed int64 arrays), with the key of everything they were derived from. It
replaces the result cache ``baseline_cost``: pricing the catalogue reads these rows in
bulk and evaluates them at once, so a cold start needs no per-procedure Python work.

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"  # chained after 0013 (landing order)
branch_labels = None
depends_on = None

CHANNELS = ("direct", "online", "postal")


def upgrade() -> None:
    op.create_table(
        "cost_frame",
        sa.Column("procedure_id", sa.Integer(), nullable=False),
        sa.Column("variant_no", sa.Integer(), nullable=False),
        sa.Column("input_key", sa.BigInteger(), nullable=False),
        sa.Column("option_id", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("hourly_rate_e2", sa.BigInteger(), nullable=False),
        sa.Column("population", sa.BigInteger(), nullable=False),
        sa.Column("frequency_e6", sa.BigInteger(), nullable=False),
        *[sa.Column(f"share_{c}_e4", sa.Integer(), nullable=False) for c in CHANNELS],
        *[sa.Column(f"deadline_{c}_e2", sa.BigInteger(), nullable=True) for c in CHANNELS],
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.Column("estimated", sa.Boolean(), nullable=False),
        sa.Column("population_known", sa.Boolean(), nullable=False),
        sa.Column("implementation_cost", sa.BigInteger(), nullable=False),
        sa.Column("activities", sa.LargeBinary(), nullable=False),
        sa.Column("fees", sa.LargeBinary(), nullable=False),
        sa.Column("problem", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["procedure_id"], ["procedure.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("procedure_id", "variant_no"),
    )
    op.drop_table("baseline_cost")


def downgrade() -> None:
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
    op.drop_table("cost_frame")
