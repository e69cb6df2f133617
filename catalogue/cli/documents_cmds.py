"""``tthc documents write OUTDIR``: every document of a plan and its decision, in one folder
(:func:`catalogue.documents.bundle.write_documents`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from catalogue.cli.common import AsOption, DbOption, handle_service_error, require_actor
from catalogue.registry.errors import ServiceError


def documents_write(
    outdir: Annotated[Path, typer.Argument(help="Thư mục ghi văn bản (output folder).")],
    plan: Annotated[int | None, typer.Option("--plan", help="Plan id.")] = None,
    decision: Annotated[
        str | None, typer.Option("--decision", help="Decision number or id.")
    ] = None,
    savings: Annotated[
        bool, typer.Option("--savings", help="Also the savings report (bao-cao-tiet-kiem.xlsx).")
    ] = False,
    actor: AsOption = None,
    db: DbOption = None,
) -> None:
    """Write the Word and Excel documents of a plan, its decision and the savings report."""
    from catalogue.cycle import find_decision
    from catalogue.documents.bundle import write_documents
    from catalogue.registry.db import session_scope
    from catalogue.sources.service import open_catalogue

    who = require_actor(actor, db)
    engine = open_catalogue(db)
    try:
        decision_id = None
        if decision is not None:
            with session_scope(engine) as s:
                decision_id = find_decision(session=s, actor=who, ref=decision).id
        paths = write_documents(engine, actor=who, outdir=outdir, plan_id=plan,
                                decision_id=decision_id, savings=savings)  # fmt: skip
    except ServiceError as exc:
        handle_service_error(exc)
        return
    for path in paths:
        typer.echo(str(path))


def register(app: typer.Typer) -> None:
    """Add the ``documents`` group to ``app``."""
    documents_app = typer.Typer(
        help="Văn bản theo Nghị định 30/2020/NĐ-CP (official documents).", no_args_is_help=True
    )
    app.add_typer(documents_app, name="documents")
    documents_app.command("write")(documents_write)
