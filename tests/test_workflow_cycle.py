"""The law's sequence end to end (issue 12): adopt, record the act, publish, date in force.

Expected figures are worked out by hand from TT 02/2017 Điều 27 (comments show the sums);
expected catalogue states are written out field by field, never read from the code.

Sheet of "Đăng ký khai sinh" (tests/workflow_support.KHAI_SINH_SHEET), 50.000 đ/giờ:
  before: every channel 1 h + 0,5 h = 75.000 đ; direct adds 2 h (100.000) + lệ phí 8.000
          → direct 183.000, online 75.000; 0,6 × 183.000 + 0,4 × 75.000 = 139.800 đ/lần;
          × 2 lần × 1.000 người = 279.600.000 đ/năm.
  after FULL_OPTION: the copy and its 0,5 h go; lệ phí 10 USD × 25.450 đ (usd_rate 2025)
          → direct 50.000 + 100.000 + 254.500 = 404.500, online 50.000;
          0,2 × 404.500 + 0,8 × 50.000 = 120.900 đ/lần × 1 × 1.000 = 120.900.000 đ/năm.
  savings 158.700.000 đ/năm; cut rate 158,7 / 279,6 = 56,76 %.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from sqlmodel import select

from catalogue import cycle as wf
from catalogue.costing.burden import save_sheet
from catalogue.registry.db import session_scope
from catalogue.registry.errors import PermissionDenied, ServiceError
from catalogue.registry.models import (
    Adoption,
    AuditLog,
    CostingSheet,
    Procedure,
    Revision,
    Routing,
)
from catalogue.registry.store import load_records
from tests.workflow_support import FULL_OPTION, KHAI_SINH_SHEET, seed, submitted_plan

BEFORE, AFTER = 279_600_000, 120_900_000
ADOPTED_ON, ACT_ISSUED, IN_FORCE = date(2027, 1, 15), date(2027, 2, 1), date(2027, 3, 8)


@pytest.fixture
def world(engine):
    return seed(engine)


def _adopted(engine, world, year=2027):
    """Khai sinh amended (FULL_OPTION on its stored sheet) and procedure 1 abolished."""
    p = world["procedures"]
    with session_scope(engine) as s:
        save_sheet(session=s, actor="ruth", procedure_id=p[0], content=KHAI_SINH_SHEET)
    ids = submitted_plan(
        engine,
        world,
        {
            "amend": {"procedure_id": p[0], "action": "amend", "option": FULL_OPTION},
            "abolish": {
                "procedure_id": p[1], "action": "abolish", "reason": "Không còn cần thiết",
                "figures": {"cost_before": 2_000_000, "cost_after": 0},
                "figures_source": "Báo cáo rà soát của Sở Xây dựng",
            },
        },
        year=year,
    )  # fmt: skip
    with session_scope(engine) as s:
        adoption = wf.adopt_plan(
            session=s, actor="chau", plan_id=ids["plan"], number="125/QĐ-UBND",
            signed_on=ADOPTED_ON, signer="Nguyễn Văn A",
            routes={
                ids["amend"]: {"route": "recommendation", "addressee": "Bộ Tư pháp"},
                ids["abolish"]: {"route": "province", "department": "Sở Xây dựng",
                                 "due_on": date(2027, 6, 30)},
            },
        )  # fmt: skip
        ids["adoption"] = adoption.id
        routings = {r.proposal_id: r.id for r in s.exec(select(Routing))}
    ids["r_amend"], ids["r_abolish"] = routings[ids["amend"]], routings[ids["abolish"]]
    return ids


def _enacted(engine, ids):
    with session_scope(engine) as s:
        act = wf.record_act(
            session=s, actor="ruth", number="05/2027/TT-BTP",
            title="Thông tư sửa đổi thủ tục đăng ký khai sinh", issuer="Bộ Tư pháp",
            issued_on=ACT_ISSUED, in_force_on=IN_FORCE, ministry_decision="300/QĐ-BTP",
        )  # fmt: skip
        ids["act"] = act.id
        for key in ("r_amend", "r_abolish"):
            wf.link_act(session=s, actor="ruth", act_id=act.id, routing_id=ids[key], extent="whole")
    return ids


def _published(engine, ids, signed_on=date(2027, 3, 3)):
    with session_scope(engine) as s:
        result = wf.publish_list(
            session=s, actor="chau", number="200/QĐ-UBND", signed_on=signed_on,
            signer="Nguyễn Văn A",
            entries=[{"routing_id": ids["r_amend"], "act_id": ids["act"]},
                     {"routing_id": ids["r_abolish"], "act_id": ids["act"]}],
        )  # fmt: skip
        ids["decision"] = result.decision.id
        return result


def test_adoption_stores_model_figures_and_changes_no_record(engine, world):
    p = world["procedures"]
    with session_scope(engine) as s:
        before = load_records(s.connection(), ids=[p[0], p[1]], with_ids=True)
    ids = _adopted(engine, world)
    with session_scope(engine) as s:
        amend = s.get(Routing, ids["r_amend"])
        assert (amend.cost_before, amend.cost_after, amend.savings) == (
            BEFORE, AFTER, BEFORE - AFTER,
        )  # fmt: skip
        assert amend.cut_rate == 56.76
        assert amend.figures_source == "model: stored sheet"
        assert (amend.route, amend.addressee) == ("recommendation", "Bộ Tư pháp")
        abolish = s.get(Routing, ids["r_abolish"])
        assert (abolish.route, abolish.department, abolish.due_on) == (
            "province", "Sở Xây dựng", date(2027, 6, 30),
        )  # fmt: skip
        assert abolish.figures_source == "Báo cáo rà soát của Sở Xây dựng"
        adoption = s.get(Adoption, ids["adoption"])
        assert adoption.totals["savings"] == 158_700_000 + 2_000_000
        assert load_records(s.connection(), ids=[p[0], p[1]], with_ids=True) == before
        assert s.get(wf.Plan, ids["plan"]).status == "adopted"
        actions = [a.action for a in s.exec(select(AuditLog).order_by(AuditLog.id))]
    assert "plan.adopt" in actions


def test_adoption_needs_a_well_formed_number_and_routes(engine, world):
    p = world["procedures"]
    ids = submitted_plan(
        engine, world, {"a": {"procedure_id": p[2], "action": "abolish", "reason": "Thừa"}}
    )
    cases = [
        ({"number": "125/QD-UBND"}, "must look like 125/QĐ-UBND"),
        ({"number": "125"}, "must look like 125/QĐ-UBND"),
        ({"routes": {ids["a"]: {"route": "province"}}}, "needs the department"),
        ({"routes": {ids["a"]: {"route": "recommendation"}}}, "needs the ministry"),
    ]
    for over, message in cases:
        kwargs = {"number": "7/QĐ-UBND", "signed_on": ADOPTED_ON, "signer": "A", **over}
        with pytest.raises(ServiceError, match=message), session_scope(engine) as s:
            wf.adopt_plan(session=s, actor="chau", plan_id=ids["plan"], **kwargs)
    with pytest.raises(PermissionDenied, match="may not perform 'plan.adopt'"):
        with session_scope(engine) as s:
            wf.adopt_plan(
                session=s, actor="ruth", plan_id=ids["plan"], number="7/QĐ-UBND",
                signed_on=ADOPTED_ON, signer="A",
            )  # fmt: skip


def test_publication_refuses_entries_without_an_act_and_warns_when_late(engine, world):
    ids = _enacted(engine, _adopted(engine, world))
    with pytest.raises(ServiceError, match="needs the legal act"), session_scope(engine) as s:
        wf.publish_list(
            session=s, actor="chau", number="201/QĐ-UBND", signed_on=date(2027, 3, 1),
            signer="A", entries=[{"routing_id": ids["r_amend"]}],
        )  # fmt: skip
    with pytest.raises(PermissionDenied), session_scope(engine) as s:
        wf.publish_list(
            session=s, actor="ruth", number="201/QĐ-UBND", signed_on=date(2027, 3, 1),
            signer="A", entries=[{"routing_id": ids["r_amend"], "act_id": ids["act"]}],
        )  # fmt: skip
    # Wednesday 03/03 → Monday 08/03: Thu, Fri, Mon = 03 working days (< 05): warned.
    result = _published(engine, ids)
    assert len(result.warnings) == 1
    assert "03 ngày làm việc" in result.warnings[0] and "08/03/2027" in result.warnings[0]
    assert [(i.section, i.code) for i in result.items] == [
        ("amended", "1.000001"), ("abolished", "1.000002"),
    ]  # fmt: skip
    assert wf.working_days_between(date(2027, 3, 1), IN_FORCE) == 5


def test_catalogue_changes_only_from_the_date_in_force(engine, world):
    p = world["procedures"]
    _published(engine, _enacted(engine, _adopted(engine, world)))
    with session_scope(engine) as s:
        before = load_records(s.connection(), ids=[p[0]], with_ids=True)[p[0]]
        assert wf.apply_due_changes(session=s, actor="chau", today=date(2027, 3, 7)) == []
        assert load_records(s.connection(), ids=[p[0]], with_ids=True)[p[0]] == before
        pending = wf.pending_changes(session=s, actor="an", procedure_id=p[0])
    assert [(c["stage"], c["decision"], c["acts"]) for c in pending] == [
        ("published", "200/QĐ-UBND", ["05/2027/TT-BTP"]),
    ]  # fmt: skip
    assert pending[0]["changes"][4].startswith(
        "Thời hạn giải quyết (trực tiếp): từ 5 ngày làm việc xuống 2 ngày làm việc"
    )
    with session_scope(engine) as s:
        applied = wf.apply_due_changes(session=s, actor="chau", today=IN_FORCE)
    assert [(a["code"], a["section"]) for a in applied] == [
        ("1.000001", "amended"), ("1.000002", "abolished"),
    ]  # fmt: skip
    with session_scope(engine) as s:  # idempotent
        assert wf.apply_due_changes(session=s, actor="chau", today=date(2027, 4, 1)) == []
        record = load_records(s.connection(), ids=[p[0]], with_ids=True)[p[0]]
        abolished = s.get(Procedure, p[1])
        sheet = s.exec(select(CostingSheet).where(CostingSheet.procedure_id == p[0])).one()
        revision = s.exec(
            select(Revision).where(Revision.procedure_id == p[0]).order_by(Revision.number.desc())
        ).first()
        assert wf.pending_changes(session=s, actor="an", procedure_id=p[0]) == []
    # The record, field by field, as written by hand from FULL_OPTION.
    assert [d["name"] for d in record["documents"]] == ["Tờ khai đăng ký khai sinh"]
    direct, online = record["channels"]
    assert direct["kind"] == "direct" and online["kind"] == "online"
    assert direct["deadline"] == {"value": 2, "unit": "working_days", "raw": "2 ngày làm việc"}
    assert online["deadline"] == {"value": 2, "unit": "working_days", "raw": "2 ngày làm việc"}
    assert direct["fees"] == [
        {"kind": "le_phi", "amount": 10, "currency": "USD", "free": False, "unit": "/bản",
         "raw": "10 USD"},
    ]  # fmt: skip
    assert online["fees"] == [
        {"kind": "unspecified", "amount": 0, "currency": "VND", "free": True, "unit": None,
         "raw": "Miễn phí"},
    ]  # fmt: skip
    assert (record["status"], record["decision"]) == ("amended", "200/QĐ-UBND")
    assert "200/QĐ-UBND" in revision.source and "05/2027/TT-BTP" in revision.source
    # The sheet: frequency, shares, fee currency, the document and its activity.
    content = sheet.content
    assert content["frequency"] == 1
    assert content["channels"] == {"direct": 0.2, "online": 0.8}
    assert content["fees"] == [
        {"name": "Lệ phí", "amount": 10, "currency": "USD", "channels": ["direct"]}
    ]
    assert [d["name"] for d in content["documents"]] == ["Tờ khai đăng ký khai sinh"]
    assert [a["name"] for a in content["activities"]] == ["Chuẩn bị tờ khai", "Nộp trực tiếp"]
    assert abolished.status == "abolished"
    # After the date in force the cost model prices the amended procedure at AFTER.
    opts = {"id": "keep", "action": "keep"}
    assert wf.evaluate_option(content, opts).cost_before == AFTER


def test_signed_rows_are_immutable_in_the_database(engine, world):
    ids = _enacted(engine, _adopted(engine, world))
    _published(engine, ids)
    with session_scope(engine) as s:
        wf.apply_due_changes(session=s, actor="chau", today=IN_FORCE)
    statements = [
        f"UPDATE adoption SET number = 'x' WHERE id = {ids['adoption']}",
        f"DELETE FROM routing WHERE id = {ids['r_amend']}",
        "UPDATE routing SET savings = 0",
        "DELETE FROM act_link",
        "UPDATE enactment SET revision = 0",
        f"UPDATE decision_item SET act_id = NULL WHERE decision_id = {ids['decision']}",
    ]
    for statement in statements:
        with pytest.raises(Exception, match="immutable"), engine.begin() as conn:
            conn.execute(text(statement))
    with pytest.raises(wf.Immutable):
        with session_scope(engine) as s:
            wf.update_adoption(session=s, actor="chau", adoption_id=ids["adoption"])


def _stage_totals(engine, today):
    with session_scope(engine) as s:
        frame = wf.savings_by_stage(session=s, actor="an", today=today)
    totals = wf.stage_totals(frame).set_index("stage")
    return frame, {k: (int(v.procedures), int(v.savings)) for k, v in totals.iterrows()}


def test_savings_appear_at_their_stage_and_nowhere_earlier(engine, world):
    p = world["procedures"]
    with session_scope(engine) as s:  # a third plan, only proposed: 500.000 − 0
        plan = wf.create_plan(session=s, actor="ruth", name="Nháp", year=2027)
        wf.add_proposal(
            session=s, actor="ruth", plan_id=plan.id, procedure_id=p[2], action="abolish",
            reason="Thừa", figures={"cost_before": 500_000, "cost_after": 0},
            figures_source="Báo cáo rà soát",
        )  # fmt: skip
    ids = _adopted(engine, world)
    amend, abolish = BEFORE - AFTER, 2_000_000  # 158.700.000 and 2.000.000 đ/năm
    _, totals = _stage_totals(engine, IN_FORCE)
    assert totals == {
        "proposed": (1, 500_000), "adopted": (2, amend + abolish), "enacted": (0, 0),
        "in_force": (0, 0),
    }  # fmt: skip
    _enacted(engine, ids)
    _published(engine, ids)
    _, totals = _stage_totals(engine, IN_FORCE)  # published, not applied yet: still enacted
    assert totals["enacted"] == (2, amend + abolish) and totals["in_force"] == (0, 0)
    with session_scope(engine) as s:
        wf.apply_due_changes(session=s, actor="chau", today=IN_FORCE)
    frame, totals = _stage_totals(engine, IN_FORCE)
    assert totals["in_force"] == (2, amend + abolish) and totals["adopted"] == (0, 0)
    # The same procedure in a second phương án later: still one row, counted once.
    again = submitted_plan(
        engine, world,
        {"x": {"procedure_id": p[0], "action": "amend", "option": {
            "id": "lan-2", "action": "amend",
            "changes": [{"type": "set_population", "value": 500, "reason": "Ít hơn"}]}}},
        name="Phương án 2028", year=2028,
    )  # fmt: skip
    with session_scope(engine) as s:
        wf.adopt_plan(
            session=s, actor="chau", plan_id=again["plan"], number="300/QĐ-UBND",
            signed_on=date(2028, 1, 5), signer="B",
            routes={again["x"]: {"route": "recommendation", "addressee": "Bộ Tư pháp"}},
        )  # fmt: skip
    frame, totals = _stage_totals(engine, date(2028, 2, 1))
    assert list(frame["procedure_id"]).count(p[0]) == 1
    assert totals["in_force"] == (2, amend + abolish)


def test_programme_progress_counts_in_force_against_its_baseline(engine, world):
    from catalogue.costing.burden import catalogue_costs
    from catalogue.costing.reports import current_costs, stage_report

    p = world["procedures"]
    with session_scope(engine) as s:  # only khai sinh is in scope, by a reviewer's correction
        assert wf.set_business_scope(
            session=s, actor="ruth", procedure_id=p[0], business_related=True,
            reason="Áp dụng cả cho doanh nghiệp dịch vụ",
        )  # fmt: skip
    ids = _enacted(engine, _adopted(engine, world, year=2026))
    _published(engine, ids)
    with session_scope(engine) as s:
        wf.apply_due_changes(session=s, actor="chau", today=IN_FORCE)
    costs = catalogue_costs(engine)
    with session_scope(engine) as s:
        report = stage_report(session=s, actor="an", costs=costs, today=IN_FORCE)
    row = report["programmes"].set_index("programme").loc["NQ66-2026"]
    # baseline 31/12/2024: khai sinh as it stood before the change, 279.600.000 đ/năm
    assert row["baseline_annual_cost"] == BEFORE
    assert row["savings_in_force"] == BEFORE - AFTER  # the abolished one is out of scope
    assert row["cut_rate_in_force"] == 56.76
    assert (row["pipeline_adopted"], row["pipeline_enacted"]) == (0, 0)
    assert p[1] not in set(current_costs(costs)["procedure_id"])  # abolished: out of totals
    nq68 = report["programmes"].set_index("programme").loc["NQ68"]
    assert nq68["savings_in_force"] == 0  # a 2026 plan is not in NQ 68's years
