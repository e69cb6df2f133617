"""Catalogue commands: ``tthc db upgrade``, ``import-portal``, ``import``, ``export``, ``demo``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from catalogue.cli.common import (
    AsOption,
    DbOption,
    actor_or_setup,
    fail,
    handle_service_error,
    report_import_failure,
    stdout_write,
)
from catalogue.registry.errors import ImportFailed, ServiceError

EXPORT_FORMATS = ("json", "yaml", "csv", "xlsx")
SummaryJson = Annotated[bool, typer.Option("--json", help="Summary as JSON.")]
AllowDeletions = Annotated[
    bool,
    typer.Option(
        "--allow-deletions",
        help="Allow the import to delete channels, fees, documents, steps, legal bases or "
        "flags of stored procedures (refused otherwise).",
    ),
]


def _print_summary(summary, as_json: bool) -> None:
    data = summary.as_dict()
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False))
        return
    typer.echo(
        f"Đã đọc {data['read']} bản ghi: tạo mới {data['created']}, cập nhật {data['updated']}, "
        f"không đổi {data['unchanged']}."
    )
    typer.echo(
        f"Read {data['read']}: created {data['created']}, updated {data['updated']}, "
        f"unchanged {data['unchanged']}."
    )
    if data["volumes_changed"]:
        typer.echo(
            f"Số liệu hồ sơ theo năm thay đổi / yearly volumes changed: {data['volumes_changed']}"
        )
    if data["deleted"]:
        rows = ", ".join(f"{n} {kind}" for kind, n in data["deleted"].items())
        typer.echo(f"Đã xóa / deleted child rows: {rows}")
    for kept in data["kept_published"]:
        typer.echo(
            f"Giữ theo quyết định {kept['decision']} / kept as published: {kept['code']} "
            f"(nguồn khác / source differs: {', '.join(kept['source_changed'])})"
        )
    if data["flags"]:
        typer.echo("Cờ cần xem lại / flags by kind:")
        for kind, n in data["flags"].items():
            typer.echo(f"  {kind}: {n}")


def _import(
    db: str | None,
    actor: str | None,
    importer,
    paths: list[Path],
    as_json: bool,
    allow_deletions: bool = False,
) -> None:
    """Run ``importer(engine, paths, actor=…)`` and print its summary; exit 1 on bad input."""
    from catalogue.sources.service import open_catalogue

    engine = open_catalogue(db)
    who = actor_or_setup(actor, db)
    try:
        summary = importer(engine, paths, actor=who, allow_deletions=allow_deletions)
    except ImportFailed as exc:
        report_import_failure(exc)
    except ServiceError as exc:  # the service checks the permission itself
        handle_service_error(exc)
    _print_summary(summary, as_json)


def db_upgrade(db: DbOption = None) -> None:
    """Apply schema migrations (Alembic) up to the newest revision."""
    from catalogue.registry.db import current_revision
    from catalogue.sources.service import open_catalogue

    engine = open_catalogue(db)
    typer.echo(f"Schema at revision {current_revision(engine)}.")


def import_portal(
    paths: Annotated[list[Path], typer.Argument(help="procedures.jsonl[.gz] or .xlsx")],
    db: DbOption = None,
    as_json: SummaryJson = False,
    actor: AsOption = None,
    allow_deletions: AllowDeletions = False,
) -> None:
    """Import national-portal records (JSON lines, plain or gzip; 'Danh sách TTHC' xlsx).

    The acting user (``--as`` or ``TTHC_USER``, authenticated) must be an admin and is
    recorded in the audit log; only a database without any account needs none.
    """
    from catalogue.sources.service import import_portal_files

    _import(db, actor, import_portal_files, paths, as_json, allow_deletions)


def import_own(
    paths: Annotated[list[Path], typer.Argument(help="Catalogue files: yaml, json, csv, xlsx")],
    db: DbOption = None,
    as_json: SummaryJson = False,
    actor: AsOption = None,
    allow_deletions: AllowDeletions = False,
) -> None:
    """Import the project's own catalogue formats (YAML, JSON, CSV, Excel workbook).

    The acting user (``--as`` or ``TTHC_USER``, authenticated) must be an admin and is
    recorded in the audit log; only a database without any account needs none. A CSV
    file updates the main fields only and keeps every procedure's channels, fees,
    documents, steps and legal bases.
    """
    from catalogue.sources.service import import_files

    _import(db, actor, import_files, paths, as_json, allow_deletions)


def export(
    fmt: Annotated[str, typer.Option("--format", help="json, yaml, csv or xlsx")] = "json",
    out: Annotated[Path | None, typer.Option("--out", help="Output file (default stdout)")] = None,
    db: DbOption = None,
) -> None:
    """Export the whole catalogue in the project's own formats."""
    from catalogue.sources.service import export_catalogue, open_catalogue

    if fmt not in EXPORT_FORMATS:
        fail(f"Unknown format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}.", 2)
    if fmt == "xlsx" and out is None:
        fail("--out is required for xlsx.", 2)
    data = export_catalogue(open_catalogue(db), fmt)
    if out is None:
        stdout_write(data)
    else:
        out.write_bytes(data)
        typer.echo(f"Wrote {out}")


def demo(db: DbOption = None) -> None:
    """Create a demo database: the embedded demo catalogue and one demo user per role.

    Only into an unused, empty database (then marked as a demo database) or one already
    created for the demo; never into a database with real accounts or data."""
    from catalogue.sources.service import load_demo_if_empty, open_catalogue

    summary = load_demo_if_empty(open_catalogue(db))
    if summary is None:
        typer.echo(
            "Nothing loaded: the database already holds procedures, was not created for "
            "the demo (it has accounts or data), or TTHC_DEMO=0."
        )
    else:
        _print_summary(summary, False)
        typer.echo(
            "Demo users: reviewer/reviewer-demo, chair/chair-demo-1, "
            "analyst/analyst-demo, admin/admin-demo-1"
        )


def register(app: typer.Typer) -> None:
    """Add the ``db`` group and the catalogue commands to ``app``."""
    db_app = typer.Typer(help="Cơ sở dữ liệu / database schema.", no_args_is_help=True)
    app.add_typer(db_app, name="db")
    db_app.command("upgrade")(db_upgrade)
    app.command("import-portal")(import_portal)
    app.command("import")(import_own)
    app.command("export")(export)
    app.command("demo")(demo)
