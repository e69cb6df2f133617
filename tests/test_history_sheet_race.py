"""Two reviewers saving the same costing sheet at once: exactly one wins (both back-ends).

Before, two concurrent saves from version 1 were both told "saved as version 2" (3 of 4
runs) and the first was silently overwritten. Each repetition here starts two real
threads, each with its own database session and connection, that read the stored
version, meet at a barrier and save from that version at the same moment.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from catalogue.costing import burden as costing
from catalogue.registry.db import make_engine, session_scope, upgrade
from catalogue.registry.errors import ConcurrentEdit
from catalogue.registry.models import AuditLog, CostingSheet
from tests.test_costing import SHEET
from tests.workflow_support import seed

REPETITIONS = 20


@pytest.fixture(params=["sqlite-file", pytest.param("postgres", marks=pytest.mark.postgres)])
def shared_engine(request, tmp_path):
    """A database two threads can share: an SQLite file, or the real PostgreSQL."""
    if request.param == "postgres":
        yield request.getfixturevalue("pg_engine")
        return
    engine = make_engine(f"sqlite:///{tmp_path / 'race.sqlite'}")
    upgrade(engine)
    yield engine
    engine.dispose()


def _version(engine, pid: int) -> int:
    with session_scope(engine) as s:
        row = s.scalars(select(CostingSheet).where(CostingSheet.procedure_id == pid)).first()
        return 0 if row is None else row.version


def _race(engine, actor: str, pid: int, population_a: int, population_b: int):
    start = _version(engine, pid)
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def save(name: str, population: int) -> None:
        try:
            with session_scope(engine) as s:
                s.connection()  # each thread holds its own connection before the race
                barrier.wait(timeout=30)
                stored = costing.save_sheet(
                    session=s, actor=actor, procedure_id=pid,
                    content={**SHEET, "population": population}, expected_version=start,
                )  # fmt: skip
                version = stored.version
            outcomes[name] = version
        except ConcurrentEdit as exc:
            outcomes[name] = exc

    threads = [
        threading.Thread(target=save, args=("a", population_a)),
        threading.Thread(target=save, args=("b", population_b)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return start, outcomes


def test_two_concurrent_saves_one_wins_the_other_is_refused(shared_engine):
    world = seed(shared_engine)
    actor, pid = world["users"]["reviewer"], world["procedures"][0]
    wins = refusals = 0
    for rep in range(REPETITIONS):
        start, outcomes = _race(shared_engine, actor, pid, 1000 + rep, 2000 + rep)
        won = [k for k, v in outcomes.items() if isinstance(v, int)]
        lost = [k for k, v in outcomes.items() if isinstance(v, ConcurrentEdit)]
        assert len(won) == 1 and len(lost) == 1, (rep, outcomes)
        assert outcomes[won[0]] == start + 1
        stored = _version(shared_engine, pid)
        assert stored == start + 1  # the loser wrote nothing
        with session_scope(shared_engine) as s:
            row = s.scalars(select(CostingSheet).where(CostingSheet.procedure_id == pid)).one()
            assert row.content["population"] == (1000 if won[0] == "a" else 2000) + rep
        wins += 1
        refusals += 1
    assert (wins, refusals) == (REPETITIONS, REPETITIONS)
    with session_scope(shared_engine) as s:
        saves = s.scalars(select(AuditLog).where(AuditLog.action == "sheet.save")).all()
    assert len(saves) == REPETITIONS  # one audit row per winning save, none for a loser
