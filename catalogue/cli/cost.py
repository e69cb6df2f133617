"""The ``tthc cost`` command: evaluate one costing sheet (TT 02/2017/TT-VPCP Điều 27)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

INVALID_SHEET = 2  # exit status of an invalid sheet or parameter file


def register(app: typer.Typer) -> None:
    """Add the ``cost`` command to ``app``."""

    @app.command("cost")
    def cost(
        sheet: Annotated[
            Path, typer.Argument(help="Costing sheet (YAML), e.g. data/sheets/tax-reporting.yaml.")
        ],
        as_json: Annotated[
            bool, typer.Option("--json", help="Print one JSON object instead of a table.")
        ] = False,
        parameters: Annotated[
            Path | None,
            typer.Option(
                "--parameters", help="Parameter file (default data/parameters/cost.yaml)."
            ),
        ] = None,
    ) -> None:
        """Tính chi phí tuân thủ của một bảng tính CPTT: hiện trạng và các phương án.

        Computes the compliance cost of the baseline and of every option (keep, amend,
        abolish): cost of one execution, annual cost, savings, cut rate, deadline.
        An invalid sheet exits with status 2 and names the file and key path on stderr.
        """
        from analysis.errors import ParameterError, SheetError
        from analysis.parameters import load_parameters
        from analysis.reference import evaluate_sheet
        from analysis.report import render_table, result_to_dict
        from analysis.sheet import load_sheet

        try:
            params = load_parameters(parameters)
            result = evaluate_sheet(load_sheet(sheet, params=params))
        except SheetError as exc:
            typer.echo(f"Bảng tính không hợp lệ / invalid sheet:\n{exc}", err=True)
            raise typer.Exit(INVALID_SHEET) from exc
        except ParameterError as exc:
            typer.echo(f"Tham số không hợp lệ / invalid parameters: {exc}", err=True)
            raise typer.Exit(INVALID_SHEET) from exc
        if as_json:
            typer.echo(json.dumps(result_to_dict(result), ensure_ascii=False))
        else:
            typer.echo(render_table(result))
