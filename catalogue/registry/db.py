"""Database engine, sessions and migrations: the one module that decides transactions."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parents[1] / "migrations"


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
            engine = create_engine(url, connect_args={"timeout": 30})
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
    """Apply migrations up to ``revision`` (default: the newest)."""
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    """The migration revision the database is at, or None when unversioned."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
