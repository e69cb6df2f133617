"""Database engine, sessions and migrations: the one module that decides transactions.

Concurrency (issue 18):

- imports are serialised: :func:`serialise_imports` takes a PostgreSQL advisory
  transaction lock, or on SQLite upgrades the transaction to ``BEGIN IMMEDIATE`` (the
  write lock) before the import reads anything, so that a second import waits and then
  sees the first one's rows instead of colliding with them;
- migrations take a PostgreSQL advisory lock (:func:`upgrade`), so that two processes
  starting on an empty database both succeed, one after the other;
- a write that meets SQLite's "database is locked" (another process is writing) is
  retried a bounded number of times (:func:`run_transaction`), then refused with
  :class:`DatabaseBusy`, a message a person can act on, never a traceback.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

from catalogue.registry.errors import ServiceError

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parents[1] / "migrations"
# Advisory lock keys (any bigint, fixed for this application).
IMPORT_LOCK_KEY = 0x7474_6863_0001  # "tthc" 1: imports
MIGRATION_LOCK_KEY = 0x7474_6863_0002  # "tthc" 2: schema migrations
SQLITE_BUSY_SECONDS = 10  # one wait for SQLite's write lock …
WRITE_ATTEMPTS = 3  # … tried this many times before DatabaseBusy
LOCK_WAIT_SECONDS = 120  # PostgreSQL: longest wait for the import lock
BUSY_MESSAGE = (
    "Cơ sở dữ liệu đang bận (một lần nhập dữ liệu khác đang chạy); vui lòng thử lại sau ít "
    "phút. Không có gì được ghi. (The database is busy with another import or write; "
    "nothing was written. Please try again in a few minutes.)"
)

T = TypeVar("T")


class DatabaseBusy(ServiceError):
    """Another process holds the database's write lock for too long; nothing was written."""


def is_busy_error(exc: BaseException) -> bool:
    """Whether ``exc`` is a lock wait that ran out (SQLite locked, PostgreSQL lock timeout)."""
    if not isinstance(exc, OperationalError):
        return False
    message = str(exc.orig if exc.orig is not None else exc).lower()
    return "database is locked" in message or "lock timeout" in message


