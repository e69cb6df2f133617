"""Catalogue services: the functions the CLI and the dashboard call.

Each service takes the engine explicitly and runs in one transaction.
"""

from __future__ import annotations

import getpass
import io
import logging
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from catalogue.registry.db import make_engine, serialise_imports, upgrade
from catalogue.registry.errors import ImportFailed, Problem
from catalogue.registry.models import Procedure
from catalogue.registry.records import ProcedureRecord
from catalogue.registry.settings import load_settings
from catalogue.registry.store import (
    ImportSummary,
    existing_identities,
    known_source_hashes,
    load_records,
    store_records,
    write_import_audit,
)
from catalogue.registry.validate import check_duplicate, check_record
from catalogue.sources.formats import export_text, read_catalogue_file, write_xlsx
from catalogue.sources.portal import UNCHANGED

log = logging.getLogger(__name__)

Reader = Callable[[Path], list[tuple[int | None, ProcedureRecord]]]


def open_catalogue(db: str | None = None, *, migrate: bool = True) -> Engine:
    """Engine for ``db`` (or the configured default), with the schema brought up to date."""
    engine = make_engine(load_settings(db).database_url)
    if migrate:
        upgrade(engine)
    return engine


Located = Iterator[tuple[int | None, ProcedureRecord | None, list[Problem]]]
Progress = Callable[[int], None]
BATCH = 5000
DELETION_LINES = 20  # procedures named in a refused deletion; the rest are counted


def local_actor() -> str:
    """Who runs an import given no user (``--as``): the operating-system account."""
    try:
        return f"os:{getpass.getuser()}"
    except (KeyError, OSError):  # no passwd entry in some containers
        return "os:unknown"


def deletion_problems(summary: ImportSummary, source: str) -> list[Problem]:
    """Problems refusing an import that would delete child rows (named, per procedure)."""
    total = ", ".join(f"{n} {kind} row(s)" for kind, n in sorted(summary.deleted.items()))
    head = Problem(
        source,
        None,
        None,
        f"the import would delete {total}; nothing was written. Re-run with "
        "--allow-deletions (cho phép xóa) if that is intended",
    )
    lines = [
        Problem(
            source,
            None,
            item["code"] or item["identity"],
            "would delete " + ", ".join(f"{n} {kind}" for kind, n in sorted(item["rows"].items())),
        )
        for item in summary.deletions[:DELETION_LINES]
    ]
    more = len(summary.deletions) - DELETION_LINES
    if more > 0:
        lines.append(Problem(source, None, None, f"… and {more} more procedure(s)"))
    return [head, *lines]


def _stream_list_reader(reader: Reader) -> Callable[[Path], Located]:
    """Adapt a whole-file reader to the streaming shape (line, record, problems)."""

    def stream(path: Path) -> Located:
        try:
            located = reader(path)
        except ImportFailed as exc:
            yield None, None, list(exc.problems)
            return
        for line, rec in located:
            yield line, rec, []

    return stream


def import_stream(
    engine: Engine,
    paths: Sequence[Path],
    *,
    stream: Callable[[Path], Located],
    actor: str | None = None,
    list_files: Sequence[Path] = (),
    progress: Progress | None = None,
    batch_size: int | None = None,
    allow_deletions: bool = False,
) -> ImportSummary:
    """Import files as ``actor``, who must be allowed ``catalogue.import`` (admins; in a
    database without any account yet, the one setting it up needs no actor), in one
    transaction: see :func:`_import_stream`."""
    from catalogue.registry.auth import require_unless_new
    from catalogue.registry.db import session_scope

    with session_scope(engine) as session:
        require_unless_new(session=session, actor=actor, action="catalogue.import")
    return _import_stream(
        engine, paths, stream=stream, actor=actor, list_files=list_files, progress=progress,
        batch_size=batch_size, allow_deletions=allow_deletions,
    )  # fmt: skip


