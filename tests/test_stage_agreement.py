"""Savings by stage agree everywhere (issue 12 item 4): one scenario, figures by hand.

Eight procedures, typed figures (each with its source), report day 01/12/2026:

  P1 business  amend   1.000.000 → 400.000   (deadline 10 → 5)  plan 2026, act in force
               01/06/2026, published, applied                       → in force   600.000
  P5 citizen   amend   9.999.000 → 9.000.000  same plan and act      → in force   999.000
               (out of the programmes' scope: counted by stage, never by a programme)
  P2 business  abolish 2.000.000 → 0          plan 2026, act in force 01/01/2027 → enacted
  P3 business  amend     500.000 → 300.000    plan 2026, adopted only  → adopted  200.000
  P4 business  amend     800.000 → 700.000    a draft plan 2026        → proposed 100.000
  P6 business  untouched, 1.300.000 đ/năm, 6 days
  P9 business  abolish   400.000 → 0          plan 2025 decided by the older path (approve,
               then publish at once), effective 01/03/2025           → in force   400.000
  P7 business  abolish   700.000 → 0          plan 2024 as migration 0009 leaves it (adoption
               number and act "not recorded"), enactment 01/06/2024  → in force   700.000

  P1 is adopted again in a 2027 phương án: still one row, still in force, nothing added.

Stage totals: proposed 100.000; adopted 200.000; enacted 2.000.000;
  in force 600.000 + 999.000 + 400.000 + 700.000 = 2.699.000 (4 procedures).

NQ 66 (2026 target, plans of 2025-2026, baseline 31/12/2024), business procedures that
existed then with their cost then: P1 1.000.000 (changed after the baseline: its signed
cost before) + P2 2.000.000 + P3 500.000 + P4 800.000 + P6 1.300.000 + P9 400.000 =
6.000.000 đ (P7 ended 01/06/2024, before the baseline; P5 out of scope).
  in force 600.000 (P1) + 400.000 (P9) = 1.000.000 → 16,67 %; pipeline adopted 200.000
  (3,33 %), enacted 2.000.000 (33,33 %); proposed 100.000.
  time: baseline days 10 (P1 then) + 15 + 20 + 5 + 6 + 4 = 60; saved 10 − 5 = 5 → 8,33 %.
NQ 66 (2025 target, plans of 2025 only): P9 400.000 / 6.000.000 = 6,67 %.
NQ 68 (plans tagged NQ68 only, baseline 31/05/2020): none in force; its baseline also
  holds P7 (ended 2024, after 2020): 6.000.000 + 700.000 = 6.700.000 đ.
Adopted proposals whatever their stage now (P1, P5, P9, P7, P2, P3; P4 only proposed):
  before 1.000.000 + 9.999.000 + 400.000 + 700.000 + 2.000.000 + 500.000 = 14.599.000,
  after 400.000 + 9.000.000 + 300.000 = 9.700.000, savings 4.899.000, cut 33,56 %.
Current totals leave P7 and P9 (abolished): 400.000 + 2.000.000 + 500.000 + 800.000 +
  9.000.000 + 1.300.000 = 14.000.000 đ/năm.
"""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pandas as pd
import pytest
from sqlalchemy import text
from sqlmodel import select

from catalogue import cycle as wf
from catalogue.registry.db import session_scope
from catalogue.registry.models import (
    Adoption,
    Decision,
    DecisionFigure,
    DecisionItem,
    DecisionSeal,
    Enactment,
    Procedure,
    Routing,
)
from tests.workflow_support import make_procedures, make_users, submitted_plan

TODAY = date(2026, 12, 1)
BUSINESS = ["Doanh nghiệp"]
SOURCE = "Báo cáo rà soát (tính tay trong kiểm thử)"
# key: (code, subjects, today's yearly cost, today's deadline days)
PROCEDURES = {
    "P1": ("1.100001", BUSINESS, 400_000, 5.0),
    "P2": ("1.100002", BUSINESS, 2_000_000, 15.0),
    "P3": ("1.100003", BUSINESS, 500_000, 20.0),
    "P4": ("1.100004", BUSINESS, 800_000, 5.0),
    "P5": ("1.100005", ["Công dân Việt Nam"], 9_000_000, 7.0),
    "P6": ("1.100006", BUSINESS, 1_300_000, 6.0),
    "P7": ("1.100007", BUSINESS, 700_000, 3.0),
    "P9": ("1.100009", BUSINESS, 400_000, 4.0),
}


def _typed(before, after, **extra):
    return {
        "figures": {"cost_before": before, "cost_after": after, **extra},
        "figures_source": SOURCE,
    }


