"""Báo cáo kết quả rà soát: what the year's reviews concluded, per field and agency.

Counts the reviews marked reviewed (or checked) of a review year: reviewed, kept,
amend-supplement, replace, abolish, per field and per agency, and sums the yearly
compliance cost before and after (the cost model on each procedure's costing sheet with
the review's option: keep leaves it, abolish makes it zero). The sentence follows the
seeds' form: "Rà soát 94 TTHC, giữ nguyên 18, đề nghị đơn giản hóa 76".
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from analysis.rates import cut_rate, saving
from catalogue.cycle.review import CONCLUSIONS
from catalogue.registry.auth import require
from catalogue.registry.models import Agency, Procedure, Review

COUNT_KEYS = ("reviewed", "keep", "amend", "replace", "abolish")


def review_costs(session: Session, review: Review) -> tuple[int | None, int | None]:
    """Yearly CPTT before and after the review's option (None when the model has none):
    keep leaves the cost, abolish makes it zero, a replacement costs the replacing
    procedure's, an amendment its typed and after-sheet changes; an amendment with no
    change yet counts as kept (after = before)."""
    from catalogue.cycle.review_option import review_figures
    from catalogue.registry.errors import ServiceError

    try:
        figures, _label = review_figures(session, review)
    except ServiceError:
        figures = None
    if figures is None or figures.cost_before is None:
        from catalogue.cycle.figures import model_sheet

        data, _label = model_sheet(session, review.procedure_id)
        return (None, None) if data is None else (sheet_cost(data), None)
    return figures.cost_before, figures.cost_after


def sheet_cost(data: dict[str, Any]) -> int | None:
    """The yearly cost of a sheet as it stands (the keep option)."""
    from catalogue.cycle.common import evaluate_option

    return evaluate_option(data, {"action": "keep"}).cost_before


def _empty() -> dict[str, Any]:
    return {**dict.fromkeys(COUNT_KEYS, 0), "cost_before": 0, "cost_after": 0}


def _add(row: dict[str, Any], conclusion: str, before: int | None, after: int | None) -> None:
    row["reviewed"] += 1
    row[conclusion] += 1
    row["cost_before"] += before or 0
    row["cost_after"] += after if after is not None else (before or 0)


def _finish(rows: dict[str, dict[str, Any]], label: str) -> list[dict[str, Any]]:
    out = []
    for name in sorted(rows):
        row = rows[name]
        row["savings"] = saving(row["cost_before"], row["cost_after"])
        rate = cut_rate(row["savings"], row["cost_before"]) if row["cost_before"] else None
        row["cut_rate"] = None if rate is None else float(rate)
        out.append({label: name, **row})
    return out


def review_report(*, session: Session, actor: str, year: int) -> dict[str, Any]:
    """The year's counts and costs, in total, per field and per agency."""
    require(session=session, actor=actor, action="workflow.read")
    query = (
        select(Review, Procedure.field, Agency.name)
        .join(Procedure, Procedure.id == Review.procedure_id)
        .join(Agency, Agency.id == Procedure.agency_id, isouter=True)
        .where(Review.year == year, Review.status.in_(("reviewed", "checked")))
        .order_by(Review.id)
    )
    total = _empty()
    by_field: dict[str, dict[str, Any]] = {}
    by_agency: dict[str, dict[str, Any]] = {}
    for review, field, agency in session.exec(query):
        before, after = review_costs(session, review)
        conclusion = review.conclusion
        for row in (
            total,
            by_field.setdefault(field or "(không ghi lĩnh vực)", _empty()),
            by_agency.setdefault(agency or "(không ghi cơ quan)", _empty()),
        ):
            _add(row, conclusion, before, after)
    [total_row] = _finish({"": total}, "name")
    simplified = total["amend"] + total["replace"] + total["abolish"]
    sentence = (
        f"Rà soát {total['reviewed']} TTHC, giữ nguyên {total['keep']}, đề nghị đơn giản hóa "
        f"{simplified} (sửa đổi, bổ sung {total['amend']}; thay thế {total['replace']}; "
        f"bãi bỏ {total['abolish']})"
    )
    return {
        "year": year,
        "totals": {k: v for k, v in total_row.items() if k != "name"},
        "simplified": simplified,
        "by_field": _finish(by_field, "field"),
        "by_agency": _finish(by_agency, "agency"),
        "sentence": sentence,
        "conclusions": CONCLUSIONS,
    }