def normalise_url(url: str) -> str:
    """Use psycopg 3 for plain ``postgresql://`` URLs."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


# The data version (table ``app_meta``, migration 0012): one counter for the whole
# database, bumped by every transaction that wrote, so that any process (a dashboard, the
# CLI, another server) can tell cheaply that its cached figures are stale.
_WRITES = ("insert", "update", "delete", "replace", "merge")
_BUMP = "UPDATE app_meta SET value = value + 1 WHERE key = 'data_version'"


def _track_writes(engine: Engine) -> Engine:
    """Bump the data version at the commit of every transaction that wrote.

    Statements are seen as they are sent; the bump is sent on the same DBAPI connection
    just before its commit, inside a savepoint so that a database not yet migrated to
    0012 (no ``app_meta`` table) commits as before.
    """

    @event.listens_for(engine, "before_cursor_execute")
    def _flag(conn, _cursor, statement, _params, _context, _many):  # pragma: no cover
        if statement.lstrip()[:8].lower().startswith(_WRITES):
            conn.info["tthc_wrote"] = True

    @event.listens_for(engine, "commit")
    def _bump(conn):
        if not conn.info.pop("tthc_wrote", False):
            return
        cursor = conn.connection.dbapi_connection.cursor()
        try:
            cursor.execute("SAVEPOINT tthc_data_version")
            try:
                cursor.execute(_BUMP)
            except Exception:  # noqa: BLE001 - schema older than 0012: nothing to bump
                cursor.execute("ROLLBACK TO SAVEPOINT tthc_data_version")
            cursor.execute("RELEASE SAVEPOINT tthc_data_version")
        finally:
            cursor.close()

    @event.listens_for(engine, "rollback")
    def _forget(conn):
        conn.info.pop("tthc_wrote", None)

    return engine


def data_version(engine: Engine) -> int:
    """The database's data version: changes whenever any process committed a write."""
    from sqlalchemy import text

    try:
        with engine.connect() as conn:
            found = conn.execute(
                text("SELECT value FROM app_meta WHERE key = 'data_version'")
            ).scalar()
    except Exception:  # noqa: BLE001 - schema older than 0012
        return 0
    return int(found or 0)


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets foreign keys, WAL and a busy timeout; every engine
    bumps the data version when it commits a write (:func:`data_version`)."""
    return _track_writes(_make_engine(url))


def _make_engine(url: str) -> Engine:
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_SECONDS})
        else:
            engine = create_engine(
                url, connect_args={"check_same_thread": False}, poolclass=StaticPool
            )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # pragma: no cover - trivial
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            if database and database != ":memory:":
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def alembic_config(engine: Engine):
    """An Alembic configuration pointing at the packaged migrations."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply migrations up to ``revision`` (default: the newest).

    On PostgreSQL the migrations run under a session advisory lock: a second process
    starting at the same time waits, then finds the schema up to date.
    """
    from alembic import command

    if engine.dialect.name != "postgresql":
        command.upgrade(alembic_config(engine), revision)
        return
    with engine.connect() as holder:
        holder.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        holder.commit()  # the lock is the session's; no transaction left open meanwhile
        try:
            command.upgrade(alembic_config(engine), revision)
        finally:
            holder.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
            holder.commit()


def serialise_imports(conn: Connection) -> None:
    """Hold the import lock until ``conn``'s transaction ends; call it first thing.

    PostgreSQL: an advisory transaction lock (waiting at most :data:`LOCK_WAIT_SECONDS`).
    SQLite: ``BEGIN IMMEDIATE``, the database's write lock, taken before the import reads
    what is already stored. Raises :class:`DatabaseBusy` when the wait runs out.
    """
    try:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_WAIT_SECONDS}s'")
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": IMPORT_LOCK_KEY})
        elif conn.dialect.name == "sqlite":
            raw = conn.connection.dbapi_connection
            if raw is not None and not raw.in_transaction:
                # pysqlite begins lazily at the first write; begin now, holding the write
                # lock, waiting for it as long as for PostgreSQL's import lock
                conn.exec_driver_sql(f"PRAGMA busy_timeout = {LOCK_WAIT_SECONDS * 1000}")
                try:
                    conn.exec_driver_sql("BEGIN IMMEDIATE")
                finally:
                    conn.exec_driver_sql(f"PRAGMA busy_timeout = {SQLITE_BUSY_SECONDS * 1000}")
    except OperationalError as exc:
        if is_busy_error(exc):
            raise DatabaseBusy(BUSY_MESSAGE) from exc
        raise


def current_revision(engine: Engine) -> str | None:
    """The migration revision the database is at, or None when unversioned."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error.

    A lock wait that runs out becomes :class:`DatabaseBusy` (a message, not a traceback).
    """
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except OperationalError as exc:
        session.rollback()
        if is_busy_error(exc):
            log.warning("database busy: %s", exc)
            raise DatabaseBusy(BUSY_MESSAGE) from exc
        raise
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def run_transaction(
    engine: Engine,
    work: Callable[[Session], T],
    *,
    attempts: int = WRITE_ATTEMPTS,
    pause: float = 0.5,
) -> T:
    """``work(session)`` in one transaction, tried again while the database is busy.

    Each attempt waits for the write lock as long as the engine does (SQLite:
    :data:`SQLITE_BUSY_SECONDS`); after ``attempts`` the last :class:`DatabaseBusy` is
    raised. ``work`` must not have effects outside the database (it may run again).
    """
    for attempt in range(1, attempts + 1):
        try:
            with session_scope(engine) as session:
                return work(session)
        except DatabaseBusy:
            if attempt == attempts:
                raise
            log.info("database busy, attempt %d of %d; trying again", attempt, attempts)
            time.sleep(pause * attempt)
    raise AssertionError("unreachable")  # the loop returns or raises
