"""One-stop dossier statistics by period (dossier_stat), rolled up into yearly volumes.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dossier_stat",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "procedure_id",
            sa.Integer(),
            sa.ForeignKey("procedure.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("period", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("unit", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=""),
        sa.Column("received", sa.BigInteger(), nullable=False),
        sa.Column("resolved_early", sa.BigInteger(), nullable=False),
        sa.Column("resolved_on_time", sa.BigInteger(), nullable=False),
        sa.Column("resolved_late", sa.BigInteger(), nullable=False),
        sa.Column("pending", sa.BigInteger(), nullable=True),
        sa.Column("online", sa.BigInteger(), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("imported_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.UniqueConstraint("procedure_id", "period", "unit"),
    )
    op.create_index("ix_dossier_stat_procedure_id", "dossier_stat", ["procedure_id"])
    op.create_index("ix_dossier_stat_year", "dossier_stat", ["year"])


def downgrade() -> None:
    op.drop_index("ix_dossier_stat_year", table_name="dossier_stat")
    op.drop_index("ix_dossier_stat_procedure_id", table_name="dossier_stat")
    op.drop_table("dossier_stat")
