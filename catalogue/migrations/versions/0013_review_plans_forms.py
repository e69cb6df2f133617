"""Review plans, their items and the per-procedure review forms (issue 11).

Revision ID: 0013
Revises: 0010 (chained at landing: 0009, 0008 and 0010 reached main first)
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0013"
down_revision = "0012"  # chained after 0012 (landing order)
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("number", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("approved_on", sa.Date(), nullable=True),
        sa.Column("approved_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("year"),
    )
    op.create_table(
        "review_plan_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("field", sa.Text(), nullable=True),
        sa.Column("agency", sa.Text(), nullable=False),
        sa.Column("coordinating", sa.JSON(), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=False),
        sa.Column("grounds", sa.Text(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("product", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["plan_id"], ["review_plan.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_review_plan_item_plan_id", "review_plan_item", ["plan_id"])
    op.create_table(
        "review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("procedure_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("components", sa.JSON(), nullable=False),
        sa.Column("conclusion", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("reviewed_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("checked_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("proposal_id", sa.Integer(), nullable=True),
        sa.Column("updated_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["review_plan_item.id"]),
        sa.ForeignKeyConstraint(["procedure_id"], ["procedure.id"]),
        sa.ForeignKeyConstraint(["proposal_id"], ["proposal.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("procedure_id", "year"),
    )
    op.create_index("ix_review_procedure_id", "review", ["procedure_id"])
    op.create_index("ix_review_year", "review", ["year"])


def downgrade() -> None:
    op.drop_index("ix_review_year", table_name="review")
    op.drop_index("ix_review_procedure_id", table_name="review")
    op.drop_table("review")
    op.drop_index("ix_review_plan_item_plan_id", table_name="review_plan_item")
    op.drop_table("review_plan_item")
    op.drop_table("review_plan")
