"""Shared pieces of the review workflow: constants, cost figures, row helpers."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import update
from sqlmodel import Session

from analysis.rates import cut_rate
from catalogue.registry.audit import jsonable
from catalogue.registry.errors import ConcurrentEdit, NotFound, ServiceError
from catalogue.registry.models import (
    Plan,
    Procedure,
    Proposal,
)

log = logging.getLogger(__name__)

# Proposal actions: the cost model's keep / amend / abolish, plus the legal outcomes
# "replace" (by another procedure) and "new" (a draft procedure issued by the decision).
PROPOSAL_ACTIONS = ("keep", "amend", "abolish", "replace", "new")
VERDICTS = {"approve": "approved", "reject": "rejected", "return": "returned"}
OPEN_STATUSES = ("draft", "submitted", "returned")  # not yet decided for good
EDITABLE_FIELDS = (
    "action",
    "option",
    "content",
    "reason",
    "legal_change",
    "replacement_procedure_id",
    "cost_before",
    "cost_after",
    "savings",
    "deadline_before",
    "deadline_after",
    "figures_source",
)

# Sections of a decision's list (Phụ lục), in their official order.
SECTIONS: dict[str, str] = {
    "new": "Danh mục thủ tục hành chính mới ban hành",
    "amended": "Danh mục thủ tục hành chính được sửa đổi, bổ sung",
    "replaced": "Danh mục thủ tục hành chính được thay thế",
    "abolished": "Danh mục thủ tục hành chính bị bãi bỏ",
}
SECTION_OF_ACTION = {
    "new": "new",
    "amend": "amended",
    "replace": "replaced",
    "abolish": "abolished",
}
STATUS_AFTER = {
    "new": "active",
    "amended": "amended",
    "replaced": "replaced",
    "abolished": "abolished",
}


class Immutable(ServiceError):
    """The record was published or decided and can no longer change."""


# --------------------------------------------------------------------------- cost figures


@dataclass(frozen=True)
class CostFigures:
    """Evaluated figures of one option: CPTT (chi phí tuân thủ) in đồng/year, deadlines in days."""

    cost_before: int | None = None
    cost_after: int | None = None
    savings: int | None = None
    cut_rate: float | None = None
    deadline_before: float | None = None
    deadline_after: float | None = None

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> CostFigures:
        """Figures from a mapping; savings and cut rate are derived when absent.

        >>> CostFigures.from_mapping({"cost_before": 975, "cost_after": 325})
        CostFigures(cost_before=975, cost_after=325, savings=650, cut_rate=66.67, \
deadline_before=None, deadline_after=None)
        """
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            raise ServiceError(
                f"Chỉ tiêu không hợp lệ: {', '.join(sorted(unknown))} (unknown cost figures)"
            )
        values = dict(data)
        for key in ("cost_before", "cost_after", "savings"):
            if values.get(key) is not None:
                values[key] = _whole_dong(values[key], key)
        before, after = values.get("cost_before"), values.get("cost_after")
        if values.get("savings") is None and before is not None and after is not None:
            values["savings"] = before - after
        if values.get("cut_rate") is None and before and values.get("savings") is not None:
            values["cut_rate"] = float(cut_rate(values["savings"], before))
        for key in ("cut_rate", "deadline_before", "deadline_after"):
            if values.get(key) is not None:
                values[key] = float(values[key])
        return cls(**values)


def _whole_dong(value: Any, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | Decimal | float | str):
        raise ServiceError(f"{key}: phải là số đồng (must be whole đồng)")
    number = Decimal(str(value))
    if number != number.to_integral_value() or number < 0:
        raise ServiceError(f"{key}: phải là số đồng nguyên, không âm (must be whole đồng, ≥ 0)")
    return int(number)


def evaluate_option(sheet: dict[str, Any], option: dict[str, Any]) -> CostFigures:
    """Figures of ``option`` on a costing sheet, through the cost model (``analysis``).

    The one place where the workflow depends on the cost model: ``sheet`` is the plain
    costing-sheet data (as in ``data/sheets/*.yaml`` or ``CostingSheet.content``) and
    ``option`` the proposal's option dict (``id``, ``action``, ``changes``…).
    """
    from analysis.errors import ParameterError, SheetError
    from analysis.parameters import load_parameters
    from analysis.reference import evaluate_sheet
    from analysis.sheet import parse_sheet

    data = dict(sheet)
    if isinstance(data.get("date"), str):
        data["date"] = date.fromisoformat(data["date"])
    data["options"] = [{"id": "proposal", **{k: v for k, v in option.items() if k != "id"}}]
    try:
        result = evaluate_sheet(parse_sheet(data, params=load_parameters()))
    except (SheetError, ParameterError) as exc:
        raise ServiceError(
            "Bảng tính chi phí hoặc phương án không hợp lệ "
            f"(invalid costing sheet or option): {exc}"
        ) from exc
    out = result.options[0]
    return CostFigures(
        cost_before=result.baseline.annual_cost,
        cost_after=out.annual_cost,
        savings=out.savings,
        cut_rate=float(out.cut_rate) if out.cut_rate is not None else None,
        deadline_before=_float(result.baseline.deadline_days),
        deadline_after=_float(out.deadline_days),
    )


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


# --------------------------------------------------------------------------- helpers


def _get(session: Session, model: type, ident: int, label: str) -> Any:
    row = session.get(model, ident)
    if row is None:
        raise NotFound(f"Không tìm thấy {label} #{ident} ({model.__name__} #{ident} not found)")
    return row


def _plan_dict(plan: Plan) -> dict[str, Any]:
    return jsonable(plan)


def _proposal_dict(proposal: Proposal) -> dict[str, Any]:
    return jsonable(proposal)


def _versioned_update(
    session: Session,
    row: Plan | Proposal,
    values: dict[str, Any],
    expected_version: int | None,
    yours: dict[str, Any] | None = None,
) -> None:
    """``UPDATE … SET values, version+1 WHERE id AND version``; ConcurrentEdit when stale."""
    model = type(row)
    table = model.__table__
    version = row.version if expected_version is None else expected_version
    result = session.execute(
        update(table)
        .where(table.c.id == row.id, table.c.version == version)
        .values(**values, version=version + 1)
    )
    if result.rowcount != 1:
        session.expire(row)
        current = session.get(model, row.id, populate_existing=True)
        _check_version(current, version, yours if yours is not None else values)
    session.refresh(row)


def _check_version(row: Plan | Proposal, expected_version: int | None, yours: Any) -> None:
    """ConcurrentEdit when the caller worked on an older version than the one stored."""
    if expected_version is not None and row.version != expected_version:
        label = "đề xuất" if isinstance(row, Proposal) else "phương án"
        raise ConcurrentEdit(
            f"Người khác đã lưu {label} #{row.id} trước bạn (phiên bản {expected_version} → "
            f"{row.version}); hai nội dung đều được giữ lại để đối chiếu "
            f"(someone else saved {type(row).__name__.lower()} #{row.id} first; "
            "both versions are kept)",
            theirs=jsonable(row),
            yours=jsonable(yours),
        )


def _plan_for_change(session: Session, plan_id: int, allowed: tuple[str, ...]) -> Plan:
    plan = _get(session, Plan, plan_id, "phương án")
    if plan.status not in allowed:
        if plan.status in ("approved", "adopted", "published"):
            raise Immutable(
                f"Phương án #{plan.id} đã {_status_vi(plan.status)}, không thể thay đổi "
                f"(plan is {plan.status} and can no longer change)"
            )
        raise ServiceError(
            f"Phương án #{plan.id} đang ở trạng thái '{plan.status}', không thể thực hiện "
            f"(plan is {plan.status}; allowed when {' / '.join(allowed)})"
        )
    return plan


def _status_vi(status: str) -> str:
    return {
        "draft": "dự thảo",
        "submitted": "trình",
        "approved": "phê duyệt",
        "adopted": "thông qua",
        "published": "công bố",
        "rejected": "bị từ chối",
        "returned": "trả lại",
        "withdrawn": "rút",
    }.get(status, status)


def _check_proposal_fields(session: Session, procedure: Procedure, values: dict[str, Any]) -> None:
    action = values.get("action")
    if action not in PROPOSAL_ACTIONS:
        raise ServiceError(
            f"Hình thức đề xuất không hợp lệ '{action}' "
            f"(unknown action; known: {', '.join(PROPOSAL_ACTIONS)})"
        )
    option = values.get("option") or {}
    if not isinstance(option, dict):
        raise ServiceError("Phương án (option) phải là một bảng khóa–giá trị (must be a mapping)")
    changes = option.get("changes") or []
    if not isinstance(changes, list):
        raise ServiceError("option.changes phải là danh sách (must be a list)")
    for i, change in enumerate(changes):
        if not isinstance(change, dict) or not change.get("type"):
            raise ServiceError(f"option.changes[{i}]: thiếu loại thay đổi (missing type)")
        if not str(change.get("reason") or "").strip():
            raise ServiceError(
                f"option.changes[{i}]: mỗi thay đổi cần nêu lý do (every change needs a reason)"
            )
    if action in ("amend", "abolish", "replace") and not (
        str(values.get("reason") or "").strip() or changes
    ):
        raise ServiceError(
            "Đề xuất sửa đổi, thay thế hoặc bãi bỏ cần nêu lý do "
            "(an amend, replace or abolish proposal needs a reason)"
        )
    if action == "new" and procedure.status != "draft":
        raise ServiceError(
            f"Chỉ thủ tục dự thảo mới có thể đề xuất ban hành mới; {procedure.code} đang "
            f"'{procedure.status}' (only a draft procedure can be proposed as new)"
        )
    if action != "new" and procedure.status in ("abolished", "replaced", "draft"):
        raise ServiceError(
            f"Thủ tục {procedure.code or procedure.id} đang '{procedure.status}', không thể "
            f"đề xuất '{action}' (procedure is {procedure.status})"
        )
    replacement = values.get("replacement_procedure_id")
    if action == "replace":
        if replacement is None:
            raise ServiceError(
                "Đề xuất thay thế cần thủ tục thay thế (a replace proposal needs its replacement)"
            )
        if replacement == procedure.id:
            raise ServiceError("Thủ tục không thể tự thay thế (cannot replace itself)")
        other = _get(session, Procedure, replacement, "thủ tục thay thế")
        if other.status in ("abolished", "replaced"):
            raise ServiceError(
                f"Thủ tục thay thế đang '{other.status}' (the replacement is {other.status})"
            )
    elif replacement is not None:
        raise ServiceError(
            "Chỉ đề xuất thay thế mới có thủ tục thay thế (only replace proposals name one)"
        )
