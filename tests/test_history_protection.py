"""The history is complete and append-only, enforced by the database on both engines.

Before migration 0007, through the application's own session the audit log, plans and
proposals could be updated or deleted, a published decision could gain items (INSERT),
be rewritten (``REPLACE INTO`` on SQLite) or emptied (``TRUNCATE`` on PostgreSQL), and
one UPDATE of a proposal turned a signed decision's savings to 0 đ. An import that
changed only yearly volumes wrote no audit row, and imports without ``--as`` had no actor.
"""

from __future__ import annotations

import copy
from datetime import date

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from catalogue import cycle as wf
from catalogue.registry.db import session_scope
from catalogue.registry.models import AuditLog
from catalogue.registry.store import import_records
from catalogue.sources.service import import_files
from tests.factories import make_record
from tests.workflow_support import published_plan, seed


def _refused(engine, sql: str) -> bool:
    try:
        with engine.begin() as conn:
            conn.execute(text(sql))
    except DBAPIError as exc:
        return "append-only" in str(exc) or "immutable" in str(exc)
    return False


@pytest.fixture
def published(engine):
    world = seed(engine)
    ids = published_plan(engine, world)
    return engine, world, ids


def test_the_audit_log_and_revisions_cannot_be_rewritten(published):
    engine, _, _ = published
    for sql in (
        "UPDATE audit_log SET actor = 'mallory'",
        "DELETE FROM audit_log",
        "UPDATE revision SET actor = 'mallory'",
        "DELETE FROM revision",
    ):
        assert _refused(engine, sql), sql
    if engine.dialect.name == "sqlite":
        assert _refused(
            engine,
            "REPLACE INTO audit_log (id, at, actor, action, entity) "
            "SELECT id, at, 'mallory', action, entity FROM audit_log LIMIT 1",
        )
    else:
        assert _refused(engine, "TRUNCATE audit_log")
        assert _refused(engine, "TRUNCATE revision")
    with engine.begin() as conn:  # adding to the history stays possible
        conn.execute(
            text("INSERT INTO audit_log (at, actor, action, entity) VALUES (:at, 'x', 'y', 'z')"),
            {"at": "2026-01-01 00:00:00"},
        )


def test_a_signed_decision_gains_loses_or_changes_nothing(published):
    engine, _, ids = published
    d, a = ids["decision"], ids["adoption"]
    assert _refused(
        engine,
        f"INSERT INTO decision_item (decision_id, section, position, name) "
        f"VALUES ({d}, 'abolished', 99, 'Thủ tục thêm lậu')",
    )
    # The figures as signed live with the Quyết định thông qua (routing), since issue 12.
    assert _refused(engine, f"UPDATE routing SET savings = 0 WHERE adoption_id = {a}")
    assert _refused(engine, f"DELETE FROM routing WHERE adoption_id = {a}")
    assert _refused(engine, f"UPDATE adoption SET signer = 'Kẻ giả mạo' WHERE id = {a}")
    assert _refused(engine, f"DELETE FROM decision_seal WHERE decision_id = {d}")
    if engine.dialect.name == "sqlite":
        assert _refused(
            engine,
            "REPLACE INTO decision_item (id, decision_id, section, position, name) "
            f"SELECT id, decision_id, section, position, 'Đổi tên' FROM decision_item "
            f"WHERE decision_id = {d} LIMIT 1",
        )
        assert _refused(
            engine,
            "REPLACE INTO decision (id, number, signed_on, signer, effective_on, published_at) "
            f"SELECT id, number, signed_on, 'Kẻ giả mạo', effective_on, published_at "
            f"FROM decision WHERE id = {d}",
        )
    else:
        for table in ("decision_item", "decision", "decision_figure", "routing", "adoption"):
            assert _refused(engine, f"TRUNCATE {table} CASCADE"), table
        for table in ("proposal", "plan"):
            assert _refused(engine, f"TRUNCATE {table} CASCADE"), table


def _in_force(session, actor):
    """The stage rows in force after the act's date (the one definition of the stages)."""
    frame = wf.savings_by_stage(session=session, actor=actor, today=date(2027, 1, 1))
    return frame[frame["stage"] == "in_force"]


def test_savings_are_as_signed_whatever_happens_to_the_proposals(published):
    engine, world, ids = published
    analyst = world["users"]["analyst"]
    with session_scope(engine) as s:
        before = _in_force(s, analyst)
    assert before["savings"].sum() == 2_345_678 + 600_000 + 200_000
    # An adopted plan's proposals are the reviewer's working rows, not the signed record:
    # a raw write there changes nothing that is counted.
    with engine.begin() as conn:
        conn.execute(text("UPDATE proposal SET savings = 0, cost_after = cost_before"))
    with session_scope(engine) as s:
        after = _in_force(s, analyst)
    assert after["savings"].sum() == 2_345_678 + 600_000 + 200_000
    assert list(after["proposal_id"]) == list(before["proposal_id"])
    assert _refused(engine, f"DELETE FROM adoption WHERE plan_id = {ids['plan']}")


def _audits(engine) -> list[AuditLog]:
    with session_scope(engine) as s:
        return list(s.scalars(select(AuditLog).where(AuditLog.action == "import")))


def test_an_import_that_changes_only_volumes_is_audited_and_reported(engine):
    rec = make_record()
    import_records(engine, [rec], source="v1", actor="adam")
    newer = copy.deepcopy(rec)
    newer["volumes"][0]["received"] = 999_999
    summary = import_records(engine, [newer], source="v2", actor="adam")
    assert (summary.updated, summary.unchanged, summary.volumes) == (0, 1, 1)
    last = _audits(engine)[-1]
    assert last.actor == "adam" and last.after["volumes_changed"] == 1


def test_an_import_without_a_user_records_the_system_account(engine, tmp_path):
    import getpass

    import yaml

    path = tmp_path / "c.yaml"
    path.write_text(
        yaml.safe_dump({"format": "tthc-catalogue/1", "procedures": [make_record()]}),
        encoding="utf-8",
    )
    import_files(engine, [path])
    import_files(engine, [path])  # unchanged, still audited
    audits = _audits(engine)
    assert len(audits) == 2
    assert {a.actor for a in audits} == {f"os:{getpass.getuser()}"}
    assert audits[1].after["unchanged"] == 1 and audits[1].after["sources"] == [str(path)]


def test_sign_ins_and_failed_sign_ins_are_audited(engine):
    from catalogue.registry.auth import authenticate
    from tests.workflow_support import PASSWORD

    world = seed(engine)
    chair = world["users"]["chair"]
    with session_scope(engine) as s:
        assert authenticate(session=s, username=chair, password=PASSWORD) is not None
    with session_scope(engine) as s:
        assert authenticate(session=s, username=chair, password="sai-mat-khau") is None
    with session_scope(engine) as s:
        assert authenticate(session=s, username="khong-ai", password=PASSWORD) is None
    with session_scope(engine) as s:
        rows = s.scalars(select(AuditLog).where(AuditLog.entity == "user")).all()
        seen = [(r.action, r.actor, r.entity_id) for r in rows]
    assert seen == [
        ("auth.sign_in", chair, chair),
        ("auth.failed", chair, chair),
        ("auth.failed", "khong-ai", "khong-ai"),
    ]
    assert all(PASSWORD not in str(r) for r in seen)
