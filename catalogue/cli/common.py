"""Options and helpers shared by the CLI commands (the one home of each).

Options: ``DbOption`` (--db), ``AsOption`` (--as), ``JsonOption`` (--json),
``FormatOption`` (--format/-f of document exports), ``OutputOption`` (--output/-o).
Helpers: ``fail``, ``report_import_failure``, ``handle_service_error``, ``stdout_write``,
``print_result``, ``print_rows``, ``write_output``, ``run_service``, ``require_actor``, ``run_as``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from catalogue.registry.errors import ConcurrentEdit, ImportFailed, ServiceError

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL (sqlite:///file.db, postgresql://…); "
        "default: $TTHC_DATABASE_URL, else an SQLite file in the user data folder.",
    ),
]
AsOption = Annotated[str | None, typer.Option("--as", help="Acting user name.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
FormatOption = Annotated[str, typer.Option("--format", "-f", help="xlsx, docx or csv.")]
OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Output file (default: standard output).")
]


def fail(message: str, code: int = 1) -> None:
    """Print a message to stderr and exit with ``code``."""
    typer.echo(message, err=True)
    raise typer.Exit(code)


def report_import_failure(exc: ImportFailed) -> None:
    """Print every problem of a failed import and exit 1."""
    typer.echo(
        f"Lỗi nhập dữ liệu / import failed: {len(exc.problems)} problem(s); nothing was written.",
        err=True,
    )
    for p in exc.problems:
        typer.echo(f"  - {p}", err=True)
    raise typer.Exit(1)


def handle_service_error(exc: ServiceError) -> None:
    """Print a refused action and exit 1."""
    fail(f"Lỗi / error: {exc}", 1)


def stdout_write(data: bytes) -> None:
    """Write bytes to stdout."""
    sys.stdout.buffer.write(data)
    sys.stdout.flush()


def print_result(data: Any, as_json: bool, text: str) -> None:
    """Print ``data`` as one JSON line with ``--json``, else the human ``text``."""
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, default=str))
    else:
        typer.echo(text)


def print_rows(db: str | None, who: str, as_json: bool, frame_service, line, empty: str) -> None:
    """Print the rows of ``frame_service(session=…, actor=who)``, one ``line(row)`` each."""
    from catalogue.registry.audit import jsonable

    frame = run_service(db, lambda s: frame_service(session=s, actor=who))
    rows = jsonable(frame.to_dict("records"))
    print_result(rows, as_json, "\n".join(line(r) for r in rows) or empty)


def write_output(data: bytes, output: Path | None) -> None:
    """Write an exported document to ``output``, or to stdout when no file is given."""
    if output is None:
        stdout_write(data)
    else:
        output.write_bytes(data)
        typer.echo(f"Đã ghi {output} (written).")


def run_service(db: str | None, work):
    """Run ``work(session)`` in one transaction; service refusals exit 1 with the message."""
    from catalogue.registry.db import session_scope
    from catalogue.sources.service import open_catalogue

    engine = open_catalogue(db)
    try:
        with session_scope(engine) as session:
            return work(session)
    except ConcurrentEdit as exc:
        typer.echo(f"Lỗi / error: {exc}", err=True)
        typer.echo("Bản đã lưu (saved version):", err=True)
        typer.echo(json.dumps(exc.theirs, ensure_ascii=False, indent=2), err=True)
        typer.echo("Bản của bạn (your version):", err=True)
        typer.echo(json.dumps(exc.yours, ensure_ascii=False, indent=2), err=True)
        raise typer.Exit(1) from exc
    except ServiceError as exc:
        handle_service_error(exc)


def require_actor(actor: str | None) -> str:
    """The ``--as`` user, or exit 2 when it is missing."""
    if not actor:
        fail("Cần --as USER: người thực hiện (the acting user is required)", 2)
    return actor


def run_as(db: str | None, actor: str | None, work):
    """Run ``work(session, user)`` as the ``--as`` user (required) in one transaction."""
    who = require_actor(actor)
    return run_service(db, lambda session: work(session, who))