def _amend(pid, before, after, **extra):
    change = {"type": "set_deadline", "days": 5, "channel": "all", "reason": "Rút ngắn"}
    option = {"id": "rut-ngan", "action": "amend", "changes": [change]}
    typed = _typed(before, after, **extra)
    return {"procedure_id": pid, "action": "amend", "option": option, **typed}


def _abolish(pid, before):
    return {"procedure_id": pid, "action": "abolish", "reason": "Không còn cần thiết",
            **_typed(before, 0)}  # fmt: skip


def _migrated_2024(engine, world, p7):
    """P7's plan as migration 0009 leaves a plan published before acts were recorded."""
    with session_scope(engine) as s:
        plan = wf.create_plan(session=s, actor="ruth", name="Phương án 2024", year=2024,
                              programme="NQ66")  # fmt: skip
        proposal = wf.add_proposal(
            session=s, actor="ruth", plan_id=plan.id, **_abolish(p7, 700_000)
        )
        plan_id, proposal_id = plan.id, proposal.id
    with session_scope(engine) as s:
        s.execute(text("UPDATE proposal SET status = 'approved' WHERE id = :p"), {"p": proposal_id})
        s.execute(text("UPDATE plan SET status = 'published' WHERE id = :p"), {"p": plan_id})
        s.execute(text("UPDATE procedure SET status = 'abolished' WHERE id = :p"), {"p": p7})
        adoption = Adoption(plan_id=plan_id, number=None, totals={})
        s.add(adoption)
        s.flush()
        routing = Routing(
            adoption_id=adoption.id, proposal_id=proposal_id, procedure_id=p7, action="abolish",
            route="not_recorded", cost_before=700_000, cost_after=0, savings=700_000,
            cut_rate=100.0, figures_source="migrated (0009): figures as stored on the proposal",
        )  # fmt: skip
        decision = Decision(number="5/QĐ-UBND", signed_on=date(2024, 5, 20), signer="A",
                            effective_on=date(2024, 6, 1), plan_id=plan_id)  # fmt: skip
        s.add_all([routing, decision])
        s.flush()
        item = DecisionItem(decision_id=decision.id, section="abolished", position=1,
                            procedure_id=p7, proposal_id=proposal_id, name="P7",
                            routing_id=routing.id, act_id=None)  # fmt: skip
        s.add(item)
        s.flush()
        s.add(Enactment(decision_item_id=item.id, procedure_id=p7, in_force_on=date(2024, 6, 1),
                        lines=["applied at publication, before migration 0009"]))  # fmt: skip
        s.add(DecisionSeal(decision_id=decision.id))


def _legacy_2025(engine, world, p9):
    """P9's plan as the older two-step path (approve, then publish at once; removed since)
    left it in a database: plan published, proposal approved, a sealed decision with its
    item and signed figure, the procedure abolished at publication, no adoption."""
    with session_scope(engine) as s:
        plan = wf.create_plan(session=s, actor="ruth", name="Phương án 2025", year=2025,
                              programme="NQ66")  # fmt: skip
        proposal = wf.add_proposal(
            session=s, actor="ruth", plan_id=plan.id, **_abolish(p9, 400_000)
        )
        wf.submit_plan(session=s, actor="ruth", plan_id=plan.id)
        plan_id, proposal_id = plan.id, proposal.id
    with session_scope(engine) as s:
        wf.decide_proposal(session=s, actor="chau", proposal_id=proposal_id, verdict="approve")
    with session_scope(engine) as s:
        s.execute(text("UPDATE plan SET status = 'published' WHERE id = :p"), {"p": plan_id})
        s.execute(text("UPDATE procedure SET status = 'abolished' WHERE id = :p"), {"p": p9})
        decision = Decision(number="20/QĐ-UBND", signed_on=date(2025, 2, 20), signer="A",
                            effective_on=date(2025, 3, 1), plan_id=plan_id)  # fmt: skip
        s.add(decision)
        s.flush()
        s.add(DecisionItem(decision_id=decision.id, section="abolished", position=1,
                           procedure_id=p9, proposal_id=proposal_id, name="P9"))  # fmt: skip
        s.add(DecisionFigure(decision_id=decision.id, proposal_id=proposal_id, procedure_id=p9,
                             action="abolish", cost_before=400_000, cost_after=0,
                             savings=400_000, cut_rate=100.0))  # fmt: skip
        s.flush()
        s.add(DecisionSeal(decision_id=decision.id))


