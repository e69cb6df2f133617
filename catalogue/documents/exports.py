"""The data behind the decision list and the simplification plan, their CSV, and the
dispatch of every export format (the callers' entry points: CLI and dashboard).

- :func:`decision_list` / :func:`plan_table`: what a decision lists and what a plan
  proposes, read from the database only (decision items are the frozen snapshot).
- CSV here; Excel and Word in one module per document, on the layout layer:
  :mod:`catalogue.documents.cong_bo` (Quyết định công bố: the decision with Phần I and
  Phần II, and its list as Excel) and :mod:`catalogue.documents.phuong_an` (the phương án
  grouped by field in a) / b) / c) blocks, and its table as Excel).
- :func:`export_decision` / :func:`export_plan`: ``xlsx``, ``docx`` or ``csv`` bytes.

CSV writes numbers and dates the Vietnamese way (1.234.567; 66,67; 31/12/2026); text
cells a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``) are neutralised.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, select

from analysis.formatting import format_date, format_number
from analysis.rates import cut_rate
from catalogue.cycle import SECTIONS
from catalogue.documents.parts import long_date
from catalogue.documents.words import ACTION_LABELS, STATUS_LABELS, change_text
from catalogue.registry.auth import require
from catalogue.registry.errors import NotFound, ServiceError
from catalogue.registry.models import Agency, Decision, DecisionItem, Plan, Procedure, Proposal
from catalogue.sources.formats import neutralise

DECISION_HEADERS = (
    "STT",
    "Mã TTHC",
    "Tên TTHC",
    "Lĩnh vực",
    "Cơ quan thực hiện",
    "Căn cứ pháp lý",
    "Ghi chú",
)
PLAN_HEADERS = (
    "STT",
    "Mã TTHC",
    "Tên TTHC",
    "Cơ quan thực hiện",
    "Hình thức",
    "Nội dung đơn giản hóa",
    "Lý do",
    "Kiến nghị thực thi",
    "CPTT trước (đồng/năm)",
    "CPTT sau (đồng/năm)",
    "Chi phí tiết kiệm (đồng/năm)",
    "Tỷ lệ cắt giảm (%)",
    "Trạng thái",
)
TOTAL_LABEL = "Tổng cộng"
EXPORT_FORMATS = ("xlsx", "docx", "csv")

SECTION_NUMBERS = {key: f"{n}." for n, key in enumerate(SECTIONS, start=1)}


# --------------------------------------------------------------------------- formats


def vn_number(value: Any, decimals: int = 0) -> str:
    """A number in Vietnamese style: dots between thousands, comma before decimals.

    >>> vn_number(1234567), vn_number(66.666, 2), vn_number(None)
    ('1.234.567', '66,67', '')
    """
    return "" if value is None else format_number(value, decimals)


def vn_date(day: date | None) -> str:
    """``31/12/2026``.

    >>> vn_date(date(2026, 12, 31))
    '31/12/2026'
    """
    return "" if day is None else format_date(day)


def vn_long_date(day: date) -> str:
    """``ngày 05 tháng 3 năm 2027`` (NĐ 30: :func:`catalogue.documents.layout.long_date`)."""
    return long_date(day)


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class DecisionList:
    """A decision and its items grouped by section (every section present, maybe empty)."""

    decision: Decision
    amends: Decision | None
    sections: dict[str, list[DecisionItem]]

    @property
    def count(self) -> int:
        """Number of procedures listed."""
        return sum(len(items) for items in self.sections.values())


def decision_list(*, session: Session, actor: str, decision_id: int) -> DecisionList:
    """The frozen list of a published decision, section by section, in STT order."""
    require(session=session, actor=actor, action="export")
    decision = session.get(Decision, decision_id)
    if decision is None:
        raise NotFound(f"Không tìm thấy quyết định #{decision_id} (no such decision)")
    items = session.exec(
        select(DecisionItem)
        .where(DecisionItem.decision_id == decision_id)
        .order_by(DecisionItem.position, DecisionItem.id)
    )
    sections: dict[str, list[DecisionItem]] = {key: [] for key in SECTIONS}
    for item in items:
        sections[item.section].append(item)
    amends = (
        session.get(Decision, decision.amends_decision_id) if decision.amends_decision_id else None
    )
    return DecisionList(decision, amends, sections)


def decision_item_row(item: DecisionItem) -> list[Any]:
    """One item as the list's columns (STT … Ghi chú)."""
    return [
        item.position,
        item.code or "",
        item.name,
        item.field or "",
        item.agency or "",
        item.legal_basis or "",
        item.note or "",
    ]


