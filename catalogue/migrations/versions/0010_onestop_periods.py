"""One-stop results in the Biểu 06 form (onestop_result) and the procedure's online level.

Revision ID: 0010
Revises: 0008 (given as 0006; chained after 0009 and 0008, which landed first)
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0010"
down_revision = "0008"
branch_labels = None
depends_on = None

COUNTS = (
    "received",
    "online",
    "direct",
    "carried_over",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "pending",
    "pending_on_time",
    "pending_overdue",
)


def upgrade() -> None:
    with op.batch_alter_table("procedure") as batch:
        batch.add_column(
            sa.Column("online_level", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )
    op.create_table(
        "onestop_result",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("period", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("row_key", sa.Text(), nullable=False),
        sa.Column("field", sa.Text(), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column(
            "procedure_id",
            sa.Integer(),
            sa.ForeignKey("procedure.id", ondelete="CASCADE"),
            nullable=True,
        ),
        sa.Column("level", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        *[sa.Column(name, sa.BigInteger(), nullable=False) for name in COUNTS],
        sa.Column("apologised", sa.BigInteger(), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("imported_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.UniqueConstraint("unit", "period", "row_key"),
    )
    op.create_index("ix_onestop_result_year", "onestop_result", ["year"])
    op.create_index("ix_onestop_result_procedure_id", "onestop_result", ["procedure_id"])


def downgrade() -> None:
    op.drop_index("ix_onestop_result_procedure_id", table_name="onestop_result")
    op.drop_index("ix_onestop_result_year", table_name="onestop_result")
    op.drop_table("onestop_result")
    with op.batch_alter_table("procedure") as batch:
        batch.drop_column("online_level")
