"""Two users saving the same proposal at once, on an SQLite file and on PostgreSQL.

The second save must fail with ConcurrentEdit carrying both texts; nothing is lost: the
first text is stored, the second is in the error and can be saved again on top.
"""

from __future__ import annotations

import threading
import time

import pytest
from sqlmodel import select

from catalogue import cycle as wf
from catalogue.registry.db import make_engine, session_scope, upgrade
from catalogue.registry.errors import ConcurrentEdit
from catalogue.registry.models import AuditLog, Proposal
from tests.workflow_support import draft_plan, seed


@pytest.fixture(params=["sqlite-file", pytest.param("postgres", marks=pytest.mark.postgres)])
def shared_engine(request, tmp_path):
    """A database that two connections really share: an SQLite file or PostgreSQL."""
    if request.param == "postgres":
        yield request.getfixturevalue("pg_engine")
        return
    engine = make_engine(f"sqlite:///{tmp_path / 'shared.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def proposal(shared_engine):
    """A draft proposal (version 1) in a draft plan."""
    world = seed(shared_engine)
    return draft_plan(shared_engine, world)["amend"]


def _edit(engine, proposal_id, version, content):
    with session_scope(engine) as s:
        return wf.edit_proposal(
            session=s,
            actor="ruth",
            proposal_id=proposal_id,
            expected_version=version,
            updates={"content": content},
        ).version


def test_stale_save_fails_and_keeps_both_texts(shared_engine, proposal):
    # Both users open the proposal (two sessions, each reads version 1) …
    with session_scope(shared_engine) as a, session_scope(shared_engine) as b:
        seen_a = a.get(Proposal, proposal).version
        seen_b = b.get(Proposal, proposal).version
    assert seen_a == seen_b
    # … the first saves, then the second saves from the same version.
    assert _edit(shared_engine, proposal, seen_a, "Nội dung của người thứ nhất") == seen_a + 1
    with pytest.raises(ConcurrentEdit) as conflict:
        _edit(shared_engine, proposal, seen_b, "Nội dung của người thứ hai")
    err = conflict.value
    assert "someone else saved" in str(err) and "both versions are kept" in str(err)
    assert err.theirs["content"] == "Nội dung của người thứ nhất"
    assert err.theirs["version"] == seen_a + 1
    assert err.yours["content"] == "Nội dung của người thứ hai"
    with session_scope(shared_engine) as s:
        assert s.get(Proposal, proposal).content == "Nội dung của người thứ nhất"
    # The second user merges knowingly, on top of the saved version: nothing was lost.
    merged = err.theirs["content"] + " / " + err.yours["content"]
    _edit(shared_engine, proposal, err.theirs["version"], merged)
    with session_scope(shared_engine) as s:
        assert s.get(Proposal, proposal).content == merged
        edits = s.exec(
            select(AuditLog).where(AuditLog.action == "proposal.edit").order_by(AuditLog.id)
        ).all()
    assert [e.after["content"] for e in edits] == ["Nội dung của người thứ nhất", merged]


def test_simultaneous_saves_one_wins_one_conflicts(shared_engine, proposal):
    """The first save holds its transaction open while the second one tries to write."""
    first_wrote = threading.Event()
    outcome: dict[str, object] = {}

    def first():
        with session_scope(shared_engine) as s:
            wf.edit_proposal(
                session=s, actor="ruth", proposal_id=proposal, expected_version=1,
                updates={"content": "Bản A"},
            )  # fmt: skip
            s.flush()
            first_wrote.set()
            time.sleep(0.5)  # still uncommitted while the second save runs
            outcome["a_committed_at"] = time.monotonic()

    def second():
        first_wrote.wait(10)
        try:
            outcome["b"] = _edit(shared_engine, proposal, 1, "Bản B")
        except ConcurrentEdit as exc:
            outcome["b"] = exc
        outcome["b_done_at"] = time.monotonic()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    err = outcome["b"]
    assert isinstance(err, ConcurrentEdit), err
    assert outcome["b_done_at"] >= outcome["a_committed_at"]  # it waited for A, then failed
    assert err.theirs["content"] == "Bản A" and err.yours["content"] == "Bản B"
    with session_scope(shared_engine) as s:
        row = s.get(Proposal, proposal)
        assert (row.content, row.version) == ("Bản A", 2)


def test_two_chairs_deciding_at_once(shared_engine, proposal):
    with session_scope(shared_engine) as s:
        plan_id = s.get(Proposal, proposal).plan_id
        wf.submit_plan(session=s, actor="ruth", plan_id=plan_id)
        version = s.get(Proposal, proposal).version
    with session_scope(shared_engine) as s:
        wf.decide_proposal(
            session=s, actor="chau", proposal_id=proposal, verdict="approve",
            expected_version=version,
        )  # fmt: skip
    with pytest.raises(ConcurrentEdit) as conflict:
        with session_scope(shared_engine) as s:
            wf.decide_proposal(
                session=s, actor="chau", proposal_id=proposal, verdict="reject",
                comment="Không đồng ý", expected_version=version,
            )  # fmt: skip
    assert conflict.value.theirs["status"] == "approved"


def test_simultaneous_adds_of_one_procedure(shared_engine):
    world = seed(shared_engine)
    with session_scope(shared_engine) as s:
        plan_id = wf.create_plan(session=s, actor="ruth", name="Song song", year=2026).id
    barrier = threading.Barrier(2)
    results: list[object] = []

    def add(content):
        try:
            with session_scope(shared_engine) as s:
                barrier.wait(10)
                prop = wf.add_proposal(
                    session=s, actor="ruth", plan_id=plan_id,
                    procedure_id=world["procedures"][2], action="keep", content=content,
                )  # fmt: skip
                s.flush()
                time.sleep(0.2)
                results.append(prop.id)
        except Exception as exc:  # noqa: BLE001 - the test inspects what happened
            results.append(exc)

    threads = [threading.Thread(target=add, args=(c,)) for c in ("một", "hai")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    ok = [r for r in results if isinstance(r, int)]
    refused = [r for r in results if not isinstance(r, int)]
    assert len(ok) == 1 and len(refused) == 1, results
    assert isinstance(refused[0], ConcurrentEdit | wf.ServiceError), refused
    with session_scope(shared_engine) as s:
        assert len(s.exec(select(Proposal).where(Proposal.plan_id == plan_id)).all()) == 1
