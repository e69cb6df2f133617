"""Turning an evaluated sheet into plain data (JSON) or a readable Vietnamese table."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from analysis.formatting import format_number, format_percent, format_vnd
from analysis.model import Figure, Sheet
from analysis.reference import Outcome, SheetResult

__all__ = ["EstimatedFigure", "estimated_figures", "render_table", "result_to_dict"]


@dataclass(frozen=True)
class EstimatedFigure:
    """An input figure that is an estimate or a parameter default, with its key path."""

    path: str
    value: Decimal
    method: str
    source: str | None


def estimated_figures(sheet: Sheet) -> list[EstimatedFigure]:
    """Every figure of the sheet whose method is ``estimate`` or ``default``."""
    found: list[tuple[str, Figure]] = [
        ("hourly_rate", sheet.hourly_rate),
        ("population", sheet.population),
        ("frequency", sheet.frequency),
    ]
    for i, a in enumerate(sheet.activities):
        for name in ("hours", "people", "out_of_pocket"):
            found.append((f"activities[{i}].{name}", getattr(a, name)))
    for i, fee in enumerate(sheet.fees):
        found.append((f"fees[{i}].amount", fee.amount))
    return [
        EstimatedFigure(path, fig.value, fig.method or "", fig.source)
        for path, fig in found
        if fig.estimated
    ]


def _number(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _outcome(out: Outcome, *, with_comparison: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "unit_cost": out.unit_cost,
        "annual_cost": out.annual_cost,
        "deadline_days": _number(out.deadline_days),
        "documents": out.documents,
        "activities": out.activities,
    }
    if with_comparison:
        data = {
            "id": out.option_id,
            "action": out.action,
            **data,
            "savings": out.savings,
            "cut_rate": float(out.cut_rate) if out.cut_rate is not None else None,
            "deadline_cut_rate": float(out.deadline_cut_rate)
            if out.deadline_cut_rate is not None
            else None,
            "reason": out.reason,
            "data_reuse": [
                {"document": r.document, "database": r.database} for r in out.data_reuse
            ],
            "implementation_cost": out.implementation_cost,
        }
    return data


def result_to_dict(result: SheetResult) -> dict[str, Any]:
    """The JSON shape of ``tthc cost --json``: baseline, options and provenance."""
    sheet = result.sheet
    return {
        "procedure": {"code": sheet.code, "name": sheet.name},
        "date": sheet.date.isoformat(),
        "parameters": sheet.parameters,
        "subject": sheet.subject,
        "hourly_rate": _number(sheet.hourly_rate.value),
        "estimated": sheet.estimated,
        "baseline": _outcome(result.baseline, with_comparison=False),
        "options": [_outcome(o, with_comparison=True) for o in result.options],
        "estimated_figures": [
            {"path": f.path, "value": _number(f.value), "method": f.method, "source": f.source}
            for f in estimated_figures(sheet)
        ],
    }


_ACTIONS_VI = {
    "baseline": "hiện trạng",
    "keep": "giữ nguyên",
    "amend": "sửa đổi",
    "abolish": "bãi bỏ",
}


def render_table(result: SheetResult) -> str:
    """A plain-text Vietnamese table of the baseline and options (VND ``1.234.567 đ``)."""
    sheet = result.sheet
    head = [
        "Phương án",
        "Hành động",
        "CPTT 1 lần",
        "CPTT/năm",
        "Tiết kiệm/năm",
        "Tỷ lệ cắt giảm",
        "Thời hạn (ngày)",
        "Giấy tờ",
        "Hoạt động",
    ]
    rows = []
    for out in (result.baseline, *result.options):
        deadline = (
            "—" if out.deadline_days is None else format_number(out.deadline_days, 2, strip=True)
        )
        rows.append(
            [
                out.option_id,
                _ACTIONS_VI.get(out.action, out.action),
                format_vnd(out.unit_cost),
                "chưa có số liệu" if out.annual_cost is None else format_vnd(out.annual_cost),
                "" if out.savings is None else format_vnd(out.savings),
                "" if out.cut_rate is None else format_percent(out.cut_rate),
                deadline,
                str(out.documents),
                str(out.activities),
            ]
        )
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    left = {0, 1}

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.ljust(w) if i in left else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    title = f"Thủ tục: {sheet.code or ''} {sheet.name or ''}".rstrip()
    lines = [
        title,
        f"Ngày tham số: {sheet.date.strftime('%d/%m/%Y')} ({sheet.parameters}); "
        f"đơn giá thời gian {format_vnd(sheet.hourly_rate.value)}/giờ",
        "",
        line(head),
        line(["-" * w for w in widths]),
        *(line(r) for r in rows),
    ]
    estimates = estimated_figures(sheet)
    if estimates or sheet.estimated:
        lines += ["", "Số liệu ước tính:" if estimates else "Bảng tính ước tính từ hồ sơ TTHC."]
        for fig in estimates:
            lines.append(
                f"  - {fig.path} = {format_number(fig.value, 3, strip=True)} ({fig.method})"
            )
    return "\n".join(lines)