def _cycle_2026(engine, world, p):
    """P1, P5 in force; P2 enacted; P3 adopted (the law's sequence); P4 proposed."""
    ids = submitted_plan(
        engine, world,
        {"p1": _amend(p["P1"], 1_000_000, 400_000, deadline_before=10, deadline_after=5),
         "p5": _amend(p["P5"], 9_999_000, 9_000_000),
         "p2": _abolish(p["P2"], 2_000_000),
         "p3": _amend(p["P3"], 500_000, 300_000)},
        name="Phương án 2026", year=2026,
    )  # fmt: skip
    with session_scope(engine) as s:
        wf.adopt_plan(session=s, actor="chau", plan_id=ids["plan"], number="30/QĐ-UBND",
                      signed_on=date(2026, 2, 1), signer="A",
                      routes={ids[k]: {"route": "recommendation", "addressee": "Bộ Tư pháp"}
                              for k in ("p1", "p5", "p2", "p3")})  # fmt: skip
        routing = {r.proposal_id: r.id for r in s.exec(select(Routing))}
        first = wf.record_act(session=s, actor="ruth", number="01/2026/TT-BTP", title="Sửa đổi",
                              issuer="Bộ Tư pháp", issued_on=date(2026, 4, 1),
                              in_force_on=date(2026, 6, 1))  # fmt: skip
        later = wf.record_act(session=s, actor="ruth", number="09/2026/TT-BTP", title="Bãi bỏ",
                              issuer="Bộ Tư pháp", issued_on=date(2026, 10, 1),
                              in_force_on=date(2027, 1, 1))  # fmt: skip
        for key, act in (("p1", first), ("p5", first), ("p2", later)):
            wf.link_act(session=s, actor="ruth", act_id=act.id, routing_id=routing[ids[key]],
                        extent="whole")  # fmt: skip
        wf.publish_list(session=s, actor="chau", number="40/QĐ-UBND", signed_on=date(2026, 5, 15),
                        signer="A", entries=[{"routing_id": routing[ids[k]], "act_id": first.id}
                                             for k in ("p1", "p5")])  # fmt: skip
    with session_scope(engine) as s:
        wf.apply_due_changes(session=s, actor="chau", today=date(2026, 6, 1))
    with session_scope(engine) as s:
        draft = wf.create_plan(session=s, actor="ruth", name="Nháp 2026", year=2026,
                               programme="NQ66")  # fmt: skip
        wf.add_proposal(session=s, actor="ruth", plan_id=draft.id,
                        **_amend(p["P4"], 800_000, 700_000))  # fmt: skip
    again = submitted_plan(engine, world, {"p1": _amend(p["P1"], 400_000, 100_000)},
                           name="Phương án 2027", year=2027)  # fmt: skip
    with session_scope(engine) as s:
        wf.adopt_plan(
            session=s,
            actor="chau",
            plan_id=again["plan"],
            number="50/QĐ-UBND",
            signed_on=date(2026, 11, 20),
            signer="A",
            routes={again["p1"]: {"route": "recommendation", "addressee": "Bộ Tư pháp"}},
        )


def _costs(engine, p) -> pd.DataFrame:
    """The cost model's frame, written by hand: today's cost of each procedure, its
    status as the catalogue holds it after the cycle (read, so that the cycle's own
    changes to the catalogue are what the reports see)."""
    with session_scope(engine) as s:
        status = {x.id: x.status for x in s.exec(select(Procedure))}
    rows = []
    for key, (code, _subjects, cost, days) in PROCEDURES.items():
        pid = p[key]
        rows.append(
            {"procedure_id": pid, "code": code, "name": key, "field": "Thử nghiệm",
             "agency": "UBND tỉnh", "level": "province", "status": status[pid],
             "unit_cost": cost, "annual_cost": cost, "deadline_days": days, "documents": 1,
             "activities": 1, "estimated": False, "population_known": True,
             "in_force": status[pid] in ("active", "amended"),
             "counted": status[pid] in ("active", "amended")}
        )  # fmt: skip
    frame = pd.DataFrame(rows)
    frame["annual_cost"] = frame["annual_cost"].astype("Int64")
    return frame


@pytest.fixture
def scenario(engine):
    with session_scope(engine) as s:
        world = {"users": make_users(s)}
        specs = [{"code": c, "name": f"Thủ tục {k}", "subjects": subj}
                 for k, (c, subj, _, _) in PROCEDURES.items()]  # fmt: skip
        ids = dict(zip(PROCEDURES, make_procedures(s, specs), strict=True))
    world["procedures"] = list(ids.values())
    _migrated_2024(engine, world, ids["P7"])
    _legacy_2025(engine, world, ids["P9"])
    _cycle_2026(engine, world, ids)
    return engine, ids, _costs(engine, ids)


