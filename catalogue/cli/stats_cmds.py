"""One-stop statistics and review priorities: ``tthc stats …`` and ``tthc priorities``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from catalogue.cli.common import (
    AsOption,
    DbOption,
    JsonOption,
    fail,
    handle_service_error,
    report_import_failure,
    require_actor,
    run_as,
)
from catalogue.registry.errors import ImportFailed, ServiceError

BY_CHOICES = ("procedure", "agency", "field", "level", "period")
SHOWN_TO_CONFIRM = 20


def _frame_json(frame) -> str:
    return frame.to_json(orient="records", force_ascii=False)


def stats_import(
    file: Annotated[Path, typer.Argument(help="Statistics file: CSV or Excel (.xlsx).")],
    accept_above: Annotated[
        float | None,
        typer.Option(
            "--accept-above",
            min=0,
            max=100,
            help="Store rows without a code whose unambiguous best match scores at least "
            "this (otherwise they are only listed for confirmation).",
        ),
    ] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="Excel sheet name.")] = None,
    actor: AsOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Nhập thống kê hồ sơ / import one-stop statistics (received, early, on time, late…).

    One row per procedure code × agency or level × period (2025, 2025-Q1, 2025-03), or a
    Biểu 06 (TT 01/2020/TT-VPCP: the official sheet with its period and reporting unit, or
    its CSV twin) with carried-over and pending dossiers, checked by the form's
    arithmetic. Every problem is listed with its row and column and nothing is written.
    Rows of a procedure roll up into the yearly volumes used as the cost model's
    population. Needs an admin (--as).
    """
    from catalogue.onestop.stats import StatsError, import_stats
    from catalogue.sources.service import open_catalogue

    who = require_actor(actor, db)
    try:
        result = import_stats(
            open_catalogue(db), file, actor=who, accept_above=accept_above, sheet=sheet
        )
    except ImportFailed as exc:
        report_import_failure(exc)
    except StatsError as exc:
        fail(f"Lỗi / error: {exc}", 2)
    except ServiceError as exc:
        handle_service_error(exc)
    data = result.as_dict()
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False))
        return
    if data["format"] == "bieu06":
        typer.echo(
            f"Biểu 06: kỳ {', '.join(data['periods'])}, đơn vị {', '.join(data['units'])} "
            f"(Biểu 06 report: periods and reporting units)."
        )
    typer.echo(
        f"Đã nhập {data['stored']}/{data['rows']} dòng của {data['procedures']} thủ tục "
        f"(thay thế {data['replaced']}), {data['volumes_written']} số liệu năm."
    )
    typer.echo(
        f"Imported {data['stored']} of {data['rows']} rows for {data['procedures']} "
        f"procedures; {data['volumes_written']} yearly volumes written."
    )
    for item in data["partial_years"]:
        typer.echo(
            f"  Năm {item['year']} chưa đủ 12 tháng ở {item['procedures']} thủ tục "
            "(partial year: not extrapolated)."
        )
    if data["accepted"]:
        typer.echo(f"Đã chấp nhận theo tên / accepted by name: {len(data['accepted'])} dòng.")
    if data["to_confirm"]:
        typer.echo(
            f"Cần xác nhận mã / to confirm (not stored): {len(data['to_confirm'])} dòng "
            "không có mã TTHC; điền mã vào tệp hoặc dùng --accept-above."
        )
        for item in data["to_confirm"][:SHOWN_TO_CONFIRM]:
            best = item["candidates"][0] if item["candidates"] else None
            guess = f" → {best['code']} ({best['score']:g}) {best['name']}" if best else ""
            typer.echo(f"  dòng {item['row']}: {item['name']}{guess}")


