"""The ``tthc`` command line: thin commands, each calling one library function.

One module per command group; each command is a plain function, ``register(app)`` only
attaches them. Where is command X?

- ``common``: shared options (--db, --as, --json, --format, --output) and helpers
  (run_service, run_as, require_actor, fail, print_result, write_output).
- ``catalogue_cmds``: ``db upgrade``, ``import-portal``, ``import``, ``export``, ``demo``.
- ``cost``: ``cost`` (one costing sheet).
- ``costing_cmds``: ``sheet save``, ``burden``, ``savings``.
- ``match_cmds``: ``search``, ``duplicates``, ``match``.
- ``stats_cmds``: ``stats import|report|generate``, ``priorities``.
- ``user_cmds``: ``user add|list|role|deactivate|reactivate|reset-password|passwd``.
- ``plan_cmds``: ``plan new|add|edit|withdraw|submit|decide|show|export`` (``plan approve``
  only points to ``cycle adopt``).
- ``decision_cmds``: ``decision show|export`` (``decision publish`` only points to
  ``cycle publish``).
- ``review_cmds``: ``review-plan draft|add|seed|approve|show``,
  ``review fill|show|check|propose|report|export``.
- ``cycle_cmds``: ``cycle adopt|publish|apply|pending|stages|scope``,
  ``act record|link|import|list``.
- ``profile_cmds``: ``profile show|set`` (the organisation profile of documents).
- ``documents_cmds``: ``documents write OUTDIR`` (every document of a plan and decision).

A new command group goes in a new ``<area>_cmds.py`` with ``register(app)``, named in
``COMMAND_MODULES`` by one line.
"""

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
    "catalogue.cli.user_cmds",
    "catalogue.cli.plan_cmds",
    "catalogue.cli.decision_cmds",
    "catalogue.cli.review_cmds",
    "catalogue.cli.cycle_cmds",
    "catalogue.cli.profile_cmds",
    "catalogue.cli.documents_cmds",
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
    from catalogue.registry.db import DatabaseBusy

    try:
        build_app()()
    except DatabaseBusy as exc:  # a message a person can act on, not a traceback
        typer.echo(f"Lỗi / error: {exc}", err=True)
        raise SystemExit(3) from None
