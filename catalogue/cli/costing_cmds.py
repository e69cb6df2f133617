"""Costing sheets in the registry (``tthc sheet save``) and the whole catalogue's ``burden`` and
``savings``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from catalogue.cli.common import AsOption, DbOption, JsonOption, fail, require_actor, run_service

GROUPINGS = ("field", "agency", "level", "status")


def _procedure_id(session, code: str) -> int:
    from sqlmodel import select

    from catalogue.registry.models import Procedure

    ids = session.exec(select(Procedure.id).where(Procedure.code == code)).all()
    if not ids:
        fail(f"Không có thủ tục mã {code} (no procedure with code {code})", 1)
    if len(ids) > 1:
        fail(
            f"Mã {code} có {len(ids)} thủ tục (ở nhiều cấp/cơ quan); dùng --id "
            f"(code {code} is shared by {len(ids)} procedures; use --id): {list(ids)}",
            2,
        )
    return ids[0]


def sheet_save(
    sheet: Annotated[Path, typer.Argument(help="Costing sheet YAML to store.")],
    code: Annotated[str | None, typer.Option("--code", help="Procedure code.")] = None,
    procedure_id: Annotated[int | None, typer.Option("--id", help="Procedure id.")] = None,
    version: Annotated[
        int,
        typer.Option(
            "--version",
            help="Version of the stored sheet you edited (0 when none is stored yet); "
            "refused if someone saved it since.",
        ),
    ] = ...,
    actor: AsOption = None,
    db: DbOption = None,
) -> None:
    """Store a reviewer's costing sheet with its procedure (replaces the estimate).

    ``--version`` is required: a save made from an older version is refused (exit 1)
    instead of silently overwriting someone else's save.
    """
    from analysis import SheetError
    from analysis.yamlio import YamlSyntaxError, load_yaml
    from catalogue.costing.burden import save_sheet

    who = require_actor(actor, db)
    try:
        content = load_yaml(sheet)  # bounded: no alias bomb, no impossible date
    except (OSError, UnicodeDecodeError, YamlSyntaxError) as exc:
        fail(f"{sheet}: {exc}", 2)
    if not isinstance(content, dict):
        fail(f"{sheet}: a costing sheet must be a YAML mapping", 2)

    def save(session):
        pid = (
            procedure_id
            if procedure_id is not None
            else _procedure_id(
                session, code or str((content.get("procedure") or {}).get("code") or "")
            )
        )
        return pid, save_sheet(
            session=session, actor=who, procedure_id=pid, content=content,
            expected_version=version,
        )  # fmt: skip

    try:
        pid, stored = run_service(db, save)
    except SheetError as exc:
        fail(str(exc), 2)

    typer.echo(f"Đã lưu bảng tính cho thủ tục #{pid} (version {stored.version}).")


def burden(
    by: Annotated[str, typer.Option("--by", help="field, agency, level or status")] = "field",
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Yearly compliance cost of the procedures in force with a known population."""
    from analysis import format_vnd
    from catalogue.costing.burden import (
        burden_summary,
        catalogue_costs,
        cost_totals,
        unpriceable_procedures,
    )
    from catalogue.sources.service import open_catalogue

    if by not in GROUPINGS:
        fail(f"--by must be one of {', '.join(GROUPINGS)}", 2)
    costs = catalogue_costs(open_catalogue(db))
    unpriceable = unpriceable_procedures(costs)
    totals = cost_totals(costs, by)
    summary = burden_summary(costs)
    if as_json:
        groups = json.loads(totals.to_json(orient="records", force_ascii=False))
        typer.echo(
            json.dumps(
                {**summary, "by": by, "groups": groups, "unpriceable": unpriceable},
                ensure_ascii=False,
            )
        )
        return
    typer.echo(
        f"{summary['procedures']} thủ tục đang có hiệu lực có số liệu; CPTT/năm "
        f"{format_vnd(summary['annual_cost'])} ({summary['estimated_procedures']} thủ tục "
        f"ước tính); {summary['unknown_population']} thủ tục chưa có số liệu số đối tượng "
        f"không tính vào tổng; {summary['not_in_force']} thủ tục hết hiệu lực/dự thảo"
    )
    for row in totals.itertuples():
        typer.echo(
            f"  {getattr(row, by) or '—'}: {format_vnd(int(row.annual_cost))} "
            f"({row.procedures} thủ tục; {row.unknown_population} chưa có số liệu)"
        )
    _echo_unpriceable(unpriceable)


def _echo_unpriceable(unpriceable: list[dict]) -> None:
    """Name the procedures left out of the figures because they cannot be priced."""
    if unpriceable:
        typer.echo(f"Không tính được / unpriceable ({len(unpriceable)}), not in the totals:")
        for row in unpriceable:
            typer.echo(f"  {row['code'] or '#' + str(row['procedure_id'])}: {row['reason']}")


def savings(
    actor: AsOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Savings in force and by stage, and programme progress against the national targets."""
    from analysis import format_percent, format_vnd
    from catalogue.costing.burden import catalogue_costs
    from catalogue.costing.reports import savings_overview
    from catalogue.sources.service import open_catalogue

    who = require_actor(actor, db)
    costs = catalogue_costs(open_catalogue(db))
    report = run_service(
        db, lambda session: savings_overview(session=session, actor=who, costs=costs)
    )
    progress = report["programmes"]
    if as_json:
        out = {
            name: json.loads(frame.to_json(orient="records", force_ascii=False, date_format="iso"))
            for name, frame in report.items()
        }
        typer.echo(json.dumps(out, ensure_ascii=False))
        return
    in_force = int(report["adopted"]["savings"].sum())
    typer.echo(f"Tiết kiệm đã có hiệu lực (in force): {format_vnd(in_force)}/năm")
    for row in report["by_stage"].itertuples():
        typer.echo(f"  {row.label}: {row.procedures} TTHC, {format_vnd(row.savings)}/năm")
    for row in progress.itertuples():
        typer.echo(
            f"  {row.programme}: đã có hiệu lực cắt giảm {format_percent(row.cut_rate)} "
            f"/ mục tiêu {format_percent(row.target_cut_rate)}; đã thông qua "
            f"{format_vnd(row.pipeline_adopted)}, đã ban hành văn bản "
            f"{format_vnd(row.pipeline_enacted)}"
        )


def register(app: typer.Typer) -> None:
    """Add the ``sheet`` group and the ``burden`` and ``savings`` commands to ``app``."""
    sheet_app = typer.Typer(
        help="Bảng tính CPTT của thủ tục (costing sheets).", no_args_is_help=True
    )
    app.add_typer(sheet_app, name="sheet")
    sheet_app.command("save")(sheet_save)
    app.command("burden")(burden)
    app.command("savings")(savings)
