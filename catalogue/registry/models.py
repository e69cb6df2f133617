"""All table models of the registry and the review workflow (SQLModel).

Lists (levels, subjects, flags) and snapshots are JSON columns so that the same schema
works on SQLite and PostgreSQL. Every child row keeps the raw source text it was parsed
from. ``version`` columns detect concurrent edits (optimistic locking).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """Timezone-aware current time (stored as UTC)."""
    return datetime.now(UTC)


# Agency: a ministry, department or people's committee that issues or implements procedures.
class Agency(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(Text, unique=True, nullable=False))


# Procedure: one TTHC as published, identified for import by (code, levels, agency).
class Procedure(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    identity: str = Field(sa_column=Column(Text, unique=True, nullable=False))
    code: str | None = Field(default=None, index=True)
    name: str = Field(sa_column=Column(Text, nullable=False))
    field: str | None = Field(default=None, index=True)
    kind: str | None = None
    levels: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    subjects: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    agency_id: int | None = Field(default=None, foreign_key="agency.id", index=True)
    issuing_agency_id: int | None = Field(default=None, foreign_key="agency.id")
    competent_agency: str | None = Field(default=None, sa_column=Column(Text))
    authorised_agency: str | None = Field(default=None, sa_column=Column(Text))
    coordinating_agency: str | None = Field(default=None, sa_column=Column(Text))
    status: str = Field(default="active", index=True)
    decision: str | None = None
    source_url: str | None = Field(default=None, sa_column=Column(Text))
    result: str | None = Field(default=None, sa_column=Column(Text))
    conditions: str | None = Field(default=None, sa_column=Column(Text))
    flags: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    replaced_by_id: int | None = Field(default=None, foreign_key="procedure.id")
    content_hash: str = ""
    source_hash: str | None = Field(default=None, index=True)  # raw line last imported
    revision: int = 1
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    online_level: str | None = None  # full | partial | none (NĐ 42/2022); None = not stated


# Channel (cách thức thực hiện): direct / online / postal, with its deadline.
class Channel(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    procedure_id: int = Field(foreign_key="procedure.id", index=True, ondelete="CASCADE")
    position: int = 0
    kind: str
    deadline_value: float | None = None
    deadline_unit: str = "unspecified"
    deadline_raw: str | None = Field(default=None, sa_column=Column(Text))
    description: str | None = Field(default=None, sa_column=Column(Text))
    raw: str | None = Field(default=None, sa_column=Column(Text))


# Fee (phí, lệ phí) charged on one channel; amount None when the text states none.
class Fee(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    channel_id: int = Field(foreign_key="channel.id", index=True, ondelete="CASCADE")
    position: int = 0
    kind: str = "unspecified"
    amount: float | None = None
    currency: str = "VND"
    free: bool = False
    unit: str | None = None
    raw: str | None = Field(default=None, sa_column=Column(Text))


# Document (thành phần hồ sơ) the applicant submits.
class Document(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    procedure_id: int = Field(foreign_key="procedure.id", index=True, ondelete="CASCADE")
    position: int = 0
    name: str | None = Field(default=None, sa_column=Column(Text))  # None: unknown, flagged
    originals: int | None = None
    copies: int | None = None
    certified_copies: int | None = None
    template: str | None = Field(default=None, sa_column=Column(Text))
    case: str | None = Field(default=None, sa_column=Column(Text))
    raw: str | None = Field(default=None, sa_column=Column(Text))


# Step (trình tự thực hiện) in order.
class Step(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    procedure_id: int = Field(foreign_key="procedure.id", index=True, ondelete="CASCADE")
    order: int = 0
    text: str = Field(sa_column=Column(Text, nullable=False))
    actor: str | None = None


# Legal basis (căn cứ pháp lý): document number and title.
class LegalBasis(SQLModel, table=True):
    __tablename__ = "legal_basis"
    id: int | None = Field(default=None, primary_key=True)
    procedure_id: int = Field(foreign_key="procedure.id", index=True, ondelete="CASCADE")
    position: int = 0
    number: str | None = None
    title: str = Field(sa_column=Column(Text, nullable=False))
    raw: str | None = Field(default=None, sa_column=Column(Text))


# Volume: yearly dossiers of one procedure (one-stop statistics).
class Volume(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("procedure_id", "year"),)
    id: int | None = Field(default=None, primary_key=True)
    procedure_id: int = Field(foreign_key="procedure.id", index=True, ondelete="CASCADE")
    year: int
    received: int | None = Field(default=None, sa_column=Column(BigInteger))
    resolved_early: int | None = Field(default=None, sa_column=Column(BigInteger))
    resolved_on_time: int | None = Field(default=None, sa_column=Column(BigInteger))
    resolved_late: int | None = Field(default=None, sa_column=Column(BigInteger))
    pending: int | None = Field(default=None, sa_column=Column(BigInteger))
    online: int | None = Field(default=None, sa_column=Column(BigInteger))


# Revision: append-only history of a procedure's content (zlib-compressed JSON snapshot).
class Revision(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("procedure_id", "number"),)
    id: int | None = Field(default=None, primary_key=True)
    procedure_id: int = Field(foreign_key="procedure.id", index=True)
    number: int
    created_at: datetime = Field(default_factory=utcnow)
    actor: str | None = None
    source: str | None = Field(default=None, sa_column=Column(Text))
    content_hash: str = ""
    changed_fields: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    snapshot: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


# Audit log: who did what when, before → after; append-only, written in the same transaction.
class AuditLog(SQLModel, table=True):
    __tablename__ = "audit_log"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str | None = None
    action: str
    entity: str
    entity_id: str | None = None
    before: Any = Field(default=None, sa_column=Column(JSON))
    after: Any = Field(default=None, sa_column=Column(JSON))


# Costing sheet: a reviewer's (or estimated) compliance-cost sheet for one procedure.
class CostingSheet(SQLModel, table=True):
    __tablename__ = "costing_sheet"
    id: int | None = Field(default=None, primary_key=True)
    procedure_id: int = Field(foreign_key="procedure.id", unique=True)
    content: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    estimated: bool = False
    author: str | None = None
    version: int = 1
    updated_at: datetime = Field(default_factory=utcnow)


# User: a person who signs in; role decides what the services allow.
class User(SQLModel, table=True):
    __tablename__ = "app_user"
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(sa_column=Column(Text, unique=True, nullable=False))
    full_name: str | None = None
    role: str
    password_hash: str
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)


# Plan (phương án đơn giản hóa / kế hoạch rà soát): a yearly set of proposals.
class Plan(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(Text, nullable=False))
    year: int
    agency_scope: str | None = Field(default=None, sa_column=Column(Text))
    programme: str | None = None
    status: str = "draft"
    created_by: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    submitted_at: datetime | None = None
    approved_at: datetime | None = None
    approved_by: str | None = None
    version: int = 1


# Proposal: one keep / amend / abolish option for one procedure in a plan.
class Proposal(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("plan_id", "procedure_id"),)
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    procedure_id: int = Field(foreign_key="procedure.id", index=True)
    action: str
    option: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    content: str | None = Field(default=None, sa_column=Column(Text))
    reason: str | None = Field(default=None, sa_column=Column(Text))
    legal_change: str | None = Field(default=None, sa_column=Column(Text))
    replacement_procedure_id: int | None = Field(default=None, foreign_key="procedure.id")
    status: str = "draft"
    chair_comment: str | None = Field(default=None, sa_column=Column(Text))
    cost_before: int | None = Field(default=None, sa_column=Column(BigInteger))
    cost_after: int | None = Field(default=None, sa_column=Column(BigInteger))
    savings: int | None = Field(default=None, sa_column=Column(BigInteger))
    cut_rate: float | None = None
    deadline_before: float | None = None
    deadline_after: float | None = None
    # Where the figures come from (migration 0009): "model: …" when the cost model
    # computed them, else the source a person gave for typed figures.
    figures_source: str | None = Field(default=None, sa_column=Column(Text))
    created_by: str | None = None
    updated_by: str | None = None
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = 1


# Decision (Quyết định công bố): published once, immutable; corrections amend it.
class Decision(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(sa_column=Column(Text, unique=True, nullable=False))
    title: str | None = Field(default=None, sa_column=Column(Text))
    signed_on: date
    signer: str
    effective_on: date
    plan_id: int | None = Field(default=None, foreign_key="plan.id")
    amends_decision_id: int | None = Field(default=None, foreign_key="decision.id")
    published_by: str | None = None
    published_at: datetime = Field(default_factory=utcnow)


# Decision item: one procedure in a decision's list, a frozen snapshot of what was published.
class DecisionItem(SQLModel, table=True):
    __tablename__ = "decision_item"
    id: int | None = Field(default=None, primary_key=True)
    decision_id: int = Field(foreign_key="decision.id", index=True)
    section: str
    position: int
    procedure_id: int | None = Field(default=None, foreign_key="procedure.id")
    proposal_id: int | None = Field(default=None, foreign_key="proposal.id")
    code: str | None = None
    name: str = Field(sa_column=Column(Text, nullable=False))
    field: str | None = None
    agency: str | None = Field(default=None, sa_column=Column(Text))
    legal_basis: str | None = Field(default=None, sa_column=Column(Text))
    note: str | None = Field(default=None, sa_column=Column(Text))  # ghi chú, e.g. replacement
    # Quyết định công bố entries (migration 0009): the act that makes the change (None on
    # entries published before acts were recorded: "not recorded"), the adopted proposal
    # and, for a replacement, the replacing procedure.
    # Plain integers (no key: SQLite cannot add one to an existing table; services check).
    act_id: int | None = None
    routing_id: int | None = None
    replacement_procedure_id: int | None = None


# Dossier statistic: one-stop counts of one procedure × reporting unit × period.
class DossierStat(SQLModel, table=True):
    __tablename__ = "dossier_stat"
    __table_args__ = (UniqueConstraint("procedure_id", "period", "unit"),)
    id: int | None = Field(default=None, primary_key=True)
    procedure_id: int = Field(foreign_key="procedure.id", index=True, ondelete="CASCADE")
    year: int = Field(index=True)
    period: str  # 2024, 2024-Q1 or 2024-03
    unit: str = ""  # reporting agency or level as written in the file ("" when none)
    received: int = Field(sa_column=Column(BigInteger, nullable=False))
    resolved_early: int = Field(sa_column=Column(BigInteger, nullable=False))
    resolved_on_time: int = Field(sa_column=Column(BigInteger, nullable=False))
    resolved_late: int = Field(sa_column=Column(BigInteger, nullable=False))
    pending: int | None = Field(default=None, sa_column=Column(BigInteger))
    online: int | None = Field(default=None, sa_column=Column(BigInteger))
    source: str | None = Field(default=None, sa_column=Column(Text))
    imported_at: datetime = Field(default_factory=utcnow)


# Baseline cost cache: the cost model's baseline result per procedure and the inputs it
# came from (record, sheet, volume, parameters); recomputed only when those change.
class BaselineCost(SQLModel, table=True):
    __tablename__ = "baseline_cost"
    procedure_id: int = Field(foreign_key="procedure.id", primary_key=True, ondelete="CASCADE")
    input_key: str
    unit_cost: int = Field(sa_column=Column(BigInteger, nullable=False))
    annual_cost: int = Field(sa_column=Column(BigInteger, nullable=False))
    deadline_days: float | None = None
    documents: int = 0
    activities: int = 0
    estimated: bool = True


# Adoption (Quyết định thông qua phương án): the chair's signed decision adopting a plan.
# A recommendation: it changes no catalogue record. Immutable (service and triggers).
class Adoption(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", unique=True)
    number: str | None = Field(default=None, sa_column=Column(Text, unique=True))  # None: migrated
    signed_on: date | None = None
    signer: str | None = None
    adopted_by: str | None = None
    adopted_at: datetime = Field(default_factory=utcnow)
    totals: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


# Routing: one adopted proposal as signed (Điều 2): within the province's competence (a
# department drafts the amendment by a due date) or a kiến nghị to a ministry or the
# Government; carries the figures as signed. Immutable.
class Routing(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    adoption_id: int = Field(foreign_key="adoption.id", index=True)
    proposal_id: int = Field(foreign_key="proposal.id", unique=True)
    procedure_id: int = Field(foreign_key="procedure.id", index=True)
    action: str
    option: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    replacement_procedure_id: int | None = Field(default=None, foreign_key="procedure.id")
    route: str  # province | recommendation
    department: str | None = Field(default=None, sa_column=Column(Text))
    due_on: date | None = None
    addressee: str | None = Field(default=None, sa_column=Column(Text))
    cost_before: int | None = Field(default=None, sa_column=Column(BigInteger))
    cost_after: int | None = Field(default=None, sa_column=Column(BigInteger))
    savings: int | None = Field(default=None, sa_column=Column(BigInteger))
    cut_rate: float | None = None
    deadline_before: float | None = None
    deadline_after: float | None = None
    figures_source: str | None = Field(default=None, sa_column=Column(Text))
    sheet: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))


# Legal act (VBQPPL) that makes adopted changes law, with its date in force.
class LegalAct(SQLModel, table=True):
    __tablename__ = "legal_act"
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(sa_column=Column(Text, unique=True, nullable=False))
    title: str = Field(sa_column=Column(Text, nullable=False))
    issuer: str = Field(sa_column=Column(Text, nullable=False))
    issued_on: date
    in_force_on: date
    ministry_decision: str | None = Field(default=None, sa_column=Column(Text))
    recorded_by: str | None = None
    recorded_at: datetime = Field(default_factory=utcnow)


# Act link: an act implements an adopted proposal wholly or in part, or the issuer declined
# it. Append-only.
class ActLink(SQLModel, table=True):
    __tablename__ = "act_link"
    __table_args__ = (UniqueConstraint("act_id", "routing_id"),)
    id: int | None = Field(default=None, primary_key=True)
    act_id: int = Field(foreign_key="legal_act.id", index=True)
    routing_id: int = Field(foreign_key="routing.id", index=True)
    extent: str  # whole | part | declined
    note: str | None = Field(default=None, sa_column=Column(Text))
    recorded_by: str | None = None
    recorded_at: datetime = Field(default_factory=utcnow)


# Enactment: a công bố entry applied to the catalogue from its act's date in force (the
# revision it made). Append-only; one per entry, so applying twice changes nothing.
class Enactment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    decision_item_id: int = Field(foreign_key="decision_item.id", unique=True)
    procedure_id: int = Field(foreign_key="procedure.id", index=True)
    in_force_on: date
    revision: int | None = None
    applied_by: str | None = None
    applied_at: datetime = Field(default_factory=utcnow)
    lines: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


# Procedure claim: a procedure held by one adopted phương án and by one công bố list at a
# time (unique per stage), so two chairs cannot adopt or publish contradictory changes.
class ProcedureClaim(SQLModel, table=True):
    __tablename__ = "procedure_claim"
    __table_args__ = (UniqueConstraint("procedure_id", "stage"),)
    id: int | None = Field(default=None, primary_key=True)
    procedure_id: int = Field(foreign_key="procedure.id")
    stage: str  # adoption | publication
    holder: str = Field(sa_column=Column(Text, nullable=False))  # e.g. "Quyết định 12/QĐ-UBND"
    holder_id: int | None = None
    claimed_at: datetime = Field(default_factory=utcnow)


# Business scope: a reviewer's correction of whether a procedure is related to production
# and business (NQ 68 / NQ 66 scope); without a row it is derived from the subjects.
class BusinessScope(SQLModel, table=True):
    __tablename__ = "business_scope"
    procedure_id: int = Field(foreign_key="procedure.id", primary_key=True, ondelete="CASCADE")
    business_related: bool
    reason: str | None = Field(default=None, sa_column=Column(Text))
    set_by: str | None = None
    set_at: datetime = Field(default_factory=utcnow)


# Organisation profile: who issues, proposes and signs the documents, and who receives them
# (one row; admin only; read by every document, see catalogue.documents.profile).
class OrganisationProfile(SQLModel, table=True):
    __tablename__ = "organisation_profile"
    id: int | None = Field(default=None, primary_key=True)
    province: str | None = Field(default=None, sa_column=Column(Text))  # "Bình An"
    authority: str | None = Field(default=None, sa_column=Column(Text))  # "Ủy ban nhân dân tỉnh …"
    place: str | None = Field(default=None, sa_column=Column(Text))  # địa danh before dates
    chair: str | None = Field(default=None, sa_column=Column(Text))
    vice_chairs: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    review_department: str | None = Field(default=None, sa_column=Column(Text))
    review_head: str | None = Field(default=None, sa_column=Column(Text))  # "Giám đốc Sở …"
    archive: str | None = Field(default=None, sa_column=Column(Text))  # "VT, KSTT"
    recipients: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    version: int = 1
    updated_by: str | None = None
    updated_at: datetime = Field(default_factory=utcnow)


# One-stop result (Biểu 06, TT 01/2020/TT-VPCP): one row of a unit's periodic report, per
# field or procedure and level, with the form's received / resolved / pending counts.
class OnestopResult(SQLModel, table=True):
    __tablename__ = "onestop_result"
    __table_args__ = (UniqueConstraint("unit", "period", "row_key"),)
    id: int | None = Field(default=None, primary_key=True)
    unit: str = Field(sa_column=Column(Text, nullable=False))  # đơn vị báo cáo
    year: int = Field(index=True)
    period: str  # 2025-03, 2025-Q1, 2025-H1 or 2025
    period_start: date
    period_end: date
    row_key: str = Field(sa_column=Column(Text, nullable=False))  # the row's identity
    field: str | None = Field(default=None, sa_column=Column(Text))
    name: str | None = Field(default=None, sa_column=Column(Text))
    code: str | None = None
    procedure_id: int | None = Field(
        default=None, foreign_key="procedure.id", index=True, ondelete="CASCADE"
    )
    level: str | None = None
    received: int = Field(sa_column=Column(BigInteger, nullable=False))
    online: int = Field(sa_column=Column(BigInteger, nullable=False))
    direct: int = Field(sa_column=Column(BigInteger, nullable=False))
    carried_over: int = Field(sa_column=Column(BigInteger, nullable=False))
    resolved_early: int = Field(sa_column=Column(BigInteger, nullable=False))
    resolved_on_time: int = Field(sa_column=Column(BigInteger, nullable=False))
    resolved_late: int = Field(sa_column=Column(BigInteger, nullable=False))
    pending: int = Field(sa_column=Column(BigInteger, nullable=False))
    pending_on_time: int = Field(sa_column=Column(BigInteger, nullable=False))
    pending_overdue: int = Field(sa_column=Column(BigInteger, nullable=False))
    apologised: int | None = Field(default=None, sa_column=Column(BigInteger))
    source: str | None = Field(default=None, sa_column=Column(Text))
    imported_at: datetime = Field(default_factory=utcnow)


# Decision figure: a signed decision's savings per proposal, stored as signed (append-only),
# so the savings report never recomputes them from rows that can still change.
class DecisionFigure(SQLModel, table=True):
    __tablename__ = "decision_figure"
    id: int | None = Field(default=None, primary_key=True)
    decision_id: int = Field(foreign_key="decision.id", index=True)
    proposal_id: int = Field(foreign_key="proposal.id", unique=True)
    procedure_id: int | None = Field(default=None, foreign_key="procedure.id")
    action: str
    cost_before: int | None = Field(default=None, sa_column=Column(BigInteger))
    cost_after: int | None = Field(default=None, sa_column=Column(BigInteger))
    savings: int | None = Field(default=None, sa_column=Column(BigInteger))
    cut_rate: float | None = None
    deadline_before: float | None = None
    deadline_after: float | None = None


# Decision seal: written last when a decision is published; from then on the database
# refuses any new item or figure of that decision (triggers of migration 0007).
class DecisionSeal(SQLModel, table=True):
    __tablename__ = "decision_seal"
    decision_id: int = Field(foreign_key="decision.id", primary_key=True)
    sealed_at: datetime = Field(default_factory=utcnow)


# The tables of the database's bookkeeping (sessions, data version) and of the review year
# (issue 11) live beside this module to keep it short; imported here so that every table is
# registered with the metadata and importable from models.
from catalogue.registry.meta_models import AppMeta, UserSession  # noqa: E402, F401
from catalogue.registry.review_models import Review, ReviewPlan, ReviewPlanItem  # noqa: E402, F401
