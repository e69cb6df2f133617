"""The stored cost frames (``cost_frame``, migration 0014): what the vectorised evaluator
needs for every procedure's baseline and every option of its reviewer's sheet.

Kept beside :mod:`catalogue.registry.models` (which imports it at its end, so every table
is registered with the metadata and importable from there) to keep that module short.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, LargeBinary, Text
from sqlmodel import Field, SQLModel


# Cost frame: what the vectorised evaluator needs for one procedure's baseline
# (variant_no 0) or one option of its reviewer's sheet, written when the sheet is saved or
# the estimate made; activities and fees are packed int64 arrays (catalogue/costing/frames.py).
class CostFrame(SQLModel, table=True):
    __tablename__ = "cost_frame"
    procedure_id: int = Field(foreign_key="procedure.id", primary_key=True, ondelete="CASCADE")
    variant_no: int = Field(primary_key=True)
    input_key: int = Field(sa_column=Column(BigInteger, nullable=False))
    option_id: str = Field(sa_column=Column(Text, nullable=False))
    action: str = Field(sa_column=Column(Text, nullable=False))
    hourly_rate_e2: int = Field(sa_column=Column(BigInteger, nullable=False))
    population: int = Field(sa_column=Column(BigInteger, nullable=False))
    frequency_e6: int = Field(sa_column=Column(BigInteger, nullable=False))
    share_direct_e4: int = 0
    share_online_e4: int = 0
    share_postal_e4: int = 0
    deadline_direct_e2: int | None = Field(default=None, sa_column=Column(BigInteger))
    deadline_online_e2: int | None = Field(default=None, sa_column=Column(BigInteger))
    deadline_postal_e2: int | None = Field(default=None, sa_column=Column(BigInteger))
    documents: int = 0
    estimated: bool = False
    population_known: bool = True
    implementation_cost: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    activities: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    fees: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    problem: str | None = Field(default=None, sa_column=Column(Text))  # why it is unpriceable


# Cost columns: a columnar copy of every procedure's cost-frame rows (migration 0018), one
# row per column (a packed array or JSON list), so that a cold start reads the catalogue's
# frames in a few values instead of a million; each procedure's rows carry their input
# key and are served only while it matches (catalogue/costing/columns.py).
class CostColumns(SQLModel, table=True):
    __tablename__ = "cost_columns"
    name: str = Field(sa_column=Column(Text, primary_key=True))
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


# The narrow covering index of the procedure columns pricing and the catalogue read
# (migration 0018): SQLite scans it instead of the wide procedure rows. Declared here,
# after CostFrame (models.py imports this module at its end, when Procedure exists).
from sqlalchemy import Index  # noqa: E402

from catalogue.registry.models import Procedure  # noqa: E402

PRICING_COLUMNS = ("code", "id", "name", "field", "status", "agency_id", "content_hash",
                   "revision")  # fmt: skip
PRICING_INDEX = Index("ix_procedure_pricing", *(Procedure.__table__.c[c] for c in PRICING_COLUMNS))
