"""The savings report (báo cáo kết quả cắt giảm chi phí tuân thủ) as a print-ready workbook.

Sheets, each with the shared print setup (:mod:`catalogue.documents.excel`): progress to
each programme's target, savings by field, by agency, by level, and the procedures one
by one. Headers are Vietnamese, procedures are named by their mã TTHC and name, levels
and actions are Vietnamese words: no internal id or English code reaches the sheet.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import pandas as pd
from sqlmodel import Session, select

from analysis.formatting import format_date
from catalogue.cycle.stages import STAGE_VI
from catalogue.documents import excel as X
from catalogue.documents.words import action_word, level_word
from catalogue.registry.models import Plan, Procedure

GROUP_COLUMNS = [
    ("procedures", X.XlColumn("Số TTHC", 10, "#,##0", "right")),
    ("baseline_annual_cost", X.XlColumn("CPTT trước (đồng/năm)", 20, X.MONEY, "right")),
    ("annual_cost", X.XlColumn("CPTT sau (đồng/năm)", 20, X.MONEY, "right")),
    ("savings", X.XlColumn("Chi phí tiết kiệm (đồng/năm)", 20, X.MONEY, "right")),
    ("cut_rate", X.XlColumn("Tỷ lệ cắt giảm (%)", 12, X.RATE, "right")),
    ("deadline_saved_days", X.XlColumn("Số ngày giải quyết giảm", 14, "#,##0.##", "right")),
    ("estimated_procedures", X.XlColumn("Số TTHC có số liệu ước tính", 14, "#,##0", "right")),
]
GROUPINGS = {  # frame → (sheet name, column header of the group)
    "by_field": ("Theo lĩnh vực", "Lĩnh vực"),
    "by_agency": ("Theo cơ quan", "Cơ quan thực hiện"),
    "by_level": ("Theo cấp", "Cấp thực hiện"),
    "by_year": ("Theo năm", "Năm"),
}


def _clean(value: Any) -> Any:
    """NaN and None print nothing; numpy numbers become Python numbers."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def _yes(value: Any) -> str:
    return {True: "Đạt", False: "Chưa đạt"}.get(_clean(value), "")


# Which stage the sheets after the stage sheets count (PROCESS.md §1: never mixed).
IN_FORCE_NOTE = "chỉ tính phương án đã có hiệu lực"


def _programmes_sheet(wb, frame: pd.DataFrame, title: list[str]) -> None:
    columns = [X.XlColumn("Chương trình", 40), X.XlColumn("Căn cứ", 36),
               X.XlColumn("Số TTHC", 10, "#,##0", "right"),
               X.XlColumn("CPTT cơ sở (đồng/năm)", 20, X.MONEY, "right"),
               X.XlColumn("Chi phí tiết kiệm (đồng/năm)", 20, X.MONEY, "right"),
               X.XlColumn("Tỷ lệ cắt giảm chi phí (%)", 12, X.RATE, "right"),
               X.XlColumn("Mục tiêu chi phí (%)", 12, X.RATE, "right"),
               X.XlColumn("Chi phí", 10, align="center"),
               X.XlColumn("Tỷ lệ cắt giảm thời gian (%)", 12, X.RATE, "right"),
               X.XlColumn("Mục tiêu thời gian (%)", 12, X.RATE, "right"),
               X.XlColumn("Thời gian", 10, align="center")]  # fmt: skip
    rows = [[r["name"], r["legal_basis"], r["procedures"], r["baseline_annual_cost"],
             r["savings"], r["cut_rate"], r["target_cut_rate"], _yes(r["cost_met"]),
             r["time_cut_rate"], r["target_time_cut_rate"], _yes(r["time_met"])]
            for r in frame.to_dict("records")]  # fmt: skip
    X.table_sheet(wb, "Mục tiêu", title=[*title, f"Tiến độ so với mục tiêu của các chương trình "
                  f"({IN_FORCE_NOTE})"],
                  columns=columns, rows=[[_clean(v) for v in row] for row in rows])  # fmt: skip


def _group_sheet(wb, frame: pd.DataFrame, key: str, title: list[str]) -> None:
    sheet, header = GROUPINGS[key]
    group = key.removeprefix("by_")
    columns = [X.XlColumn(header, 36), *(c for _, c in GROUP_COLUMNS)]
    rows = []
    for r in frame.to_dict("records"):
        name = level_word(r[group]) if group == "level" and r[group] else r[group]
        rows.append([_clean(name) or "Chưa xác định", *(_clean(r[k]) for k, _ in GROUP_COLUMNS)])
    X.table_sheet(wb, sheet, title=[*title, f"Chi phí tiết kiệm {sheet.lower()} ({IN_FORCE_NOTE})"],
                  columns=columns, rows=rows)  # fmt: skip


