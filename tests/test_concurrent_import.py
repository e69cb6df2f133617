"""Concurrent imports, migrations and a busy SQLite database (issue 18, item 9).

- Two imports started at the same moment, on an SQLite file and on PostgreSQL, both
  naming a new agency: both succeed, one after the other (before: an IntegrityError on
  the agency's name). The race is forced: each import, once it has read what is stored,
  waits up to 3 s for the other to have read too; serialised, the second is still
  waiting for the lock, so the first goes on alone.
- Two real processes migrating one empty PostgreSQL database both succeed.
- A write that meets SQLite's write lock is retried a bounded number of times, then
  refused with DatabaseBusy and a message; nothing is written.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml
from sqlalchemy import create_engine, func, select, text

from catalogue.registry import db as dbmod
from catalogue.registry.db import DatabaseBusy, make_engine, normalise_url, upgrade
from catalogue.registry.models import Agency, Procedure
from catalogue.sources import service
from tests.factories import add_users, make_record

ROOT = Path(__file__).resolve().parents[1]
AGENCY = "Sở Khoa học và Công nghệ tỉnh Bình An"


def _catalogue_file(path: Path, prefix: str, n: int) -> Path:
    records = [
        make_record(f"{prefix}.{i:06d}", f"Thủ tục thử nghiệm {prefix}-{i}", agency=AGENCY)
        for i in range(n)
    ]
    path.write_text(
        yaml.safe_dump({"format": "tthc-catalogue/1", "procedures": records}, allow_unicode=True),
        encoding="utf-8",
    )
    return path


def test_two_concurrent_imports_both_succeed(shared_engine, tmp_path, monkeypatch):
    files = [_catalogue_file(tmp_path / f"{p}.yaml", p, 40) for p in ("7", "8")]
    add_users(shared_engine, {"admin": "admin"})  # imports check the importer's role themselves
    both_read = threading.Barrier(2, timeout=3)
    real_identities = service.existing_identities

    def identities_then_wait(conn):
        found = real_identities(conn)
        try:
            both_read.wait()  # without the lock both imports get here with nothing stored
        except threading.BrokenBarrierError:
            pass  # serialised: the other import is still waiting for the lock
        return found

    monkeypatch.setattr(service, "existing_identities", identities_then_wait)
    outcome: dict[str, object] = {}

    def run(path: Path) -> None:
        try:
            outcome[path.name] = service.import_files(shared_engine, [path], actor="admin")
        except Exception as exc:  # the assertion below shows it
            outcome[path.name] = exc

    threads = [threading.Thread(target=run, args=(f,)) for f in files]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    errors = {k: v for k, v in outcome.items() if isinstance(v, Exception)}
    assert not errors, errors
    assert sorted(s.created for s in outcome.values()) == [40, 40]
    with shared_engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Procedure)).scalar_one() == 80
        agencies = conn.execute(select(Agency.name).where(Agency.name == AGENCY)).all()
    assert len(agencies) == 1


def test_an_import_waits_for_the_import_lock(shared_engine, tmp_path):
    # Holding the import lock in one transaction makes the second import wait: seen as
    # the second finishing only after the first transaction ends.
    path = _catalogue_file(tmp_path / "9.yaml", "9", 5)
    done = threading.Event()
    with shared_engine.begin() as conn:
        dbmod.serialise_imports(conn)
        worker = threading.Thread(
            target=lambda: (service.import_files(shared_engine, [path]), done.set())
        )
        worker.start()
        assert not done.wait(1.5)  # blocked behind the lock held here
    worker.join(timeout=60)
    assert done.is_set()


@pytest.mark.postgres
def test_two_processes_migrate_an_empty_postgres_database(pg_server_url):
    """Both processes exit 0 and the schema is at one head, in every one of 3 runs."""
    admin = create_engine(normalise_url(pg_server_url), isolation_level="AUTOCOMMIT")
    code = (
        "import sys; from catalogue.registry.db import make_engine, upgrade, current_revision; "
        "e = make_engine(sys.argv[1]); upgrade(e); print(current_revision(e))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for _ in range(3):
        with admin.connect() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", code, pg_server_url],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
            )
            for _ in range(2)
        ]
        results = [p.communicate(timeout=180) for p in procs]
        assert [p.returncode for p in procs] == [0, 0], [err[-2000:] for _, err in results]
        heads = {out.strip() for out, _ in results}
        assert len(heads) == 1 and heads != {"None"}
    admin.dispose()


def test_a_write_during_a_long_write_is_retried_then_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(dbmod, "SQLITE_BUSY_SECONDS", 0.2)  # keep the test short
    path = tmp_path / "busy.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    holder = sqlite3.connect(path)
    holder.execute("BEGIN IMMEDIATE")  # another process writing (a long import)
    attempts = []

    def add_agency(session):
        attempts.append(1)
        session.add(Agency(name="Sở Nội vụ"))
        session.flush()

    try:
        with pytest.raises(DatabaseBusy) as busy:
            dbmod.run_transaction(engine, add_agency, attempts=3, pause=0.05)
    finally:
        holder.rollback()
        holder.close()
    assert len(attempts) == 3
    assert "thử lại" in str(busy.value) and "try again" in str(busy.value)
    # Once the other writer is done, the same write goes through.
    dbmod.run_transaction(engine, add_agency)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Agency)).scalar_one() == 1
    engine.dispose()
