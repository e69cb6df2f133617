"""The reviewer's costing sheet after simplification, kept with the review (issue 11).

``review.after_sheet`` holds the sheet the reviewer typed in the cost form for the
procedure as it would be after simplification (same shape as ``costing_sheet.content``).
The differences between it and the current sheet become typed changes of the review's
option, next to those recorded per component (:mod:`catalogue.cycle.review_option`).

Revision ID: 0017
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("review") as batch_op:
        batch_op.add_column(sa.Column("after_sheet", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("review") as batch_op:
        batch_op.drop_column("after_sheet")
