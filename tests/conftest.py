"""Shared fixtures: fresh databases (SQLite in memory, real PostgreSQL) and data paths.

PostgreSQL tests need ``TTHC_TEST_PG_URL`` (set by ``scripts/test.sh``, which starts a
server). Without it they are skipped locally, but under ``CI=true`` they fail: CI must
never silently skip the multi-user back-end.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from catalogue.registry.db import make_engine, normalise_url, upgrade

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
PORTAL_JSONL = SHARED_DATA / "portal" / "procedures.jsonl.gz"
IN_CI = os.environ.get("CI", "").lower() == "true"


def require_file(path: Path) -> Path:
    """Skip (locally) or fail (in CI) when a shared data file is absent."""
    if not path.exists():
        if IN_CI:
            pytest.fail(f"required data file missing in CI: {path}")
        pytest.skip(f"data file not present: {path}")
    return path


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """Hash passwords at a toy scrypt cost in tests (N = 16), as test suites usually do:
    the real cost (N = 2^17) takes seconds per hash on a shared machine. Tests of the cost
    itself restore it with ``real_scrypt_cost``; subprocesses (the browser test) use the
    real cost."""
    from catalogue.registry import auth

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(auth, "SCRYPT_N", 16)
        yield


@pytest.fixture
def real_scrypt_cost(monkeypatch):
    """The production scrypt cost, for the tests of the cost and of re-hashing."""
    from catalogue.registry import auth

    monkeypatch.setattr(auth, "SCRYPT_N", 2**17)


@pytest.fixture
def portal_jsonl() -> Path:
    """The real national-portal records."""
    return require_file(PORTAL_JSONL)


@pytest.fixture
def sqlite_engine():
    """A fresh in-memory SQLite database with the schema migrated."""
    engine = make_engine("sqlite://")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_file_engine(tmp_path):
    """A fresh SQLite file (WAL) with the schema migrated: one that separate connections
    (threads, processes, a second driver) really share."""
    engine = make_engine(f"sqlite:///{tmp_path / 'shared.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite-file", pytest.param("postgres", marks=pytest.mark.postgres)])
def shared_engine(request):
    """A database that two connections really share: an SQLite file or PostgreSQL."""
    name = "pg_engine" if request.param == "postgres" else "sqlite_file_engine"
    return request.getfixturevalue(name)


@pytest.fixture(scope="session")
def pg_server_url():
    """URL of a scratch database on the real PostgreSQL server, dropped at the end."""
    base = os.environ.get("TTHC_TEST_PG_URL")
    if not base:
        if IN_CI:
            pytest.fail("TTHC_TEST_PG_URL is not set in CI: PostgreSQL tests must run")
        pytest.skip("TTHC_TEST_PG_URL not set (run scripts/test.sh to start PostgreSQL)")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"tthc_test_{worker}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(normalise_url(base), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = base.rsplit("/", 1)[0] + "/" + name
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def pg_engine(pg_server_url):
    """The scratch PostgreSQL database, emptied and migrated for this test."""
    engine = make_engine(pg_server_url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request):
    """Each test using this runs on SQLite and on the real PostgreSQL server."""
    name = "pg_engine" if request.param == "postgres" else "sqlite_engine"
    return request.getfixturevalue(name)