def test_every_report_counts_the_same_stages(scenario):
    from catalogue.costing.reports import current_costs, savings_overview, stage_report

    engine, p, costs = scenario
    with session_scope(engine) as s:
        frame = wf.savings_by_stage(session=s, actor="an", today=TODAY)
        staged = stage_report(session=s, actor="an", costs=costs, today=TODAY)
        overview = savings_overview(session=s, actor="an", costs=costs, today=TODAY)
    assert list(frame["procedure_id"]).count(p["P1"]) == 1  # adopted twice, counted once
    stage_of = dict(zip(frame["procedure_id"], frame["stage"], strict=True))
    assert stage_of == {
        p["P1"]: "in_force", p["P5"]: "in_force", p["P9"]: "in_force", p["P7"]: "in_force",
        p["P2"]: "enacted", p["P3"]: "adopted", p["P4"]: "proposed",
    }  # fmt: skip
    expected = {"proposed": (1, 100_000), "adopted": (1, 200_000), "enacted": (1, 2_000_000),
                "in_force": (4, 2_699_000)}  # fmt: skip
    for totals in (wf.stage_totals(frame), staged["by_stage"], overview["by_stage"]):
        got = {r.stage: (int(r.procedures), int(r.savings)) for r in totals.itertuples()}
        assert got == expected
    assert overview["adopted_proposals"].to_dict("records") == [
        {"procedures": 6, "cost_before": 14_599_000, "cost_after": 9_700_000,
         "savings": 4_899_000, "cut_rate": 33.56}
    ]  # fmt: skip
    # the savings report's groupings count what is in force, and only that
    assert int(overview["adopted"]["savings"].sum()) == 2_699_000
    by_year = dict(zip(overview["by_year"]["year"], overview["by_year"]["savings"], strict=True))
    assert {int(k): int(v) for k, v in by_year.items()} == {
        2024: 700_000,
        2025: 400_000,
        2026: 600_000 + 999_000,
    }
    # current totals: P7 and P9 abolished have left them
    current = current_costs(costs)
    assert int(current["annual_cost"].sum()) == 14_000_000
    assert not {p["P7"], p["P9"]} & set(current["procedure_id"])


def test_programme_progress_counts_in_force_against_the_baseline_catalogue(scenario):
    from catalogue.costing.reports import savings_overview, stage_report

    engine, p, costs = scenario
    with session_scope(engine) as s:
        staged = stage_report(session=s, actor="an", costs=costs, today=TODAY)
        overview = savings_overview(session=s, actor="an", costs=costs, today=TODAY)
    for programmes in (staged["programmes"], overview["programmes"]):
        rows = programmes.set_index("programme")
        nq66 = rows.loc["NQ66-2026"]
        assert nq66["baseline_day"] == date(2024, 12, 31)
        assert int(nq66["baseline_annual_cost"]) == 6_000_000
        assert int(nq66["savings_in_force"]) == int(nq66["savings"]) == 1_000_000
        assert int(nq66["procedures_in_force"]) == 2
        assert nq66["cut_rate_in_force"] == nq66["cut_rate"] == 16.67
        pipeline = (int(nq66["pipeline_adopted"]), int(nq66["pipeline_enacted"]))
        assert pipeline == (200_000, 2_000_000)
        assert (nq66["cut_rate_adopted"], nq66["cut_rate_enacted"]) == (3.33, 33.33)
        assert int(nq66["proposed"]) == 100_000
        assert nq66["baseline_deadline_days"] == 60.0
        assert nq66["deadline_saved_days"] == 5.0 and nq66["time_cut_rate"] == 8.33
        assert nq66["cost_gap"] == round(50 - 16.67, 2) and not nq66["cost_met"]
        nq66_2025 = rows.loc["NQ66-2025"]
        assert int(nq66_2025["savings_in_force"]) == 400_000
        assert nq66_2025["cut_rate_in_force"] == 6.67
        nq68 = rows.loc["NQ68"]
        assert int(nq68["baseline_annual_cost"]) == 6_700_000
        assert int(nq68["savings_in_force"]) == 0


def test_the_savings_workbook_says_what_it_counts(scenario):
    from openpyxl import load_workbook

    from catalogue.documents.tiet_kiem import savings_xlsx

    engine, p, costs = scenario
    with session_scope(engine) as s:
        data = savings_xlsx(session=s, actor="an", costs=costs, today=TODAY)
    book = load_workbook(BytesIO(data))
    texts = {
        name: [c for row in book[name].iter_rows(values_only=True) for c in row if c is not None]
        for name in book.sheetnames
    }
    stages = texts["Theo giai đoạn"]
    assert "Đã có hiệu lực" in stages and 2_699_000 in stages and 2_000_000 in stages
    # every sheet names the stage it counts in its title
    for name, cells in texts.items():
        heading = " ".join(str(c) for c in cells[:4])
        assert "hiệu lực" in heading or "giai đoạn" in heading, name
    goals = texts["Mục tiêu"]
    assert 1_000_000 in goals and 6_000_000 in goals  # the same progress as the page