def _detail_sheet(wb, session: Session, frame: pd.DataFrame, title: list[str]) -> None:
    procs = {p.id: p for p in session.exec(select(Procedure))}
    plans = {p.id: p.name for p in session.exec(select(Plan))}
    columns = [X.XlColumn("Mã TTHC", 14, align="center"), X.XlColumn("Tên TTHC", 44),
               X.XlColumn("Lĩnh vực", 18), X.XlColumn("Cơ quan thực hiện", 22),
               X.XlColumn("Cấp thực hiện", 12), X.XlColumn("Phương án", 16),
               X.XlColumn("Kế hoạch, phương án", 28), X.XlColumn("Năm", 8, "0", "center"),
               X.XlColumn("CPTT trước (đồng/năm)", 18, X.MONEY, "right"),
               X.XlColumn("CPTT sau (đồng/năm)", 18, X.MONEY, "right"),
               X.XlColumn("Chi phí tiết kiệm (đồng/năm)", 18, X.MONEY, "right"),
               X.XlColumn("Thời hạn trước (ngày)", 12, "#,##0.##", "right"),
               X.XlColumn("Thời hạn sau (ngày)", 12, "#,##0.##", "right"),
               X.XlColumn("Số liệu ước tính", 10, align="center")]  # fmt: skip
    rows = []
    for r in frame.to_dict("records"):
        proc = procs.get(int(r["procedure_id"]))
        rows.append([
            proc.code if proc else None, proc.name if proc else None, r["field"], r["agency"],
            level_word(r["level"]) if r["level"] else None, action_word(r["action"]),
            plans.get(int(r["plan_id"])), r["year"], r["baseline_annual_cost"], r["annual_cost"],
            r["savings"], r["baseline_deadline_days"], r["deadline_days"],
            "Có" if r["estimated"] else "Không",
        ])  # fmt: skip
    heading = f"Chi tiết từng thủ tục hành chính ({IN_FORCE_NOTE})"
    X.table_sheet(wb, "Chi tiết", title=[*title, heading],
                  columns=columns, rows=[[_clean(v) for v in row] for row in rows])  # fmt: skip


def _stage_sheets(wb, report: dict[str, pd.DataFrame], title: list[str], today: date) -> None:
    """Savings by stage (PROCESS.md §1: never mixed) and programme progress counting what is
    in force, the adopted and enacted savings beside it as the pipeline."""
    on = f"Tính đến ngày {format_date(today)}"
    heads = ("CPTT trước (đồng/năm)", "CPTT sau (đồng/năm)", "Chi phí tiết kiệm (đồng/năm)")
    money = [X.XlColumn(h, 20, X.MONEY, "right") for h in heads]
    rows = [[STAGE_VI[r["stage"]].capitalize(), r["procedures"], r["cost_before"],
             r["cost_after"], r["savings"], r["cut_rate"]]
            for r in report["by_stage"].to_dict("records")]  # fmt: skip
    X.table_sheet(
        wb, "Theo giai đoạn", title=[*title, f"Chi phí tiết kiệm theo giai đoạn. {on}"],
        columns=[X.XlColumn("Giai đoạn", 26), X.XlColumn("Số TTHC", 10, "#,##0", "right"),
                 *money, X.XlColumn("Tỷ lệ cắt giảm (%)", 12, X.RATE, "right")],
        rows=[[_clean(v) for v in row] for row in rows],
    )  # fmt: skip
    columns = [X.XlColumn("Chương trình", 40), X.XlColumn("Ngày cơ sở", 12, X.DATE, "center"),
               X.XlColumn("CPTT cơ sở (đồng/năm)", 20, X.MONEY, "right"),
               X.XlColumn("Số TTHC đã có hiệu lực", 12, "#,##0", "right"),
               X.XlColumn("Tiết kiệm đã có hiệu lực (đồng/năm)", 20, X.MONEY, "right"),
               X.XlColumn("Tỷ lệ cắt giảm (%)", 12, X.RATE, "right"),
               X.XlColumn("Mục tiêu (%)", 10, X.RATE, "right"),
               X.XlColumn("Đã thông qua (đồng/năm)", 18, X.MONEY, "right"),
               X.XlColumn("Đã ban hành văn bản (đồng/năm)", 18, X.MONEY, "right"),
               X.XlColumn("Đề xuất (đồng/năm)", 18, X.MONEY, "right")]  # fmt: skip
    rows = [[r["name"], r["baseline_day"], r["baseline_annual_cost"], r["procedures_in_force"],
             r["savings_in_force"], r["cut_rate_in_force"], r["target_cut_rate"],
             r["pipeline_adopted"], r["pipeline_enacted"], r["proposed"]]
            for r in report["programmes"].to_dict("records")]  # fmt: skip
    X.table_sheet(
        wb, "Tiến độ theo hiệu lực",
        title=[*title, f"Tiến độ các chương trình: chỉ tính thủ tục đã có hiệu lực, trong phạm vi "
               f"sản xuất, kinh doanh, so với danh mục tại ngày cơ sở. {on}"],
        columns=columns, rows=[[_clean(v) for v in row] for row in rows],
    )  # fmt: skip


def savings_xlsx(
    *, session: Session, actor: str, costs: pd.DataFrame, today: date | None = None
) -> bytes:
    """The savings report workbook (``costs`` from
    :func:`catalogue.costing.burden.catalogue_costs`): first the savings by stage and the
    programmes' progress in force on ``today`` (default today;
    :func:`catalogue.costing.reports.savings_overview`): every sheet says the stage it counts."""
    from catalogue.costing.reports import savings_overview

    today = today or date.today()
    report = savings_overview(session=session, actor=actor, costs=costs, today=today)
    title = ["BÁO CÁO KẾT QUẢ CẮT GIẢM CHI PHÍ TUÂN THỦ THỦ TỤC HÀNH CHÍNH"]
    wb = X.new_workbook()
    _stage_sheets(wb, report, title, today)  # first: what is in force, and the pipeline
    _programmes_sheet(wb, report["programmes"], title)
    for key in GROUPINGS:
        _group_sheet(wb, report[key], key, title)
    _detail_sheet(wb, session, report["adopted"], title)
    return X.workbook_bytes(wb)