@dataclass(frozen=True)
class PlanRow:
    """One procedure of the simplification plan with its figures (đồng/năm, %)."""

    position: int
    code: str
    name: str
    agency: str
    action: str
    content: str
    reason: str
    legal_change: str
    cost_before: int | None
    cost_after: int | None
    savings: int | None
    cut_rate: float | None
    status: str
    field: str = ""
    deadline_before: float | None = None
    deadline_after: float | None = None
    changes: tuple[dict[str, Any], ...] = ()
    proposal_action: str = ""
    own_content: str = ""  # the reviewer's own text (``content`` may be derived)


@dataclass(frozen=True)
class PlanTable:
    """The plan's rows and totals (cut rate of the totals = savings ÷ cost before)."""

    plan: Plan
    rows: list[PlanRow]
    cost_before: int
    cost_after: int
    savings: int
    cut_rate: float


def _option_text(option: dict[str, Any], key: str) -> str:
    values = [str(c.get(key)) for c in option.get("changes") or [] if c.get(key)]
    return "; ".join(dict.fromkeys(values))


def _change_summary(option: dict[str, Any]) -> str:
    """Every change of the option in words (never a raw value such as a dict of shares)."""
    return "; ".join(change_text(change) for change in option.get("changes") or [])


def plan_table(*, session: Session, actor: str, plan_id: int) -> PlanTable:
    """The plan's proposals as export rows: the approved ones once the plan is approved,
    every proposal not withdrawn before that."""
    require(session=session, actor=actor, action="export")
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound(f"Không tìm thấy phương án #{plan_id} (no such plan)")
    query = select(Proposal).where(Proposal.plan_id == plan_id)
    if plan.status in ("approved", "adopted", "published"):
        query = query.where(Proposal.status == "approved")
    else:
        query = query.where(Proposal.status != "withdrawn")
    proposals = list(session.exec(query))
    procs = {
        p.id: p
        for p in session.exec(
            select(Procedure).where(Procedure.id.in_([p.procedure_id for p in proposals] or [0]))
        )
    }
    agencies = {a.id: a.name for a in session.exec(select(Agency))}
    proposals.sort(key=lambda p: (procs[p.procedure_id].code or "", procs[p.procedure_id].name))
    rows = []
    for n, p in enumerate(proposals, start=1):
        proc = procs[p.procedure_id]
        option = p.option or {}
        content = p.content or _change_summary(option) or ACTION_LABELS.get(p.action, p.action)
        rows.append(
            PlanRow(
                position=n,
                code=proc.code or "",
                name=proc.name,
                agency=agencies.get(proc.agency_id) or proc.competent_agency or "",
                action=ACTION_LABELS.get(p.action, p.action),
                content=content,
                reason=p.reason or _option_text(option, "reason"),
                legal_change=p.legal_change or _option_text(option, "legal_change"),
                cost_before=p.cost_before,
                cost_after=p.cost_after,
                savings=p.savings,
                cut_rate=p.cut_rate,
                status=STATUS_LABELS.get(p.status, p.status),
                field=proc.field or "",
                deadline_before=p.deadline_before,
                deadline_after=p.deadline_after,
                changes=tuple(option.get("changes") or ()),
                proposal_action=p.action,
                own_content=p.content or "",
            )
        )
    before = sum(r.cost_before or 0 for r in rows)
    after = sum(r.cost_after or 0 for r in rows)
    savings = sum(r.savings or 0 for r in rows)
    return PlanTable(plan, rows, before, after, savings, float(cut_rate(savings, before)))


