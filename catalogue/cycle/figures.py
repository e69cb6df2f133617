"""Figures the chair can trust: a proposal's cost figures and where they come from.

A proposal's figures come from the cost model (the stored costing sheet, else the
estimate from the registry record), and are computed again whenever they are read for
a decision, so a sheet saved after the proposal was added is what the chair signs. A
figure typed by hand must name its source (``figures_source``), is kept as typed, and
must be consistent: savings = before − after, and the cut rate follows
(:func:`analysis.rates.cut_rate`).
"""

from __future__ import annotations

import logging
from typing import Any

from sqlmodel import Session

from analysis.rates import cut_rate, saving
from catalogue.cycle.common import CostFigures, evaluate_option
from catalogue.registry.errors import ServiceError
from catalogue.registry.models import Proposal

log = logging.getLogger(__name__)

MODEL = "model"  # figures_source prefix of figures the cost model computed
FIGURE_KEYS = tuple(CostFigures.__dataclass_fields__)


def model_sheet(session: Session, procedure_id: int) -> tuple[dict[str, Any] | None, str]:
    """The sheet data the model prices the procedure with, and a label saying which one."""
    from analysis import load_parameters
    from analysis.errors import SheetError
    from analysis.sheet_data import sheet_to_data
    from catalogue.costing.burden import procedure_sheet, stored_sheets, to_json

    conn = session.connection()
    stored = stored_sheets(conn, [procedure_id]).get(procedure_id)
    try:
        sheet = procedure_sheet(conn, procedure_id, params=load_parameters())
        if sheet is None:
            return None, "no sheet"
        data = to_json(sheet_to_data(sheet))
    except (SheetError, ValueError, TypeError) as exc:
        log.info("procedure %s has no sheet the model can price: %s", procedure_id, exc)
        return None, "no sheet"
    return data, ("stored sheet" if stored is not None else "estimate")


def model_figures(
    session: Session, procedure_id: int, option: dict[str, Any]
) -> tuple[CostFigures, str, dict[str, Any] | None]:
    """The cost model's figures for ``option``, the source label and the sheet used.

    A replace option naming its ``replacement_procedure_id`` is priced as the
    procedure's cost now (before) and the replacing procedure's (after), each from its
    own stored sheet, else its estimate.
    """
    sheet, label = model_sheet(session, procedure_id)
    if option.get("action") == "replace" and option.get("replacement_procedure_id"):
        return _replacement_figures(session, sheet, label, option), f"{MODEL}: {label}", sheet
    if sheet is None or option.get("action") not in ("keep", "amend", "abolish"):
        return CostFigures(), f"{MODEL}: {label}", sheet
    try:
        return evaluate_option(sheet, option), f"{MODEL}: {label}", sheet
    except ServiceError as exc:
        if label != "estimate":
            raise  # a reviewer's sheet that cannot carry the option: they must know
        # an estimate knows fewer documents and activities than the option may name
        return CostFigures(), f"{MODEL}: {label}, option not priceable ({exc})", sheet


def _replacement_figures(
    session: Session, sheet: dict[str, Any] | None, label: str, option: dict[str, Any]
) -> CostFigures:
    other, other_label = model_sheet(session, int(option["replacement_procedure_id"]))
    if sheet is None or other is None:
        return CostFigures()
    before = evaluate_option(sheet, {"action": "keep"})
    after = evaluate_option(other, {"action": "keep"})
    savings = saving(before.cost_before, after.cost_before)
    return CostFigures(
        cost_before=before.cost_before,
        cost_after=after.cost_before,
        savings=int(savings),
        cut_rate=float(cut_rate(savings, before.cost_before)) if before.cost_before else None,
        deadline_before=before.deadline_before,
        deadline_after=after.deadline_before,
    )


def typed_figures(values: dict[str, Any], source: str | None) -> CostFigures:
    """Hand-typed figures, checked: a source, and savings = before − after.

    >>> typed_figures({"cost_before": 100, "cost_after": 90}, "Báo cáo Sở").savings
    10
    >>> typed_figures({"cost_before": 100, "cost_after": 90, "savings": 10**12}, "x")
    Traceback (most recent call last):
    ...
    catalogue.registry.errors.ServiceError: Chi phí tiết kiệm 1000000000000 phải bằng chi phí \
trước − sau = 10 (savings must equal before − after)
    """
    if not (source or "").strip():
        raise ServiceError(
            "Số liệu nhập tay cần nêu nguồn (hand-typed figures need a source: figures_source)"
        )
    given = {k: v for k, v in values.items() if v is not None}
    figures = CostFigures.from_mapping(given)
    before, after = figures.cost_before, figures.cost_after
    if before is not None and after is not None:
        expected = int(saving(before, after))
        if figures.savings != expected:
            raise ServiceError(
                f"Chi phí tiết kiệm {figures.savings} phải bằng chi phí trước − sau = "
                f"{expected} (savings must equal before − after)"
            )
        rate = float(cut_rate(expected, before)) if before else None
        if given.get("cut_rate") is not None and rate is not None and figures.cut_rate != rate:
            raise ServiceError(
                f"Tỷ lệ cắt giảm {figures.cut_rate} % phải là {rate} % "
                "(the cut rate follows from the costs)"
            )
    elif figures.savings is not None:
        raise ServiceError(
            "Chi phí tiết kiệm cần cả chi phí trước và sau (savings need before and after)"
        )
    return figures


def merged_typed(proposal: Proposal, updates: dict[str, Any]) -> dict[str, Any]:
    """A partial edit of typed figures: the other figures kept, the derived ones redone."""
    current = {k: getattr(proposal, k) for k in FIGURE_KEYS}
    if {"cost_before", "cost_after"} & set(updates):
        # savings and the cut rate follow the costs unless given with them
        current.update(savings=None, cut_rate=None)
    return {**current, **updates}


def current_figures(
    session: Session, proposal: Proposal
) -> tuple[CostFigures, str, dict[str, Any] | None]:
    """The figures to sign now: typed ones as typed, model ones computed again."""
    source = proposal.figures_source or ""
    stored = CostFigures(**{k: getattr(proposal, k) for k in FIGURE_KEYS})
    if source and not source.startswith(MODEL):
        sheet, _label = model_sheet(session, proposal.procedure_id)
        return stored, source, sheet
    try:
        figures, label, sheet = model_figures(session, proposal.procedure_id, proposal.option or {})
    except ServiceError as exc:
        log.info("proposal %s: the model cannot price its option: %s", proposal.id, exc)
        return stored, source or "as stored", None
    if figures == CostFigures():
        return stored, source or label, sheet
    return figures, label, sheet
