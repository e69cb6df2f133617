"""Hash of the raw source line each procedure was last imported from.

Re-importing an unchanged portal file skips parsing the lines it has already seen.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("procedure") as batch_op:
        batch_op.add_column(sa.Column("source_hash", sa.String(), nullable=True))
        batch_op.create_index("ix_procedure_source_hash", ["source_hash"])


def downgrade() -> None:
    with op.batch_alter_table("procedure") as batch_op:
        batch_op.drop_index("ix_procedure_source_hash")
        batch_op.drop_column("source_hash")
