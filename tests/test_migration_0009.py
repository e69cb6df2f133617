"""Migration 0009 on a database made with the previous schema: nothing lost, nothing invented.

The database is built at revision 0006 and filled with raw SQL as the old code wrote it
(a draft plan, an approved one, a published one with its decision list), then upgraded.
Expected rows are written out here by hand.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text

from catalogue.registry.db import make_engine, normalise_url, upgrade

NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def old_engine(request, tmp_path):
    """An empty database migrated only to 0006."""
    if request.param == "postgres":
        url = request.getfixturevalue("pg_server_url")
        engine = make_engine(normalise_url(url))
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    else:
        engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine, "0006")
    yield engine
    engine.dispose()


def _insert(conn, table, **values):
    cols = ", ".join(values)
    marks = ", ".join(f":{k}" for k in values)
    conn.execute(text(f"INSERT INTO {table} ({cols}) VALUES ({marks})"), values)


def _fill(engine):
    with engine.begin() as conn:
        for pid in (1, 2, 3):
            _insert(
                conn, "procedure", id=pid, identity=f"id-{pid}", code=f"1.00000{pid}",
                name=f"Thủ tục {pid}", levels="[]", subjects="[]", flags="[]",
                status="abolished" if pid == 3 else "active", content_hash="", revision=1,
                version=1, created_at=NOW, updated_at=NOW,
            )  # fmt: skip
        for plan_id, status in ((1, "draft"), (2, "approved"), (3, "published")):
            _insert(
                conn, "plan", id=plan_id, name=f"Phương án {plan_id}", year=2026,
                status=status, created_at=NOW, approved_at=NOW if plan_id > 1 else None,
                approved_by="chau" if plan_id > 1 else None, version=1,
            )  # fmt: skip
        proposals = [  # id, plan, procedure, action, status, before, after
            (1, 1, 1, "amend", "draft", 100, 50),
            (2, 2, 2, "amend", "approved", 1_000_000, 400_000),
            (3, 2, 1, "abolish", "rejected", 10, 0),
            (4, 3, 3, "abolish", "approved", 2_345_678, 0),
        ]
        for pid, plan, proc, action, status, before, after in proposals:
            _insert(
                conn, "proposal", id=pid, plan_id=plan, procedure_id=proc, action=action,
                option=json.dumps({"id": f"o{pid}", "action": action}), status=status,
                cost_before=before, cost_after=after, savings=before - after,
                updated_at=NOW, version=1,
            )  # fmt: skip
        _insert(
            conn, "decision", id=1, number="123/QĐ-UBND", signed_on=date(2026, 5, 1),
            signer="Nguyễn Văn A", effective_on=date(2026, 5, 15), plan_id=3,
            published_by="chau", published_at=NOW,
        )  # fmt: skip
        _insert(
            conn, "decision_item", id=1, decision_id=1, section="abolished", position=1,
            procedure_id=3, proposal_id=4, code="1.000003", name="Thủ tục 3",
        )  # fmt: skip


def _rows(conn, sql):
    return [tuple(r) for r in conn.execute(text(sql))]


def test_old_plans_and_decisions_survive_the_upgrade(old_engine):
    _fill(old_engine)
    upgrade(old_engine)
    with old_engine.connect() as conn:
        assert _rows(conn, "SELECT id, status FROM plan ORDER BY id") == [
            (1, "draft"), (2, "adopted"), (3, "published"),
        ]  # fmt: skip
        # one adoption per approved or published plan; its number was never recorded
        assert _rows(conn, "SELECT plan_id, number, signer FROM adoption ORDER BY plan_id") == [
            (2, None, None), (3, None, None),
        ]  # fmt: skip
        # one routing per approved proposal, figures as stored, route not recorded
        assert _rows(
            conn,
            "SELECT proposal_id, procedure_id, action, route, cost_before, cost_after, savings "
            "FROM routing ORDER BY proposal_id",
        ) == [
            (2, 2, "amend", "not_recorded", 1_000_000, 400_000, 600_000),
            (4, 3, "abolish", "not_recorded", 2_345_678, 0, 2_345_678),
        ]  # fmt: skip
        # the published item: linked to its routing, act not recorded, already applied
        assert _rows(
            conn,
            "SELECT i.id, i.act_id, r.proposal_id FROM decision_item i "
            "JOIN routing r ON r.id = i.routing_id",
        ) == [(1, None, 4)]
        enactments = _rows(
            conn, "SELECT decision_item_id, procedure_id, in_force_on FROM enactment"
        )
        assert [(e[0], e[1], str(e[2])[:10]) for e in enactments] == [(1, 3, "2026-05-15")]
        # nothing lost: every old row is still there, unchanged
        assert _rows(conn, "SELECT COUNT(*) FROM proposal") == [(4,)]
        assert _rows(conn, "SELECT id, status FROM proposal ORDER BY id") == [
            (1, "draft"), (2, "approved"), (3, "rejected"), (4, "approved"),
        ]  # fmt: skip
        assert _rows(conn, "SELECT number, signer FROM decision") == [
            ("123/QĐ-UBND", "Nguyễn Văn A")
        ]
        # nothing invented: no act, no claim, no figures source
        assert _rows(conn, "SELECT COUNT(*) FROM legal_act") == [(0,)]
        assert _rows(conn, "SELECT COUNT(*) FROM procedure_claim") == [(0,)]
        assert _rows(conn, "SELECT COUNT(*) FROM proposal WHERE figures_source IS NOT NULL") == [
            (0,)
        ]
    # and the decision item is still immutable after the data step lifted its triggers
    with pytest.raises(Exception, match="immutable"), old_engine.begin() as conn:
        conn.execute(text("UPDATE decision_item SET note = 'x'"))


def test_old_published_savings_are_still_counted_once(old_engine):
    """The old published plan counts through the legacy rows (its figures as stored), not a
    second time through the routing and enactment the migration gave it; the old approved
    plan, now adopted without any công bố, counts nothing yet."""
    from catalogue import cycle as wf
    from catalogue.registry.db import session_scope
    from tests.workflow_support import make_users

    _fill(old_engine)
    upgrade(old_engine)
    with session_scope(old_engine) as s:
        make_users(s)
    with session_scope(old_engine) as s:
        frame = wf.savings_by_stage(session=s, actor="an", today=date(2027, 1, 1))
    frame = frame[frame["stage"] == "in_force"]
    assert list(zip(frame["proposal_id"], frame["savings"], frame["decision"], strict=True)) == [
        (4, 2_345_678, "123/QĐ-UBND")
    ]
    assert list(frame["in_force_on"]) == [date(2026, 5, 15)]
