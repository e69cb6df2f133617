"""Document name may be unknown (portal rows with only a count; flagged, raw kept).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("document") as batch_op:
        batch_op.alter_column("name", existing_type=sa.Text(), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("document") as batch_op:
        batch_op.alter_column("name", existing_type=sa.Text(), nullable=False)
