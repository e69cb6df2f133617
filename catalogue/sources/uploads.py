"""Uploads: files handed over as a name and bytes (a browser upload), for the services
that read files from disk.

Each function copies the bytes to a temporary file under the upload's own base name,
calls the service that reads it, and reports problems against the upload's name, never
the temporary path. Plain data in (name, bytes, options), plain data out.
"""

from __future__ import annotations

import csv
import gzip
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from catalogue.registry.errors import ImportFailed, Problem

# A local list is read from a temporary copy of the upload; anything that makes it
# unreadable comes back as MatchError naming the upload, never the temporary path.
_UNREADABLE = (UnicodeDecodeError, ValueError, KeyError, OSError, IndexError, zipfile.BadZipFile)


def safe_name(name: str, default: str = "upload") -> str:
    """The upload's base name (no folders, so it cannot escape the temporary folder).

    >>> safe_name("../../etc/ds.csv")
    'ds.csv'
    >>> safe_name("", "upload.csv")
    'upload.csv'
    """
    return Path(name).name or default


@contextmanager
def _copy(name: str, payload: bytes, default: str) -> Iterator[Path]:
    """The upload written to a temporary file named like it, removed afterwards."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / safe_name(name, default)
        path.write_bytes(payload)
        yield path


def _renamed(exc: ImportFailed, safe: str) -> ImportFailed:
    return ImportFailed([Problem(safe, p.line, p.field, p.message) for p in exc.problems])


def expected_records(name: str, payload: bytes, *, portal: bool) -> int | None:
    """How many records an upload holds, when that is cheap to know: the portal's JSON
    lines (plain or gzip, one per non-empty line) and CSV (one per row after the header);
    None for documents and workbooks.

    >>> expected_records("danh-muc.csv", b"code,name\\n1,a\\n", portal=False)
    1
    """
    if payload[:2] == b"\x1f\x8b":
        try:
            payload = gzip.decompress(payload)
        except (OSError, EOFError):
            return None
    elif payload[:4] == b"PK\x03\x04":  # a workbook
        return None
    lines = sum(1 for line in payload.splitlines() if line.strip())
    if portal:
        return lines
    if name.lower().endswith(".csv"):
        return max(lines - 1, 0)
    return None


def import_upload(
    engine: Engine,
    name: str,
    payload: bytes,
    *,
    actor: str | None,
    portal: bool,
    progress: Callable[[int], None] | None = None,
) -> Any:
    """Import one uploaded file (own formats, or the national portal's) in one transaction,
    as ``actor``, who must be allowed ``catalogue.import`` (admins).

    ``progress`` is called with the number of records read so far. Problems are reported
    against the uploaded file's name; ImportFailed lists them all and nothing is written.
    """
    from catalogue.registry.auth import require
    from catalogue.registry.db import session_scope
    from catalogue.sources import service

    with session_scope(engine) as session:
        require(session=session, actor=actor, action="catalogue.import")
    with _copy(name, payload, "upload") as path:
        try:
            if portal:
                return service.import_portal_files(engine, [path], actor=actor, progress=progress)
            return service.import_files(engine, [path], actor=actor, progress=progress)
        except ImportFailed as exc:
            raise _renamed(exc, path.name) from None


def import_stats_upload(
    engine: Engine,
    name: str,
    payload: bytes,
    *,
    actor: str | None,
    accept_above: float | None = None,
) -> Any:
    """Import an uploaded one-stop statistics file (CSV or Excel) as ``actor``, who must be
    allowed ``catalogue.import`` (admins): :func:`catalogue.onestop.stats.import_stats`.

    Returns its :class:`~catalogue.onestop.stats.StatsImport`. Problems are reported against
    the upload's name, a file that cannot be read at all as one problem of the file; then
    :class:`~catalogue.registry.errors.ImportFailed` lists them and nothing is written.
    """
    from catalogue.onestop.stats import StatsError, import_stats

    with _copy(name, payload, "upload.csv") as path:
        try:
            return import_stats(engine, path, actor=actor, accept_above=accept_above)
        except ImportFailed as exc:
            raise _renamed(exc, path.name) from None
        except StatsError as exc:
            message = str(exc).replace(str(path), path.name)
            raise ImportFailed([Problem(path.name, None, None, message)]) from None


def sample_stats(engine: Engine, *, year: int) -> bytes:
    """A sample statistics file (CSV) of ``year`` for the catalogue in ``engine``:
    :func:`catalogue.onestop.stats.generate_stats_file`, as bytes."""
    from catalogue.onestop.stats import generate_stats_file

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sample.csv"
        generate_stats_file(engine, path, year=year)
        return path.read_bytes()


@contextmanager
def _local_list(name: str, payload: bytes) -> Iterator[Path]:
    """A temporary copy of an uploaded CSV or Excel list; read errors inside the block come
    back as MatchError naming the upload."""
    from catalogue.quality.matching import EXCEL_SUFFIXES, MatchError

    safe = safe_name(name, "upload.csv")
    if Path(safe).suffix.lower() not in (".csv", *EXCEL_SUFFIXES):
        raise MatchError(f"{safe}: not a CSV or Excel (.xlsx) file")
    with _copy(name, payload, "upload.csv") as path:
        try:
            yield path
        except (*_UNREADABLE, csv.Error) as exc:
            message = str(exc).replace(str(path), safe)
            if not isinstance(exc, MatchError):
                message = (
                    f"{safe}: cannot be read as CSV or Excel ({type(exc).__name__}: {message})"
                )
            raise MatchError(message) from None


def _first_rows(path: Path, count: int) -> list[list[Any]]:
    from catalogue.quality.matching import EXCEL_SUFFIXES

    if path.suffix.lower() in EXCEL_SUFFIXES:
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        rows = [list(r) for r in sheet.iter_rows(max_row=count, values_only=True)]
        workbook.close()
        return rows
    text = path.read_text(encoding="utf-8-sig")
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], ",;\t")
    except csv.Error:
        dialect = csv.excel
    return list(csv.reader(text.splitlines()[:count], dialect))


def upload_columns(name: str, payload: bytes) -> list[str]:
    """The column names of an uploaded CSV or Excel list: the cells of the fullest row
    among the first rows (a portal export puts a banner above its header).

    Raises :class:`catalogue.quality.matching.MatchError` when the file cannot be read.
    """
    from catalogue.quality.matching import HEADER_SEARCH_ROWS, MatchError

    with _local_list(name, payload) as path:
        rows = _first_rows(path, HEADER_SEARCH_ROWS)
    header = max(rows, key=lambda r: sum(1 for v in r if v not in (None, "")), default=[])
    columns = [str(v).strip() for v in header if v not in (None, "") and str(v).strip()]
    if not columns:
        raise MatchError(f"{name}: no column names in the first {HEADER_SEARCH_ROWS} rows")
    return list(dict.fromkeys(columns))


def match_upload(name: str, payload: bytes, column: str, index: Any, *, top_k: int = 5) -> list:
    """Match the names in ``column`` of an uploaded list to national codes
    (:func:`catalogue.quality.matching.match_names` against ``index``); results are
    labelled with sheet row numbers. Raises MatchError when the file cannot be read."""
    from catalogue.quality.matching import match_names, read_local_list

    with _local_list(name, payload) as path:
        local = read_local_list(path, column)
    return match_names(local.names, index, rows=local.rows, top_k=top_k)


def matched_file(
    name: str,
    payload: bytes,
    column: str,
    codes: Mapping[int, str | None],
    *,
    new_column: str | None = None,
) -> bytes:
    """The uploaded list with the accepted codes in a new column (``new_column``, default
    ``ma_tthc_de_xuat``; the dashboard names it in words) via
    :func:`catalogue.quality.matching.write_back` on a temporary copy, as bytes of the same
    kind; a CSV starts with a BOM so that Excel reads it as UTF-8."""
    from catalogue.quality.matching import CODE_COLUMN, write_back

    with _local_list(name, payload) as source:
        target = source.with_name(f"out{source.suffix}")
        written = write_back(
            source, target, column, dict(codes), new_column=new_column or CODE_COLUMN
        ).read_bytes()
    bom = "\ufeff".encode()
    if Path(name).suffix.lower() == ".csv" and not written.startswith(bom):
        written = bom + written
    return written
