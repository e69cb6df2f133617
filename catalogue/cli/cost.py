"""The ``tthc cost`` command: evaluate one costing sheet (TT 02/2017/TT-VPCP Điều 27)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from catalogue.cli.common import DbOption

INVALID_SHEET = 2  # exit status of an invalid sheet or parameter file


FACTOR_LABELS = {
    "hourly_rate": "Đơn giá thời gian",
    "population": "Số đối tượng",
    "hours": "Số giờ",
}


def _sensitivity(sheet, percent: int):
    """Annual cost and savings of every option with each factor at −/0/+ ``percent`` %."""
    from analysis.sensitivity import sensitivity

    frame = sensitivity(sheet, percent=percent)
    frame["cut_rate"] = frame["cut_rate"].astype(float)
    return frame


def _render_sensitivity(frame, percent: int) -> str:
    """A Vietnamese table: per factor and option, savings at low / central / high."""
    from analysis.formatting import format_percent, format_vnd

    lines = [f"\nĐộ nhạy (±{percent} %): tiết kiệm/năm khi thấp / trung bình / cao"]
    for (factor, option), rows in frame.groupby(["factor", "option_id"], sort=False):
        if option == "baseline":
            continue
        by_case = rows.set_index("case")
        if by_case["savings"].isna().any():  # an unknown population has no yearly figures
            lines.append(f"  {FACTOR_LABELS.get(factor, factor)} · {option}: chưa có số liệu")
            continue
        cells = " / ".join(
            format_vnd(int(by_case.loc[c, "savings"])) for c in ("low", "central", "high")
        )
        rate = format_percent(by_case.loc["central", "cut_rate"])
        lines.append(f"  {FACTOR_LABELS.get(factor, factor)} · {option}: {cells} ({rate})")
    return "\n".join(lines)


def _read_sheet(path: Path, *, params, db: str | None):
    """Read a sheet; one naming only its procedure's code is completed from the catalogue."""
    from analysis.errors import SheetError, SheetProblem
    from analysis.sheet import parse_sheet
    from analysis.yamlio import YamlSyntaxError, load_yaml
    from catalogue.costing.burden import code_only_sheet, complete_sheet_data

    file = str(path)
    try:
        data = load_yaml(path)
    except OSError as exc:
        raise SheetError(file, [SheetProblem("", f"cannot read: {exc.strerror}")]) from exc
    except YamlSyntaxError as exc:
        raise SheetError(file, [SheetProblem(exc.where, exc.message)]) from exc
    if code_only_sheet(data) is not None:  # only then is the catalogue needed
        from catalogue.sources.service import open_catalogue

        with open_catalogue(db).connect() as conn:
            data = complete_sheet_data(conn, data, params=params, file=file)
    return parse_sheet(data, params=params, file=file)


def cost(
    sheet: Annotated[
        Path, typer.Argument(help="Costing sheet (YAML), e.g. data/sheets/tax-reporting.yaml.")
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object instead of a table.")
    ] = False,
    parameters: Annotated[
        Path | None,
        typer.Option("--parameters", help="Parameter file (default data/parameters/cost.yaml)."),
    ] = None,
    db: DbOption = None,
    sensitivity: Annotated[
        int | None,
        typer.Option(
            "--sensitivity",
            help="Also move hourly rate, population and hours by ± this many percent "
            "(low / central / high).",
            min=1,
            max=99,
        ),
    ] = None,
) -> None:
    """Tính chi phí tuân thủ của một bảng tính CPTT: hiện trạng và các phương án.

    Computes the compliance cost of the baseline and of every option (keep, amend,
    abolish): cost of one execution, annual cost, savings, cut rate, deadline.
    A sheet that gives only ``procedure: {code: …}`` (and options) takes the rest of its
    baseline from the catalogue (the stored sheet, else the estimate from the record).
    An invalid sheet exits with status 2 and names the file and key path on stderr.
    """
    from analysis.errors import ParameterError, SheetError
    from analysis.parameters import load_parameters
    from analysis.reference import evaluate_sheet
    from analysis.report import render_table, result_to_dict

    try:
        params = load_parameters(parameters)
        parsed = _read_sheet(sheet, params=params, db=db)
        result = evaluate_sheet(parsed)
    except SheetError as exc:
        typer.echo(f"Bảng tính không hợp lệ / invalid sheet:\n{exc}", err=True)
        raise typer.Exit(INVALID_SHEET) from exc
    except ParameterError as exc:
        typer.echo(f"Tham số không hợp lệ / invalid parameters: {exc}", err=True)
        raise typer.Exit(INVALID_SHEET) from exc
    spread = None if sensitivity is None else _sensitivity(parsed, sensitivity)
    if as_json:
        out = result_to_dict(result)
        if spread is not None:
            out["sensitivity"] = {"percent": sensitivity, "rows": spread.to_dict("records")}
        typer.echo(json.dumps(out, ensure_ascii=False))
        return
    typer.echo(render_table(result))
    if spread is not None:
        typer.echo(_render_sensitivity(spread, sensitivity))


def register(app: typer.Typer) -> None:
    """Add the ``cost`` command to ``app``."""
    app.command("cost")(cost)
