"""Accounts: sign-in sessions, and the database's metadata (data version, demo marker).

``user_session`` holds the signed session tokens of the dashboard (only a hash of each
token is stored), with their expiry and revocation. ``app_meta`` holds small counters and
markers: ``data_version`` (bumped by every committed write, read by every dashboard
rerun) and ``mode`` (``demo`` for a database created for the demo, ``real`` otherwise).

Revision ID: 0012
Revises: 0010 (chained at merge: written against 0006)
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0012"
down_revision = "0007"  # chained after 0007 (landing order)
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "app_meta",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )
    op.execute("INSERT INTO app_meta (key, value) VALUES ('data_version', 0)")
    op.create_table(
        "user_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(), nullable=False),
        sa.Column("username", sa.Text(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("revoked_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_user_session_token_hash", "user_session", ["token_hash"], unique=True)
    op.create_index("ix_user_session_username", "user_session", ["username"])


def downgrade() -> None:
    op.drop_index("ix_user_session_username", table_name="user_session")
    op.drop_index("ix_user_session_token_hash", table_name="user_session")
    op.drop_table("user_session")
    op.drop_table("app_meta")