def stats_report(
    by: Annotated[
        str, typer.Option("--by", help="procedure, agency, field, level or period.")
    ] = "agency",
    year: Annotated[
        int | None, typer.Option("--year", help="The whole of this year (default: the latest).")
    ] = None,
    period: Annotated[
        str | None,
        typer.Option("--period", help="One period: 2026-03, 2026-Q1, 2026-H1 or 2026."),
    ] = None,
    top: Annotated[int, typer.Option("--top", min=1, help="Rows of the late lists.")] = 10,
    lang: Annotated[str, typer.Option("--lang", help="vi or en.")] = "vi",
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Báo cáo kết quả giải quyết hồ sơ / one period's on-time, early, late and online shares.

    One period only (--period, else the whole --year, else the latest year held): periods
    of different years are never added together. Prints the published form (924/956 hồ
    sơ, đạt 96,6 %, trong đó trước hạn 70,3 %…) by the chosen grouping (--by period: each
    period of the year on its own), the late dossiers with and without a Phiếu xin lỗi và
    hẹn lại ngày trả kết quả, then the procedures, units and fields with the most late
    dossiers.
    """
    from catalogue.onestop.periods import PeriodError
    from catalogue.onestop.report import by_period, overview
    from catalogue.sources.service import open_catalogue

    if by not in BY_CHOICES:
        fail(f"--by phải là / must be one of: {', '.join(BY_CHOICES)}", 2)
    if lang not in ("vi", "en"):
        fail("--lang: vi hoặc en", 2)
    if period and year is not None:
        fail("--period hoặc --year, không cả hai (give --period or --year, not both)", 2)
    engine = open_catalogue(db)
    try:
        view = overview(engine, year=year, period=period, top=top, lang=lang)
    except PeriodError as exc:
        fail(f"Lỗi / error: {exc}", 2)
    if view["period"] is None:
        typer.echo("Chưa có số liệu thống kê / no statistics yet.")
        return
    if by == "period":
        table = by_period(engine, year=view["year"], lang=lang)
    else:
        from catalogue.onestop.report import stats_report as report_by

        table = report_by(engine, by=by, period=view["period"], lang=lang)
    _print_report(view, table, by, as_json=as_json, lang=lang)


def _print_report(view, table, by: str, *, as_json: bool, lang: str) -> None:
    late = {k: view[k] for k in ("late_procedures", "late_agencies", "late_fields")}
    if as_json:
        payload = {
            "by": by,
            "year": view["year"],
            "period": view["period"],
            "totals": view["totals"],
            "rows": json.loads(_frame_json(table)),
            **{k: json.loads(_frame_json(v)) for k, v in late.items()},
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, default=str))
        return
    totals = view["totals"]
    typer.echo(f"Kỳ báo cáo / period: {view['period_text']} ({view['period']})")
    typer.echo(f"Tổng / total: {totals['published']}")
    if totals["apologised"] is not None:
        typer.echo(
            f"Hồ sơ quá hạn / late dossiers: {totals['late']}, có Phiếu xin lỗi và hẹn lại ngày "
            f"trả kết quả {totals['apologised']}, chưa có {totals['without_apology']}"
        )
    label = {"procedure": "code"}.get(by, by)
    for row in table.to_dict("records"):
        typer.echo(f"  {row[label] or '-'}: {row['published']}")
    typer.echo("Nhiều hồ sơ trễ hạn nhất / most late dossiers (thủ tục / procedures):")
    for row in late["late_procedures"].to_dict("records"):
        typer.echo(f"  {row['late']:>7}  {row['code'] or '-':<14} {row['name']}")
    typer.echo("(đơn vị / units):")
    for row in late["late_agencies"].to_dict("records"):
        typer.echo(f"  {row['late']:>7}  {row['agency']}")
    typer.echo("(lĩnh vực / fields):")
    for row in late["late_fields"].to_dict("records"):
        typer.echo(f"  {row['late']:>7}  {row['field']}")


def stats_export(
    out: Annotated[Path, typer.Argument(help="Output workbook, e.g. bieu-06.xlsx.")],
    period: Annotated[
        str | None,
        typer.Option("--period", help="2026-Q1, 2026-H1, 2026 … (default: latest year)."),
    ] = None,
    year: Annotated[int | None, typer.Option("--year", help="The whole of this year.")] = None,
    unit: Annotated[
        str | None, typer.Option("--unit", help="Only this reporting unit (agency).")
    ] = None,
    unit_name: Annotated[
        str | None, typer.Option("--unit-name", help="Reporting unit printed on the form.")
    ] = None,
    db: DbOption = None,
) -> None:
    """Xuất Biểu 06 / write one period's Biểu 06 (TT 01/2020/TT-VPCP) as an Excel workbook.

    Rows by level and field, the received / resolved / pending columns with the carry-over
    and the Phiếu xin lỗi count, the total row; A4 landscape, headings repeated. The
    workbook imports again with tthc stats import.
    """
    from catalogue.onestop.export import export_bieu06
    from catalogue.onestop.periods import PeriodError
    from catalogue.sources.service import open_catalogue

    try:
        _, target = export_bieu06(
            open_catalogue(db), period=period, year=year, unit=unit, out=out, unit_name=unit_name
        )
    except (PeriodError, ValueError) as exc:
        fail(f"Lỗi / error: {exc}", 2)
    typer.echo(f"Đã ghi / written: {out} ({target.text()})")


def online_level(
    code: Annotated[str, typer.Argument(help="Procedure code (mã TTHC) or #id.")],
    level: Annotated[str, typer.Argument(help="full (toàn trình), partial (một phần), none.")],
    actor: AsOption = None,
    db: DbOption = None,
) -> None:
    """Ghi mức độ trực tuyến / record a procedure's online level (NĐ 42/2022/NĐ-CP).

    A reviewer (or admin) records whether the procedure is offered online "toàn trình",
    "một phần" or not at all; audited. A code catalogued at several levels needs its #id.
    """
    from sqlmodel import select

    from catalogue.onestop.online import online_label, set_online_level
    from catalogue.registry.errors import NotFound
    from catalogue.registry.models import Procedure

    def work(session, who):
        if code.startswith("#"):
            pid = int(code[1:])
        else:
            ids = session.exec(select(Procedure.id).where(Procedure.code == code)).all()
            if len(ids) != 1:
                raise NotFound(
                    f"mã {code}: {len(ids)} thủ tục; dùng #id (code matches {len(ids)} "
                    "procedures; use #id)"
                )
            pid = ids[0]
        set_online_level(session=session, actor=who, procedure_id=pid, level=level)
        return pid

    pid = run_as(db, actor, work)
    typer.echo(f"Thủ tục #{pid}: mức độ trực tuyến {online_label(level)} (online level {level}).")


def stats_generate(
    out: Annotated[Path, typer.Argument(help="Output file: .csv or .xlsx.")],
    year: Annotated[int, typer.Option("--year", help="Year of the monthly rows.")] = 2025,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 7,
    without_code: Annotated[
        int,
        typer.Option("--without-code", min=0, help="Procedures whose rows lose their code."),
    ] = 0,
    db: DbOption = None,
) -> None:
    """Tạo tệp thống kê mô phỏng / write a realistic synthetic monthly statistics file.

    One row per catalogued procedure and month, derived from its latest yearly volume
    (growth, seasonality around Tết, pending, late, early and online shares).
    Load the demo catalogue first (tthc demo).
    """
    from catalogue.onestop.stats import generate_stats_file
    from catalogue.sources.service import open_catalogue

    rows = generate_stats_file(
        open_catalogue(db), out, year=year, seed=seed, without_code=without_code
    )
    if rows == 0:
        fail("Danh mục trống: chạy tthc demo trước (empty catalogue: run tthc demo)", 1)
    typer.echo(f"Đã ghi / written: {out} ({rows} dòng / rows)")


def priorities(
    top: Annotated[int, typer.Option("--top", min=1, help="Number of procedures.")] = 20,
    weight: Annotated[
        list[str] | None,
        typer.Option(
            "--weight",
            help="factor=value, repeatable; factors: annual_cost, late_rate, documents, "
            "deadline_days, no_full_online.",
        ),
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="vi or en.")] = "vi",
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Thủ tục cần rà soát trước / rank procedures to review next, each rank explained.

    The priority (0–100) weighs yearly compliance cost, late rate, number of documents,
    deadline and the lack of a full online channel; the top contributing factors are
    shown with their values.
    """
    from catalogue.onestop.priorities import FACTORS, parse_weights, review_priorities
    from catalogue.sources.service import open_catalogue

    try:
        weights = parse_weights(weight)
    except ValueError as exc:
        fail(f"Lỗi / error: {exc}", 2)
    ranked = review_priorities(open_catalogue(db), weights=weights, top=top, lang=lang)
    if as_json:
        columns = [
            "rank",
            "procedure_id",
            "code",
            "name",
            "agency",
            "priority",
            *FACTORS,
            "factor_1",
            "factor_2",
            "factor_3",
            "explanation",
        ]
        payload = {"weights": weights, "procedures": json.loads(_frame_json(ranked[columns]))}
        typer.echo(json.dumps(payload, ensure_ascii=False))
        return
    shown = ", ".join(f"{k}={v:g}" for k, v in weights.items())
    typer.echo(f"Trọng số / weights: {shown}")
    for row in ranked.to_dict("records"):
        typer.echo(
            f"{row['rank']:>4}. {row['priority']:6.2f}  {row['code'] or '-':<14} {row['name']}"
        )
        typer.echo(f"       {row['explanation']}")


def register(app: typer.Typer) -> None:
    """Add the ``stats`` group and the ``priorities`` command to ``app``."""
    stats_app = typer.Typer(
        help="Thống kê hồ sơ một cửa / one-stop dossier statistics.", no_args_is_help=True
    )
    app.add_typer(stats_app, name="stats")
    stats_app.command("import")(stats_import)
    stats_app.command("report")(stats_report)
    stats_app.command("generate")(stats_generate)
    stats_app.command("export")(stats_export)
    app.command("online-level")(online_level)
    app.command("priorities")(priorities)