def _import_stream(
    engine: Engine,
    paths: Sequence[Path],
    *,
    stream: Callable[[Path], Located],
    actor: str | None = None,
    list_files: Sequence[Path] = (),
    progress: Progress | None = None,
    batch_size: int | None = None,
    allow_deletions: bool = False,
) -> ImportSummary:
    """Import files in one transaction: everything or nothing (no permission check: the
    callers check it, or load the demo catalogue).

    Records are read, checked and stored in batches, so memory stays bounded on a
    national-scale file. The first problem stops the storing but not the reading: every
    problem of every file is collected, then the transaction is rolled back and
    :class:`ImportFailed` lists them all. ``list_files`` are list exports without levels
    (matched to catalogued procedures by code), stored after the other files so that
    full records win. ``progress`` is called with the number of records read so far.

    An import that would delete child rows of stored procedures (channels, fees,
    documents, steps, legal bases, flags) is refused, naming them, unless
    ``allow_deletions``; the summary counts what was deleted. Every import writes one
    audit row with its actor (the operating-system account when no user is given).
    """
    batch_size = batch_size or BATCH
    actor = actor or local_actor()
    lists = {str(p) for p in list_files}
    ordered = [p for p in paths if str(p) not in lists] + [p for p in paths if str(p) in lists]
    total = ImportSummary()
    problems: list[Problem] = []
    read = 0
    with engine.begin() as conn:
        serialise_imports(conn)  # a concurrent import waits, then sees these rows
        known = existing_identities(conn)
        for path in ordered:
            source = str(path)
            seen: dict = {}
            batch: list[ProcedureRecord] = []

            def flush(batch: list[ProcedureRecord], source: str = source) -> None:
                part = store_records(
                    conn, batch, source=source, actor=actor,
                    match_by_code=source in lists, known=known,
                )  # fmt: skip
                total.add(part)
                batch.clear()

            for line, rec, found in stream(Path(path)):
                problems.extend(found)
                if rec is None:
                    continue
                read += 1
                if rec is UNCHANGED:  # a source line imported before: nothing to do
                    total.read += 1
                    total.unchanged += 1
                    continue
                problems.extend(check_record(rec, file=source, line=line))
                problems.extend(check_duplicate(rec, seen, file=source, line=line))
                if problems:
                    batch.clear()  # keep reading to report everything; store nothing more
                    continue
                batch.append(rec)
                if len(batch) >= batch_size:
                    flush(batch)
                if progress is not None and read % 500 == 0:
                    progress(read)
            if batch and not problems:
                flush(batch)
        if progress is not None:
            progress(read)
        if not problems and total.deleted and not allow_deletions:
            problems = deletion_problems(total, ", ".join(str(p) for p in ordered))
        if problems:
            raise ImportFailed(list(dict.fromkeys(problems)))  # rolls the transaction back
        write_import_audit(conn, total, sources=[str(p) for p in ordered], actor=actor)
    return total


def import_files(
    engine: Engine,
    paths: Sequence[Path],
    *,
    reader: Reader = read_catalogue_file,
    actor: str | None = None,
    list_files: Sequence[Path] = (),
    progress: Progress | None = None,
    allow_deletions: bool = False,
) -> ImportSummary:
    """Import the project's own formats (or any whole-file reader) in one transaction."""
    return import_stream(
        engine, paths, stream=_stream_list_reader(reader), actor=actor,
        list_files=list_files, progress=progress, allow_deletions=allow_deletions,
    )  # fmt: skip


def import_portal_files(
    engine: Engine,
    paths: Sequence[Path],
    *,
    actor: str | None = None,
    progress: Progress | None = None,
    allow_deletions: bool = False,
) -> ImportSummary:
    """Import national-portal JSON lines (plain or gzip, streamed) or list workbooks."""
    from catalogue.sources.portal import is_workbook, iter_portal_jsonl, read_portal_excel

    excel = _stream_list_reader(read_portal_excel)
    with engine.connect() as conn:
        known = known_source_hashes(conn)

    def stream(path: Path) -> Located:
        if not path.is_file():
            return iter([(None, None, [Problem(str(path), None, None, "file not found")])])
        if is_workbook(path):
            return excel(path)
        return iter_portal_jsonl(path, known_sources=known)

    lists = [p for p in paths if is_workbook(Path(p))]
    return import_stream(
        engine, paths, stream=stream, actor=actor, list_files=lists, progress=progress,
        allow_deletions=allow_deletions,
    )  # fmt: skip


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


def catalogue_figures(engine: Engine) -> dict[str, object]:
    """The catalogue's headline counts, in SQL: ``procedures``, distinct ``fields`` and
    ``agencies`` (implementing agencies, non-empty), ``by_status`` (status → procedures,
    most first). Read from the narrow index ``ix_procedure_pricing``, not the wide rows."""
    table = Procedure.__table__
    with engine.connect() as conn:
        counts = conn.execute(select(table.c.status, func.count()).group_by(table.c.status)).all()
        fields, agencies = conn.execute(
            select(func.count(table.c.field.distinct()), func.count(table.c.agency_id.distinct()))
        ).one()
    by_status = dict(sorted(((s, int(n)) for s, n in counts), key=lambda item: -item[1]))
    return {"procedures": sum(by_status.values()), "fields": int(fields),
            "agencies": int(agencies), "by_status": by_status}  # fmt: skip


def demo_catalogue_path() -> Path:
    """The embedded demo catalogue (the project's own YAML)."""
    return load_settings().project_data / "demo" / "catalogue.yaml"


def load_demo_if_empty(engine: Engine) -> ImportSummary | None:
    """Make a demo database: the demo catalogue, one demo user per role and the demo
    organisation profile (tỉnh Bình An).

    Only in a database created for the demo (unused and empty now, or marked demo, see
    :mod:`catalogue.registry.demo_users`) whose catalogue is empty; never when
    ``TTHC_DEMO=0``. Returns None when nothing was loaded.
    """
    from catalogue.documents.profile import ensure_demo_profile
    from catalogue.registry.db import session_scope
    from catalogue.registry.demo_users import claim_demo, create_demo_users

    if not load_settings().load_demo:
        return None
    if procedure_count(engine):
        return None
    with session_scope(engine) as session:
        if not claim_demo(session=session):
            return None
    summary = _import_stream(
        engine, [demo_catalogue_path()], stream=_stream_list_reader(read_catalogue_file),
        actor="demo",
    )  # fmt: skip
    with session_scope(engine) as session:
        create_demo_users(session=session)
    ensure_demo_profile(engine)
    return summary
