"""Options and helpers shared by the CLI commands (the one home of each).

Options: ``DbOption`` (--db), ``AsOption`` (--as), ``JsonOption`` (--json),
``FormatOption`` (--format/-f of document exports), ``OutputOption`` (--output/-o).
Helpers: ``fail``, ``report_import_failure``, ``handle_service_error``, ``stdout_write``,
``print_result``, ``print_rows``, ``write_output``, ``run_service``, ``require_actor``,
``actor_or_setup``, ``run_as``, ``new_password``.

The acting user is authenticated, never trusted: the name comes from ``--as`` or
``TTHC_USER``, the password from ``TTHC_PASSWORD`` (scripts) or a hidden prompt, and the
sign-in goes through :func:`catalogue.registry.auth.authenticate` (audited, limited after
failures). Passwords are never read from the command line.
"""

from __future__ import annotations

import json
import os
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
AsOption = Annotated[
    str | None,
    typer.Option(
        "--as",
        help="Acting user name (default: $TTHC_USER); the password is asked for, "
        "or read from $TTHC_PASSWORD.",
    ),
]
ENV_USER = "TTHC_USER"
ENV_PASSWORD = "TTHC_PASSWORD"
ENV_NEW_PASSWORD = "TTHC_NEW_PASSWORD"
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
    from catalogue.registry.db import run_transaction
    from catalogue.sources.service import open_catalogue

    engine = open_catalogue(db)
    try:
        return run_transaction(engine, work)  # retried while another process writes
    except ConcurrentEdit as exc:
        typer.echo(f"Lỗi / error: {exc}", err=True)
        typer.echo("Bản đã lưu (saved version):", err=True)
        typer.echo(json.dumps(exc.theirs, ensure_ascii=False, indent=2), err=True)
        typer.echo("Bản của bạn (your version):", err=True)
        typer.echo(json.dumps(exc.yours, ensure_ascii=False, indent=2), err=True)
        raise typer.Exit(1) from exc
    except ServiceError as exc:
        handle_service_error(exc)


def _password(prompt: str, env: str, *, confirm: bool = False) -> str:
    """A password from ``$env`` (scripts) or a hidden prompt; never from argv."""
    given = os.environ.get(env)
    if given is not None:
        return given
    return typer.prompt(prompt, hide_input=True, confirmation_prompt=confirm)


def new_password() -> str:
    """A new password for an account: ``$TTHC_NEW_PASSWORD`` or a prompt asked twice."""
    return _password("Mật khẩu mới (new password)", ENV_NEW_PASSWORD, confirm=True)


def require_actor(actor: str | None, db: str | None, password: str | None = None) -> str:
    """The authenticated acting user (``--as`` or ``$TTHC_USER``, with the password of
    ``$TTHC_PASSWORD`` or a prompt): their stored name, or exit 2 (no user) or 1 (wrong
    password, locked account)."""
    from catalogue.registry.auth import authenticate

    name = actor or os.environ.get(ENV_USER)
    if not name:
        fail(
            "Cần --as USER hoặc TTHC_USER: người thực hiện (the acting user is required)",
            2,
        )
    if password is None:
        password = _password(f"Mật khẩu của {name} (password)", ENV_PASSWORD)

    def sign_in(session):
        found = authenticate(session=session, username=name, password=password)
        return None if found is None else found.username

    who = run_service(db, sign_in)
    if who is None:
        fail(f"Sai tên đăng nhập hoặc mật khẩu cho '{name}' (wrong user name or password)", 1)
    return who


def actor_or_setup(actor: str | None, db: str | None) -> str | None:
    """The authenticated acting user; None (no sign-in) only when no user is named and
    the database has no account yet (whoever sets it up may create the first admin)."""
    from catalogue.registry.auth import has_users

    if not actor and not os.environ.get(ENV_USER):
        if not run_service(db, lambda session: has_users(session=session)):
            return None
    return require_actor(actor, db)


def run_as(db: str | None, actor: str | None, work):
    """Run ``work(session, user)`` as the authenticated acting user in one transaction."""
    who = require_actor(actor, db)
    return run_service(db, lambda session: work(session, who))
