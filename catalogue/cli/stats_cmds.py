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

    One row per procedure code × agency or level × period (2025, 2025-Q1, 2025-03).
    Every problem is listed with its row and column and nothing is written. Monthly and
    quarterly rows roll up into the yearly volumes used as the cost model's population.
    Needs an admin (--as).
    """
    from catalogue.onestop.stats import StatsError, import_stats
    from catalogue.sources.service import open_catalogue

    who = require_actor(actor)
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
    year: Annotated[int | None, typer.Option("--year", help="Only this year.")] = None,
    top: Annotated[int, typer.Option("--top", min=1, help="Rows of the late lists.")] = 10,
    lang: Annotated[str, typer.Option("--lang", help="vi or en.")] = "vi",
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Báo cáo kết quả giải quyết hồ sơ / on-time, early, late and online shares.

    Prints the published form (924/956 hồ sơ, đạt 96,6 %, trong đó trước hạn 70,3 %…)
    by the chosen grouping, then the procedures and agencies with the most late
    dossiers (each owes the citizen a written apology).
    """
    from catalogue.onestop.report import dossier_frame, most_late, performance, totals
    from catalogue.sources.service import open_catalogue

    if by not in BY_CHOICES:
        fail(f"--by phải là / must be one of: {', '.join(BY_CHOICES)}", 2)
    if lang not in ("vi", "en"):
        fail("--lang: vi hoặc en", 2)
    frame = dossier_frame(open_catalogue(db), year=year)
    table = performance(frame, by, lang=lang)
    late_proc = most_late(frame, "procedure", top=top)
    late_agency = most_late(frame, "agency", top=top)
    if as_json:
        payload = {
            "by": by,
            "year": year,
            "totals": totals(frame, lang=lang),
            "rows": json.loads(_frame_json(table)),
            "late_procedures": json.loads(_frame_json(late_proc)),
            "late_agencies": json.loads(_frame_json(late_agency)),
        }
        typer.echo(json.dumps(payload, ensure_ascii=False))
        return
    if frame.empty:
        typer.echo("Chưa có số liệu thống kê / no statistics yet.")
        return
    typer.echo(f"Tổng / total: {totals(frame, lang=lang)['published']}")
    label = {"procedure": "code"}.get(by, by)
    for row in table.to_dict("records"):
        typer.echo(f"  {row[label] or '-'}: {row['published']}")
    typer.echo("Nhiều hồ sơ trễ hạn nhất / most late dossiers (thủ tục / procedures):")
    for row in late_proc.to_dict("records"):
        typer.echo(f"  {row['resolved_late']:>7}  {row['code'] or '-':<14} {row['name']}")
    typer.echo("(cơ quan / agencies):")
    for row in late_agency.to_dict("records"):
        typer.echo(f"  {row['resolved_late']:>7}  {row['agency']}")


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
    app.command("priorities")(priorities)
