"""A narrow covering index of the procedure columns that pricing and the catalogue read,
and a columnar copy of the cost frames (issue 17).

A procedure row is wide (conditions, results, flags…: about 5 kB, with overflow
pages on SQLite), and ``content_hash`` and ``revision`` come after those columns, so reading
every procedure's pricing columns made SQLite walk every row's overflow chain
(8,7–11 s at 100.000 procedures). With this index, which holds the columns that pricing
(``catalogue.costing.burden._procedures``) and the catalogue's counts read, SQLite
scans the index alone (about 300 bytes a procedure); PostgreSQL may do the same with an
index-only scan.

``cost_columns`` holds every stored cost-frame row as columns (one row per column: a packed
int64 array, or a JSON list of texts), so that a cold start reads the catalogue's frames in
a few dozen values instead of 25 per variant (1,4–1,9 s of CPU at 121.000 variants, most of
it making Python objects); rows are served only while their input key matches.

Revision ID: 0018
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

# code and id first: the catalogue's search frame reads in that order; pricing reads it
# unordered (and sorts by id itself), which SQLite serves from the index as well. The JSON
# ``levels`` cannot be in a PostgreSQL btree index: pricing reads it on its own (on SQLite
# from the rows' first page, not their overflow chains).
COLUMNS = ["code", "id", "name", "field", "status", "agency_id", "content_hash", "revision"]


def upgrade() -> None:
    op.create_index("ix_procedure_pricing", "procedure", COLUMNS)
    op.create_table(
        "cost_columns",
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("cost_columns")
    op.drop_index("ix_procedure_pricing", table_name="procedure")
