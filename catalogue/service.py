"""Catalogue services: the functions the CLI and the dashboard call.

Each service takes the engine explicitly and runs in one transaction.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from catalogue.db import make_engine, upgrade
from catalogue.errors import ImportFailed
from catalogue.formats import export_text, read_catalogue_file, write_xlsx
from catalogue.models import Procedure
from catalogue.records import ProcedureRecord
from catalogue.settings import load_settings
from catalogue.store import ImportSummary, load_records, store_records
from catalogue.validate import check_records

log = logging.getLogger(__name__)

Reader = Callable[[Path], list[tuple[int | None, ProcedureRecord]]]


def open_catalogue(db: str | None = None, *, migrate: bool = True) -> Engine:
    """Engine for ``db`` (or the configured default), with the schema brought up to date."""
    engine = make_engine(load_settings(db).database_url)
    if migrate:
        upgrade(engine)
    return engine


def read_files(paths: Sequence[Path], reader: Reader) -> list[tuple[str, list]]:
    """Read every file, collecting the problems of all of them before failing."""
    problems = []
    loaded = []
    for path in paths:
        try:
            located = reader(Path(path))
        except ImportFailed as exc:
            problems.extend(exc.problems)
            continue
        # Every reader's output passes the same checks before anything is stored.
        problems.extend(check_records(located, file=str(path)))
        loaded.append((str(path), located))
    if problems:
        raise ImportFailed(list(dict.fromkeys(problems)))
    return loaded


def import_files(
    engine: Engine,
    paths: Sequence[Path],
    *,
    reader: Reader = read_catalogue_file,
    actor: str | None = None,
    list_files: Sequence[Path] = (),
) -> ImportSummary:
    """Import files in one transaction: everything or nothing.

    ``list_files`` are list exports without levels (matched to catalogued procedures by
    code); they are stored after the other files so full records win.
    """
    lists = {str(p) for p in list_files}
    ordered = [p for p in paths if str(p) not in lists] + [p for p in paths if str(p) in lists]
    loaded = read_files(ordered, reader)
    total = ImportSummary()
    with engine.begin() as conn:
        for source, located in loaded:
            part = store_records(
                conn,
                [rec for _, rec in located],
                source=source,
                actor=actor,
                match_by_code=source in lists,
            )
            total.read += part.read
            total.created += part.created
            total.updated += part.updated
            total.unchanged += part.unchanged
            total.flags.update(part.flags)
    return total


def import_portal_files(
    engine: Engine, paths: Sequence[Path], *, actor: str | None = None
) -> ImportSummary:
    """Import national-portal JSON lines (plain or gzip) or 'Danh sách TTHC' workbooks."""
    from catalogue.portal import is_workbook, read_portal_file

    lists = [p for p in paths if is_workbook(Path(p))]
    return import_files(engine, paths, reader=read_portal_file, actor=actor, list_files=lists)


def all_records(engine: Engine) -> list[ProcedureRecord]:
    """Every procedure as a canonical record, ordered by code."""
    with engine.connect() as conn:
        return load_records(conn)


def export_catalogue(engine: Engine, fmt: str) -> bytes:
    """The whole catalogue in ``fmt`` (json, yaml, csv, xlsx) as bytes."""
    records = all_records(engine)
    if fmt == "xlsx":
        buf = io.BytesIO()
        write_xlsx(records, buf)
        return buf.getvalue()
    return export_text(records, fmt).encode("utf-8")


def procedure_count(engine: Engine) -> int:
    """Number of procedures stored."""
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(Procedure.__table__)).scalar_one()


def demo_catalogue_path() -> Path:
    """The embedded demo catalogue (the project's own YAML)."""
    return load_settings().project_data / "demo" / "catalogue.yaml"


def load_demo_if_empty(engine: Engine) -> ImportSummary | None:
    """Load the demo catalogue into an empty database; do nothing otherwise."""
    if procedure_count(engine):
        return None
    return import_files(engine, [demo_catalogue_path()], actor="demo")
