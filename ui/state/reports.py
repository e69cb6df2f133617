"""Reports as the pages see them: the savings report for the signed-in user, and the bytes
behind downloads (the savings workbook, CSV tables, chart images)."""

from __future__ import annotations

import pandas as pd

from ui.state import core, costing, session


def savings_report() -> dict[str, pd.DataFrame]:
    """Savings by stage on today's date and programme progress counting what is in force
    (``catalogue.costing.reports.savings_overview``), for the signed-in user: frames
    ``adopted`` (options in force), ``by_plan``, ``by_agency``, ``by_field``, ``by_level``,
    ``by_year``, ``by_programme``, ``programmes``, ``catalogue``, ``by_stage`` and
    ``procedures``."""
    from catalogue.costing.reports import savings_overview
    from catalogue.registry.db import session_scope

    with session_scope(core.engine()) as db:
        return savings_overview(
            session=db, actor=session.username(), costs=costing.catalogue_costs(),
            today=core.today(),
        )  # fmt: skip


def savings_workbook() -> bytes:
    """The savings report as officials file it (``catalogue.documents.tiet_kiem``):
    Vietnamese headers, mã TTHC, Vietnamese words, the shared print setup."""
    from catalogue.documents.tiet_kiem import savings_xlsx
    from catalogue.registry.db import session_scope

    with session_scope(core.engine()) as db:
        return savings_xlsx(
            session=db, actor=session.username(), costs=costing.catalogue_costs(),
            today=core.today(),
        )  # fmt: skip


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A CSV table (UTF-8 with BOM, so that Excel shows Vietnamese); formula-like text
    cells (starting with = + - @, a tab or a carriage return) are neutralised, and CRLF
    row ends make a field holding a line break quoted."""
    from catalogue.sources.formats import neutralise_frame

    safe = neutralise_frame(frame)
    return safe.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def chart_image(spec: dict, fmt: str) -> bytes:
    """A Vega-Lite chart rendered to PNG or SVG with vl-convert (no browser needed)."""
    import vl_convert as vlc

    if fmt == "svg":
        return vlc.vegalite_to_svg(spec).encode("utf-8")
    return vlc.vegalite_to_png(spec, scale=2)
