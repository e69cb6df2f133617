"""``tthc sheet show``, ``tthc volumes import``: the sheet behind a procedure's cost, and
yearly volumes as the evidence of its population."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from catalogue.cli.common import DbOption, fail


def _sheet_group(app: typer.Typer) -> typer.Typer:
    for group in app.registered_groups:
        if group.name == "sheet":
            return group.typer_instance
    sheet_app = typer.Typer(help="Bảng tính CPTT của thủ tục (costing sheets).")
    app.add_typer(sheet_app, name="sheet")
    return sheet_app


def _print_view(view: dict) -> None:
    from analysis import format_vnd

    def money(value) -> str:
        return "chưa có số liệu" if value is None else format_vnd(value)

    kind = "ước tính (estimate)" if view["estimated"] else "của người rà soát (reviewer's)"
    typer.echo(f"{view['code']} {view['name'] or ''} — bảng tính {kind}")
    for key in ("population", "frequency", "hourly_rate"):
        figure = view[key]
        value = "chưa có số liệu" if figure["value"] is None else figure["value"]
        typer.echo(f"  {key}: {value} ({figure['method'] or '—'}; {figure['source'] or '—'})")
    typer.echo(f"  channels: {view['channels']}  subject_shares: {view['subject_shares']}")
    for fee in view["fees"]:
        typer.echo(f"  phí {fee['name']}: {format_vnd(fee['amount_vnd'])} — {fee['rule']}")
        for alternative in fee["alternatives"]:
            typer.echo(f"      · {alternative}")
    for a in view["activities"]:
        typer.echo(
            f"  {a['name']}: {a['hours']} giờ, {format_vnd(a['out_of_pocket'])} "
            f"[{a['kind'] or '—'}; {', '.join(a['channels'] or ['mọi kênh'])}]"
        )
    typer.echo(
        f"  CPTT một lần: {money(view['unit_cost'])}; CPTT/năm: {money(view['annual_cost'])}"
    )


def sheet_show(
    code: Annotated[str, typer.Argument(help="Procedure code (mã TTHC).")],
    procedure_id: Annotated[
        int | None, typer.Option("--id", help="Procedure id when the code is shared.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Show the costing sheet used for a procedure (stored or estimated), figure by figure."""
    from analysis import load_parameters
    from catalogue.costing.sheet_view import sheet_view
    from catalogue.registry.errors import NotFound
    from catalogue.sources.service import open_catalogue

    engine = open_catalogue(db)
    try:
        with engine.connect() as conn:
            view = sheet_view(conn, code, params=load_parameters(), procedure_id=procedure_id)
    except NotFound as exc:
        fail(str(exc), 1)
    if as_json:
        typer.echo(json.dumps(view, ensure_ascii=False))
        return
    _print_view(view)


def volumes_import(
    path: Annotated[Path, typer.Argument(help="CSV or Excel file of yearly volumes.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Import yearly volumes (mã TTHC, cấp, cơ quan, năm, số hồ sơ, nguồn)."""
    from catalogue.costing.burden import refresh_cost_frames
    from catalogue.sources.service import open_catalogue
    from catalogue.sources.volumes import VolumeImportError, import_volumes

    engine = open_catalogue(db)
    try:
        result = import_volumes(engine, path)
    except VolumeImportError as exc:
        lines = "\n".join(f"  - {p}" for p in exc.problems)
        fail(f"Lỗi nhập số hồ sơ / volume import failed; nothing was written.\n{lines}", 2)
    refresh_cost_frames(engine)  # the estimates with the new populations are made now
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
        return
    typer.echo(
        f"Đã nhập {result['rows']} dòng: {result['procedures']} thủ tục, "
        f"năm {', '.join(map(str, result['years']))}"
    )


def register(app: typer.Typer) -> None:
    """Add ``sheet show`` (to the ``sheet`` group) and ``volumes import`` to ``app``."""
    _sheet_group(app).command("show")(sheet_show)
    volumes_app = typer.Typer(help="Số hồ sơ hằng năm (yearly volumes).", no_args_is_help=True)
    app.add_typer(volumes_app, name="volumes")
    volumes_app.command("import")(volumes_import)
