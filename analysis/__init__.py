"""Compliance-cost model (chi phí tuân thủ TTHC, TT 02/2017/TT-VPCP Điều 27).

Pure library: no Streamlit, no database, nothing read at import time. Public surface:

* parameters — :func:`load_parameters`, :class:`ParameterSet` (dated values with sources)
* sheets — :func:`load_sheet`, :func:`parse_sheet`, :class:`Sheet` and its parts;
  :func:`estimate_sheet` for a registry record without a reviewer's sheet
* proposals — :data:`CHANGE_TYPES`, :func:`apply_option`
* evaluation — :func:`evaluate_sheet` (reference, Decimal) and :func:`sheets_to_frames` +
  :func:`evaluate_frames` (vectorised, exact integers); :func:`result_to_dict`,
  :func:`render_table`, :func:`estimated_figures`
* analysis — :func:`savings_report` (the dashboard's service), :func:`totals_by`,
  :func:`programme_progress`, :func:`load_programmes`, :func:`sensitivity`,
  :func:`low_average`, :func:`npv`
* frames — column schemas in :mod:`analysis.schema` and :func:`check_frame`
* display — :func:`format_vnd`, :func:`format_ty`, :func:`format_percent`, :func:`format_date`
"""

from analysis.aggregate import adopted_options, totals_by
from analysis.changes import CHANGE_TYPES, apply_option
from analysis.errors import ParameterError, SheetError, SheetProblem
from analysis.estimate import estimate_sheet
from analysis.formatting import format_date, format_percent, format_ty, format_vnd
from analysis.model import Activity, Change, Document, Fee, Figure, Option, Sheet
from analysis.parameters import ParameterSet, load_parameters
from analysis.reference import Outcome, SheetResult, evaluate_sheet
from analysis.report import estimated_figures, render_table, result_to_dict
from analysis.schema import (
    ACTIVITY_COLUMNS,
    EVALUATED_COLUMNS,
    FEE_COLUMNS,
    PLAN_COLUMNS,
    VARIANT_COLUMNS,
    FrameError,
    check_frame,
)
from analysis.sensitivity import low_average, npv, sensitivity
from analysis.service import savings_report
from analysis.sheet import BASELINE_ID, load_sheet, parse_sheet
from analysis.sheet_data import sheet_to_data
from analysis.targets import Programme, load_programmes, programme_progress
from analysis.vectorised import Frames, evaluate_frames, sheets_to_frames

__all__ = [
    "ACTIVITY_COLUMNS",
    "BASELINE_ID",
    "CHANGE_TYPES",
    "EVALUATED_COLUMNS",
    "FEE_COLUMNS",
    "PLAN_COLUMNS",
    "VARIANT_COLUMNS",
    "Activity",
    "Change",
    "Document",
    "Fee",
    "Figure",
    "FrameError",
    "Frames",
    "Option",
    "Outcome",
    "ParameterError",
    "ParameterSet",
    "Programme",
    "Sheet",
    "SheetError",
    "SheetProblem",
    "SheetResult",
    "adopted_options",
    "apply_option",
    "check_frame",
    "estimate_sheet",
    "estimated_figures",
    "evaluate_frames",
    "evaluate_sheet",
    "format_date",
    "format_percent",
    "format_ty",
    "format_vnd",
    "load_parameters",
    "load_programmes",
    "load_sheet",
    "low_average",
    "npv",
    "parse_sheet",
    "programme_progress",
    "render_table",
    "result_to_dict",
    "savings_report",
    "sensitivity",
    "sheet_to_data",
    "sheets_to_frames",
    "totals_by",
]