def plan_row_values(row: PlanRow) -> list[Any]:
    """One plan row as typed values (numbers stay numbers), in :data:`PLAN_HEADERS` order."""
    return [
        row.position,
        row.code,
        row.name,
        row.agency,
        row.action,
        row.content,
        row.reason,
        row.legal_change,
        row.cost_before,
        row.cost_after,
        row.savings,
        row.cut_rate,
        row.status,
    ]


def plan_row_text(values: list[Any]) -> list[str]:
    """Plan values as Vietnamese text (1.234.567; 66,67), for Word and CSV."""
    out = []
    for i, value in enumerate(values):
        if i == 11:
            out.append(vn_number(value, 2))
        elif isinstance(value, int | float) and i >= 8:
            out.append(vn_number(value))
        else:
            out.append("" if value is None else str(value))
    return out


def plan_total_values(table: PlanTable) -> list[Any]:
    """The totals row, in :data:`PLAN_HEADERS` order."""
    blank = [""] * 7
    return [
        TOTAL_LABEL,
        *blank,
        table.cost_before,
        table.cost_after,
        table.savings,
        table.cut_rate,
        "",
    ]


# --------------------------------------------------------------------------- CSV

DECISION_CSV_HEADERS = ("Phần", *DECISION_HEADERS)


def _csv_text(rows: list[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # CR or LF in a field: quoted
    for row in rows:
        writer.writerow(["" if v is None else neutralise(str(v)) for v in row])
    return out.getvalue()


def decision_csv(*, session: Session, actor: str, decision_id: int) -> str:
    """The decision's list as CSV, one row per item, its section in the first column."""
    data = decision_list(session=session, actor=actor, decision_id=decision_id)
    rows: list[list[Any]] = [list(DECISION_CSV_HEADERS)]
    for key, title in SECTIONS.items():
        for item in data.sections[key]:
            rows.append([f"{SECTION_NUMBERS[key]} {title}", *decision_item_row(item)])
    return _csv_text(rows)


def plan_csv(*, session: Session, actor: str, plan_id: int) -> str:
    """The plan as CSV with Vietnamese number formats and a totals row."""
    table = plan_table(session=session, actor=actor, plan_id=plan_id)
    rows = [list(PLAN_HEADERS)]
    rows += [plan_row_text(plan_row_values(r)) for r in table.rows]
    rows.append(plan_row_text(plan_total_values(table)))
    return _csv_text(rows)


# --------------------------------------------------------------------------- dispatch


def export_decision(*, session: Session, actor: str, decision_id: int, fmt: str) -> bytes:
    """The decision in ``fmt`` (xlsx, docx, csv) as bytes (CSV is UTF-8 with a BOM for Excel)."""
    from catalogue.documents import cong_bo

    if fmt == "xlsx":
        return cong_bo.decision_xlsx(session=session, actor=actor, decision_id=decision_id)
    if fmt == "docx":
        return cong_bo.decision_docx(session=session, actor=actor, decision_id=decision_id)
    if fmt == "csv":
        return decision_csv(session=session, actor=actor, decision_id=decision_id).encode(
            "utf-8-sig"
        )
    raise ServiceError(
        f"Định dạng không hỗ trợ '{fmt}' (format must be {', '.join(EXPORT_FORMATS)})"
    )


def export_plan(*, session: Session, actor: str, plan_id: int, fmt: str) -> bytes:
    """The simplification plan in ``fmt`` (xlsx, docx, csv) as bytes."""
    from catalogue.documents import phuong_an

    if fmt == "xlsx":
        return phuong_an.plan_xlsx(session=session, actor=actor, plan_id=plan_id)
    if fmt == "docx":
        return phuong_an.plan_docx(session=session, actor=actor, plan_id=plan_id)
    if fmt == "csv":
        return plan_csv(session=session, actor=actor, plan_id=plan_id).encode("utf-8-sig")
    raise ServiceError(
        f"Định dạng không hỗ trợ '{fmt}' (format must be {', '.join(EXPORT_FORMATS)})"
    )
