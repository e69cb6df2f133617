"""One line per procedure for pickers: code, name, level, agency and status, so that an
abolished procedure never looks like the active one of the same name."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ui.i18n import label, t
from ui.state import catalogue as catalogue_state


def procedure_line(row: Any, prefix: str = "") -> str:
    """``1.001234 · Tên thủ tục — Cấp tỉnh · Sở Tư pháp · Đang hiệu lực`` (retired marked)."""
    levels = ", ".join(label("level", lv) for lv in (row["levels"] or ())) or "—"
    status = row["status"]
    text = t(
        "ux.pick.line",
        code=row["code"] or "—",
        name=row["name"],
        levels=levels,
        agency=row["agency"] or "—",
        status=label("status", status),
    )
    if status in catalogue_state.RETIRED:
        text = t("ux.pick.retired", line=text)
    return prefix + text


def procedure_choices(rows: pd.DataFrame, id_column: str = "id") -> dict[int, str]:
    """Picker choices ``{id: line}``, procedures in force first."""
    return {
        int(r[id_column]): procedure_line(r)
        for _, r in catalogue_state.retired_last(rows).iterrows()
    }


def proposal_choices(proposals: pd.DataFrame) -> dict[int, str]:
    """Picker choices for proposals ``{proposal id: '#id · procedure line'}``."""
    described = catalogue_state.procedure_rows(proposals["procedure_id"].astype(int).tolist())
    lines = {int(pid): procedure_line(r) for pid, r in described.iterrows()}
    return {
        int(p.id): t("ux.pick.proposal", id=p.id, line=lines.get(int(p.procedure_id), p.name))
        for p in proposals.itertuples()
    }
