"""Tables of the review year (issue 11): the review plan, its items and the reviews.

Kept beside :mod:`catalogue.registry.models` (which imports them at its end, so every table
is registered and importable from there) to keep that module under 500 lines.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from catalogue.registry.models import utcnow


# Review plan (Kế hoạch rà soát, đánh giá TTHC) of one year: drafted by reviewers,
# approved by the chair with a number and date (before 31 January, else shown as late).
class ReviewPlan(SQLModel, table=True):
    __tablename__ = "review_plan"
    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(sa_column=Column(Integer, unique=True, nullable=False))
    title: str = Field(sa_column=Column(Text, nullable=False))
    status: str = "draft"  # draft | approved
    number: str | None = None  # số quyết định ban hành kế hoạch, e.g. 15/QĐ-UBND
    approved_on: date | None = None
    approved_by: str | None = None
    created_by: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    version: int = 1


# Review plan item: one procedure (by code) or a group (by field) with who reviews it,
# when, why it was chosen (grounds and tags) and the expected product.
class ReviewPlanItem(SQLModel, table=True):
    __tablename__ = "review_plan_item"
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="review_plan.id", index=True)
    position: int = 0
    code: str | None = None
    field: str | None = Field(default=None, sa_column=Column(Text))
    agency: str = Field(sa_column=Column(Text, nullable=False))
    coordinating: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    start_on: date
    end_on: date
    grounds: str = Field(sa_column=Column(Text, nullable=False))
    tags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    product: str | None = Field(default=None, sa_column=Column(Text))


# Review (Biểu mẫu 02/RS-KSTT) of one procedure in one review year: the answers, the
# per-component judgments and the conclusion; versioned like proposals.
class Review(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("procedure_id", "year"),)
    id: int | None = Field(default=None, primary_key=True)
    procedure_id: int = Field(foreign_key="procedure.id", index=True)
    year: int = Field(index=True)
    item_id: int | None = Field(default=None, foreign_key="review_plan_item.id")
    answers: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    components: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    conclusion: str | None = None  # keep | amend | replace | abolish
    status: str = "draft"  # draft | reviewed | checked
    reviewed_by: str | None = None
    checked_by: str | None = None
    proposal_id: int | None = Field(default=None, foreign_key="proposal.id")
    updated_by: str | None = None
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = 1
    # the reviewer's costing sheet after simplification (migration 0017)
    after_sheet: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
