"""Reports as the pages see them: the savings report for the signed-in user, and the bytes
behind downloads (Excel workbooks, CSV tables, chart images)."""

from __future__ import annotations

import pandas as pd

from ui.state import core, costing, session


def savings_report() -> dict[str, pd.DataFrame]:
    """Savings of published decisions against the catalogue baseline and the targets
    (``catalogue.costing.reports.savings_overview``), for the signed-in user: frames ``adopted``,
    ``by_plan``, ``by_agency``, ``by_field``, ``by_level``, ``by_year``,
    ``by_programme``, ``programmes`` and ``catalogue``."""
    from catalogue.costing.reports import savings_overview
    from catalogue.registry.db import session_scope

    with session_scope(core.engine()) as db:
        return savings_overview(
            session=db, actor=session.username(), costs=costing.catalogue_costs()
        )


def excel_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """An Excel workbook with one sheet per frame; text cells that could run as formulas
    (starting with = + - @) are neutralised."""
    import io

    from catalogue.sources.formats import neutralise

    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, sheet_frame in sheets.items():
            safe = sheet_frame.map(lambda v: neutralise(v) if isinstance(v, str) else v)
            safe.to_excel(writer, sheet_name=name[:31], index=False)
    return buffer.getvalue()


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A CSV table (UTF-8 with BOM, so that Excel shows Vietnamese); formula-like text
    cells (starting with = + - @) are neutralised."""
    from catalogue.sources.formats import neutralise

    safe = frame.map(lambda v: neutralise(v) if isinstance(v, str) else v)
    return safe.to_csv(index=False).encode("utf-8-sig")


def chart_image(spec: dict, fmt: str) -> bytes:
    """A Vega-Lite chart rendered to PNG or SVG with vl-convert (no browser needed)."""
    import vl_convert as vlc

    if fmt == "svg":
        return vlc.vegalite_to_svg(spec).encode("utf-8")
    return vlc.vegalite_to_png(spec, scale=2)
