"""Whole-table reads straight into Arrow columns, for pricing the national catalogue cold.

Reading 100.000 procedures through Python's ``sqlite3`` makes a Python object of every
value (800.000 for the eight columns pricing needs) before pandas turns them into columns
again: about two thirds of a cold start. On an SQLite file, :func:`bulk_reads` gives a
read connection whose whole-table queries (no parameters) are run by the ADBC SQLite
driver (``adbc-driver-sqlite``, Apache Arrow), which writes the rows into Arrow columns
in C; pandas takes those as they are.

The reader opens the file read-only (``mode=ro``) and reads what is committed, as the
connection it stands beside does (its reads are not in a transaction either). Its batch
is larger than any catalogue, so that the driver infers each column's type from every
row rather than the first thousand. Anything it cannot do (no such driver, an in-memory
database, PostgreSQL, a type it cannot infer) falls back to the driver's cursor: the
figures are the same either way (``tests/test_bulk_reads.py``), only slower.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd
from sqlalchemy.engine import Connection, Engine

log = logging.getLogger(__name__)

OPTION = "tthc_arrow_reader"
BATCH_ROWS = 10_000_000  # one batch: types inferred from every row


class ArrowReader:
    """Runs a whole-table query on an SQLite file and returns its rows as a frame."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn: Any = None

    def frame(self, sql: str, columns: list[str]) -> pd.DataFrame | None:
        """The rows of ``sql`` as a frame with ``columns``, or None when the driver cannot
        read them (the caller then reads them on its own cursor)."""
        try:
            import adbc_driver_sqlite
            import adbc_driver_sqlite.dbapi

            if self._conn is None:
                uri = f"file:{quote(str(self.path))}?mode=ro"
                self._conn = adbc_driver_sqlite.dbapi.connect(uri)
            cursor = self._conn.cursor()
            try:
                option = adbc_driver_sqlite.StatementOptions.BATCH_ROWS.value
                cursor.adbc_statement.set_options(**{option: str(BATCH_ROWS)})
                cursor.execute(sql)
                table = cursor.fetch_arrow_table()
            finally:
                cursor.close()
        except Exception as exc:  # noqa: BLE001 - any failure: read the usual way
            log.info("Arrow read not used (%s): %s", type(exc).__name__, exc)
            return None
        frame = table.to_pandas()
        frame.columns = columns
        return frame

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def arrow_reader(conn: Connection) -> ArrowReader | None:
    """The Arrow reader :func:`bulk_reads` gave ``conn``, if any."""
    return conn.get_execution_options().get(OPTION)


def _file_reader(engine: Engine) -> ArrowReader | None:
    url = engine.url
    database = url.database if url.get_backend_name() == "sqlite" else None
    if database and database != ":memory:" and Path(database).is_file():
        return ArrowReader(Path(database).resolve())
    return None


@contextmanager
def bulk_reads(engine: Engine) -> Iterator[Connection]:
    """A read connection whose whole-table queries are read as Arrow columns on an
    SQLite file (:class:`ArrowReader`), and as usual elsewhere. Only for reading: what
    the connection's own transaction writes is not seen by the reader."""
    with engine.connect() as conn, committed_reads(conn) as reading:
        yield reading  # a fresh connection has written nothing: the reader may serve it


@contextmanager
def committed_reads(conn: Connection) -> Iterator[Connection]:
    """``conn`` with Arrow reads for its whole-table queries while its transaction has
    written nothing (``tthc_wrote``, :func:`catalogue.registry.db.make_engine`): what is
    committed is then exactly what it would read. Otherwise ``conn`` as it is."""
    reader = None
    if arrow_reader(conn) is None and not conn.info.get("tthc_wrote"):
        reader = _file_reader(conn.engine)
    if reader is None:
        yield conn
        return
    conn.execution_options(**{OPTION: reader})  # on this connection, until the block ends
    try:
        yield conn
    finally:
        conn.execution_options(**{OPTION: None})
        reader.close()
