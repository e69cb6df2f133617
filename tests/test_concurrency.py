"""Two users saving the same proposal at once, on an SQLite file and on PostgreSQL.

The second save must fail with ConcurrentEdit carrying both texts; nothing is lost: the
first text is stored, the second is in the error and can be saved again on top.
"""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest
from sqlmodel import select

from catalogue import cycle as wf
from catalogue.registry.db import session_scope
from catalogue.registry.errors import ConcurrentEdit
from catalogue.registry.models import AuditLog, DecisionItem, ProcedureClaim, Proposal, Routing
from tests.workflow_support import draft_plan, make_procedures, seed, submitted_plan


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


# --------------------------------------------------------------------------- issue 18.2
# Two chairs adopting, or publishing, changes to one procedure at the same moment: one
# wins, the other is refused naming the procedure and the winner's decision; never two
# contradictory signed decisions. Each race is forced (both transactions open at once,
# the winner holding its transaction a little) and repeated REPEAT times.

REPEAT = 20


def _race(engine, calls):
    """Run the calls at once, each in its own session; their results or exceptions."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(i, call):
        try:
            with session_scope(engine) as s:
                barrier.wait(10)
                results[i] = call(s)
                time.sleep(0.05)  # still uncommitted while the other one runs
        except Exception as exc:  # noqa: BLE001 - the test inspects what happened
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def _one_procedure(engine, world, n):
    with session_scope(engine) as s:
        return make_procedures(s, [{"code": f"8.{n:06d}", "name": f"Thủ tục đua {n}"}])[0]


def _adopt(pid, plan, proposal, number):
    def call(s):
        return wf.adopt_plan(
            session=s, actor="chau", plan_id=plan, number=number,
            signed_on=date(2027, 1, 4), signer="A",
            routes={proposal: {"route": "recommendation", "addressee": "Bộ Tư pháp"}},
        ).number  # fmt: skip

    return call


def _check_one_winner(results, code):
    won = [r for r in results if isinstance(r, str)]
    lost = [r for r in results if not isinstance(r, str)]
    assert len(won) == 1 and len(lost) == 1, results
    assert isinstance(lost[0], wf.ClaimConflict), lost
    assert code in str(lost[0]) and won[0] in str(lost[0]), lost[0]
    return won[0]


def test_two_chairs_adopting_one_procedure_at_once(shared_engine):
    world = seed(shared_engine)
    for n in range(REPEAT):
        pid = _one_procedure(shared_engine, world, n)
        spec = {"x": {"procedure_id": pid, "action": "abolish", "reason": "Thừa"}}
        a = submitted_plan(shared_engine, world, spec, name=f"A{n}")
        b = submitted_plan(shared_engine, world, spec, name=f"B{n}")
        results = _race(
            shared_engine,
            [_adopt(pid, a["plan"], a["x"], f"{n + 1}/QĐ-UBND"),
             _adopt(pid, b["plan"], b["x"], f"{n + 101}/QĐ-UBND")],
        )  # fmt: skip
        _check_one_winner(results, f"8.{n:06d}")
        with session_scope(shared_engine) as s:
            assert len(s.exec(select(Routing).where(Routing.procedure_id == pid)).all()) == 1
            claims = s.exec(select(ProcedureClaim).where(ProcedureClaim.procedure_id == pid))
            assert len(claims.all()) == 1


def test_two_chairs_publishing_one_procedure_at_once(shared_engine):
    """One list amends the procedure, the other abolishes it: only one is signed."""
    world = seed(shared_engine)
    for n in range(REPEAT):
        pid = _one_procedure(shared_engine, world, n)
        spec = {"x": {"procedure_id": pid, "action": "abolish", "reason": "Thừa"}}
        a = submitted_plan(shared_engine, world, spec, name=f"A{n}")
        with session_scope(shared_engine) as s:
            _adopt(pid, a["plan"], a["x"], f"{n + 1}/QĐ-UBND")(s)
            act = wf.record_act(
                session=s, actor="ruth", number=f"{n + 1}/2027/TT-BTP", title="Thông tư",
                issuer="Bộ Tư pháp", issued_on=date(2027, 2, 1), in_force_on=date(2027, 3, 15),
            )  # fmt: skip
            routing = s.exec(select(Routing).where(Routing.procedure_id == pid)).one()
            wf.link_act(session=s, actor="ruth", act_id=act.id, routing_id=routing.id,
                        extent="whole")  # fmt: skip
            act_id, routing_id = act.id, routing.id

        def publish(number, entry, act_id=act_id):
            return lambda s: wf.publish_list(
                session=s, actor="chau", number=number, signed_on=date(2027, 3, 1),
                signer="A", entries=[{**entry, "act_id": act_id}],
            ).decision.number  # fmt: skip

        results = _race(
            shared_engine,
            [publish(f"{n + 201}/QĐ-UBND", {"routing_id": routing_id}),
             publish(f"{n + 301}/QĐ-UBND", {"procedure_id": pid, "section": "abolished"})],
        )  # fmt: skip
        _check_one_winner(results, f"8.{n:06d}")
        with session_scope(shared_engine) as s:
            items = s.exec(select(DecisionItem).where(DecisionItem.procedure_id == pid)).all()
            assert len(items) == 1, [(i.decision_id, i.section) for i in items]
