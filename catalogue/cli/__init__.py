"""The ``tthc`` command line: thin commands, each calling one library function."""

from __future__ import annotations

import importlib

import typer

# Command modules; each exposes ``register(app)``.
COMMAND_MODULES = (
    "catalogue.cli.catalogue_cmds",
    "catalogue.cli.cost",
    "catalogue.cli.costing_cmds",
    "catalogue.cli.match_cmds",
    "catalogue.cli.stats_cmds",
    "catalogue.cli.workflow_cmds",
    "catalogue.cli.estimate_cmds",
)


def build_app() -> typer.Typer:
    """The typer application with every command registered."""
    app = typer.Typer(
        name="tthc",
        help="Danh mục thủ tục hành chính và phân tích chi phí tuân thủ (TTHC).",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(app)
    return app


def main() -> None:
    """Entry point of the ``tthc`` console script."""
    build_app()()
