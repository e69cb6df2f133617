"""Review workflow services on SQLite and PostgreSQL: the life cycle, its rules, the audit."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import delete, func, text, update
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from catalogue import cycle as wf
from catalogue.registry.db import session_scope
from catalogue.registry.errors import PermissionDenied, ServiceError
from catalogue.registry.models import (
    Adoption,
    AuditLog,
    Channel,
    Decision,
    DecisionItem,
    Document,
    Plan,
    Procedure,
    Proposal,
    Revision,
    Routing,
)
from catalogue.registry.store import revision_history
from tests.workflow_support import (
    AMEND_OPTION,
    IN_FORCE_ON,
    draft_plan,
    enact_plan,
    published_plan,
    seed,
)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def world(engine):
    """Users and procedures committed in the engine under test."""
    return seed(engine)


def _status(engine, model, ident):
    with session_scope(engine) as s:
        return s.get(model, ident).status


def test_full_cycle_updates_catalogue(engine, world):
    ids = published_plan(engine, world)
    p = world["procedures"]
    with session_scope(engine) as s:
        assert s.get(Plan, ids["plan"]).status == "adopted"
        keys = ("amend", "abolish", "keep", "replace", "reject")
        statuses = {k: s.get(Proposal, ids[k]).status for k in keys}
        assert statuses == {
            "amend": "approved",
            "abolish": "approved",
            "keep": "approved",
            "replace": "approved",
            "reject": "rejected",
        }
        procs = {i: s.get(Procedure, i) for i in p}
        assert procs[p[0]].status == "amended"
        assert procs[p[1]].status == "abolished"
        assert procs[p[2]].status == "active"  # keep: nothing changes
        assert procs[p[3]].status == "replaced"
        assert procs[p[3]].replaced_by_id == p[4]
        assert procs[p[4]].status == "active"  # the draft replacement is now issued
        assert procs[p[5]].status == "active"  # rejected: nothing changes
        for i in (p[0], p[1], p[3], p[4]):
            assert procs[i].decision == "123/QĐ-UBND"  # the công bố, not the adoption
        # The adoption routed the three changes (keep and the rejected one are not routed).
        routed = {
            r.proposal_id: (r.route, r.department, r.addressee)
            for r in s.exec(select(Routing).where(Routing.adoption_id == ids["adoption"]))
        }
        assert routed == {
            ids["amend"]: ("recommendation", None, "Bộ Tư pháp"),
            ids["abolish"]: ("province", "Sở Xây dựng", None),
            ids["replace"]: ("recommendation", None, "Bộ Tư pháp"),
        }
        assert s.get(Adoption, ids["adoption"]).number == "125/QĐ-UBND"
        decision = s.get(Decision, ids["decision"])
        assert (decision.signed_on, decision.effective_on) == (date(2026, 12, 22), IN_FORCE_ON)
        # Amended: the option's document removal and deadline cut are applied.
        docs = [d.name for d in s.exec(select(Document).where(Document.procedure_id == p[0]))]
        assert docs == ["Tờ khai đăng ký khai sinh"]
        deadlines = {
            c.deadline_value for c in s.exec(select(Channel).where(Channel.procedure_id == p[0]))
        }
        assert deadlines == {2}
        items = s.exec(select(DecisionItem).where(DecisionItem.decision_id == ids["decision"]))
        listed = {(i.section, i.procedure_id, i.position) for i in items}
        assert listed == {("amended", p[0], 1), ("abolished", p[1], 1), ("replaced", p[3], 1)}
    with engine.connect() as conn:
        history = revision_history(conn, p[0])
    assert [r["number"] for r in history] == [1, 2]
    last = history[-1]
    assert "123/QĐ-UBND" in last["source"]
    assert "Khai thác Cơ sở dữ liệu quốc gia về dân cư" in last["source"]
    assert {"documents", "channels", "decision"} <= set(last["changed_fields"])
    assert [d["name"] for d in last["snapshot"]["documents"]] == ["Tờ khai đăng ký khai sinh"]
    assert [d["name"] for d in history[0]["snapshot"]["documents"]] == [
        "Tờ khai đăng ký khai sinh",
        "Bản sao giấy tờ tùy thân",
    ]


def test_audit_accounts_for_every_change(engine, world):
    ids = published_plan(engine, world)
    with session_scope(engine) as s:
        rows = list(s.exec(select(AuditLog).where(AuditLog.actor != "test")))
    actions = [(r.action, r.entity, r.entity_id) for r in rows]
    pid = str(ids["plan"])
    assert actions.count(("plan.create", "plan", pid)) == 1
    assert actions.count(("plan.submit", "plan", pid)) == 2
    assert sum(a == "proposal.add" for a, _, _ in actions) == 5
    assert ("proposal.return", "proposal", str(ids["amend"])) in actions
    assert ("proposal.reject", "proposal", str(ids["reject"])) in actions
    assert ("proposal.edit", "proposal", str(ids["amend"])) in actions
    assert ("plan.adopt", "adoption", str(ids["adoption"])) in actions
    assert ("plan.status", "plan", pid) in actions
    assert ("act.record", "legal_act", str(ids["act"])) in actions
    assert sum(a == "act.link" for a, _, _ in actions) == 3
    assert ("decision.publish", "decision", str(ids["decision"])) in actions
    assert sum(a.startswith("procedure.") for a, _, _ in actions) == 3
    assert {a for a, _, _ in actions if a.startswith("procedure.")} == {
        "procedure.enact.amended", "procedure.enact.abolished", "procedure.enact.replaced",
    }  # fmt: skip
    edit = next(r for r in rows if r.action == "proposal.edit")
    assert edit.actor == "ruth"
    assert edit.before["status"] == "returned" and edit.after["status"] == "draft"
    assert edit.after["reason"] == "Đã bổ sung lý do theo ý kiến"
    assert all(r.at is not None for r in rows)


def test_failed_service_writes_nothing(engine, world):
    ids = draft_plan(engine, world)
    with session_scope(engine) as s:
        before = s.exec(select(func.count()).select_from(AuditLog)).one()
    with pytest.raises(ServiceError):
        with session_scope(engine) as s:
            wf.withdraw_proposal(session=s, actor="ruth", proposal_id=ids["keep"])
            wf.submit_plan(session=s, actor="ruth", plan_id=ids["plan"])
            wf.adopt_plan(  # undecided: refused
                session=s, actor="chau", plan_id=ids["plan"], number="125/QĐ-UBND",
                signed_on=date(2026, 12, 1), signer="A",
            )  # fmt: skip
    with session_scope(engine) as s:
        assert s.exec(select(func.count()).select_from(AuditLog)).one() == before
        assert s.get(Proposal, ids["keep"]).status == "draft"
        assert s.get(Plan, ids["plan"]).status == "draft"


def test_published_decision_is_immutable_in_service(engine, world):
    ids = published_plan(engine, world)
    for user in world["users"].values():
        with pytest.raises(wf.Immutable, match="immutable"):
            with session_scope(engine) as s:
                wf.update_decision(session=s, actor=user, decision_id=ids["decision"], signer="X")
        with pytest.raises(wf.Immutable):
            with session_scope(engine) as s:
                wf.delete_decision(session=s, actor=user, decision_id=ids["decision"])
    with pytest.raises(wf.Immutable):
        with session_scope(engine) as s:
            wf.edit_proposal(
                session=s,
                actor="ruth",
                proposal_id=ids["amend"],
                expected_version=s.get(Proposal, ids["amend"]).version,
                updates={"content": "đổi sau khi công bố"},
            )
    with pytest.raises(wf.Immutable):
        with session_scope(engine) as s:
            wf.add_proposal(
                session=s, actor="ruth", plan_id=ids["plan"], procedure_id=world["procedures"][5],
                action="keep",
            )  # fmt: skip


@pytest.mark.parametrize(
    "statement",
    [
        update(Decision).values(signer="Người khác"),
        delete(Decision),
        update(DecisionItem).values(name="Tên bị sửa"),
        delete(DecisionItem),
    ],
    ids=["update-decision", "delete-decision", "update-item", "delete-item"],
)
def test_published_decision_is_immutable_in_database(engine, world, statement):
    published_plan(engine, world)
    with pytest.raises(DBAPIError, match="immutable"):
        with engine.begin() as conn:
            conn.execute(statement)
    with engine.connect() as conn:
        assert conn.execute(select(Decision.signer)).scalar_one() == "Nguyễn Văn A"
        assert conn.execute(select(func.count()).select_from(DecisionItem)).scalar_one() == 3


def test_correction_is_a_new_decision_leaving_the_first_as_signed(engine, world):
    ids = published_plan(engine, world)
    p = world["procedures"]
    with session_scope(engine) as s:
        plan = wf.create_plan(session=s, actor="ruth", name="Đính chính", year=2026)
        prop = wf.add_proposal(
            session=s, actor="ruth", plan_id=plan.id, procedure_id=p[5], action="abolish",
            reason="Đính chính: bổ sung thủ tục bị bãi bỏ",
        )  # fmt: skip
        wf.submit_plan(session=s, actor="ruth", plan_id=plan.id)
        wf.decide_proposal(session=s, actor="chau", proposal_id=prop.id, verdict="approve")
        adopt = {
            "session": s, "actor": "chau", "plan_id": plan.id, "signed_on": date(2027, 1, 4),
            "signer": "B", "routes": {prop.id: {"route": "recommendation", "addressee": "Bộ"}},
        }  # fmt: skip
        with pytest.raises(ServiceError, match="already used"):
            wf.adopt_plan(number="125/QĐ-UBND", **adopt)
    with session_scope(engine) as s:
        adoption = wf.adopt_plan(number="3/QĐ-UBND", **{**adopt, "session": s})
        act = wf.record_act(
            session=s, actor="ruth", number="01/2027/TT-BTP", title="Đính chính", issuer="Bộ",
            issued_on=date(2027, 1, 4), in_force_on=date(2027, 1, 15),
        )  # fmt: skip
        routing = s.exec(select(Routing).where(Routing.adoption_id == adoption.id)).one()
        wf.link_act(session=s, actor="ruth", act_id=act.id, routing_id=routing.id, extent="whole")
        entry = {"routing_id": routing.id, "act_id": act.id}
        with pytest.raises(ServiceError, match="already used"):
            wf.publish_list(
                session=s, actor="chau", number="123/QĐ-UBND", signed_on=date(2027, 1, 5),
                signer="B", entries=[entry],
            )  # fmt: skip
    with session_scope(engine) as s:
        second = wf.publish_list(
            session=s, actor="chau", number="7/QĐ-UBND", signed_on=date(2027, 1, 5),
            signer="B", entries=[entry],
        ).decision  # fmt: skip
    assert _status(engine, Procedure, p[5]) == "active"  # not before its date in force
    with session_scope(engine) as s:
        wf.apply_due_changes(session=s, actor="chau", today=date(2027, 1, 15))
    with session_scope(engine) as s:
        frame = wf.decisions_frame(session=s, actor="an").set_index("id")
    row, first = frame.loc[second.id], frame.loc[ids["decision"]]
    assert row["number"] == "7/QĐ-UBND" and row["effective_on"] == date(2027, 1, 15)
    assert row["abolished"] == 1 and row["items"] == 1
    assert (first["number"], first["items"]) == ("123/QĐ-UBND", 3)  # the first as signed
    assert _status(engine, Procedure, p[5]) == "abolished"


def test_rules_of_the_life_cycle(engine, world):
    ids = draft_plan(engine, world)
    with session_scope(engine) as s:
        with pytest.raises(ServiceError, match="already has a proposal"):
            wf.add_proposal(
                session=s, actor="ruth", plan_id=ids["plan"],
                procedure_id=world["procedures"][0], action="keep",
            )  # fmt: skip
        with pytest.raises(ServiceError, match="allowed when submitted"):
            wf.decide_proposal(session=s, actor="chau", proposal_id=ids["amend"], verdict="approve")
    with session_scope(engine) as s:
        wf.submit_plan(session=s, actor="ruth", plan_id=ids["plan"])
    with session_scope(engine) as s:
        for verdict in ("reject", "return"):
            with pytest.raises(ServiceError, match="needs a comment"):
                wf.decide_proposal(
                    session=s, actor="chau", proposal_id=ids["amend"], verdict=verdict
                )
        with pytest.raises(ServiceError, match="verdict"):
            wf.decide_proposal(session=s, actor="chau", proposal_id=ids["amend"], verdict="maybe")
        with pytest.raises(ServiceError, match="every proposal must be"):
            wf.adopt_plan(
                session=s, actor="chau", plan_id=ids["plan"], number="1/QĐ-UBND",
                signed_on=date(2026, 1, 1), signer="A",
            )  # fmt: skip
        act = wf.record_act(
            session=s, actor="ruth", number="01/2026/TT-BTP", title="Thông tư", issuer="Bộ",
            issued_on=date(2026, 1, 1), in_force_on=date(2026, 2, 1),
        )  # fmt: skip
        with pytest.raises(ServiceError, match="needs the adopted proposal"):
            wf.publish_list(  # a proposal not adopted cannot be published, even with an act
                session=s, actor="chau", number="1/QĐ-UBND", signed_on=date(2026, 1, 1),
                signer="A",
                entries=[{"procedure_id": world["procedures"][0], "section": "amended",
                          "act_id": act.id}],
            )  # fmt: skip
        with pytest.raises(ServiceError, match="only drafts and returned"):
            wf.edit_proposal(
                session=s, actor="ruth", proposal_id=ids["amend"],
                expected_version=s.get(Proposal, ids["amend"]).version, updates={"content": "x"},
            )  # fmt: skip
        queue = wf.approval_queue(session=s, actor="chau")
        assert sorted(queue["id"]) == sorted(v for k, v in ids.items() if k != "plan")


def test_proposal_validation(engine, world):
    ids = draft_plan(engine, world)
    p = world["procedures"]
    with session_scope(engine) as s:
        plan = wf.create_plan(session=s, actor="ruth", name="Kiểm tra", year=2026)
    cases = [
        ({"action": "cut"}, "unknown action"),
        ({"action": "abolish"}, "needs a reason"),
        ({"action": "replace", "reason": "r"}, "needs its replacement"),
        ({"action": "replace", "reason": "r", "replacement_procedure_id": p[0]}, "replace itself"),
        ({"action": "new"}, "only a draft procedure"),
        ({"action": "amend", "option": {"changes": [{"type": "remove_fee"}]}}, "needs a reason"),
        ({"action": "keep", "figures": {"cost_before": -1}, "figures_source": "s"}, "whole đồng"),
        ({"action": "keep", "figures": {"cost_before": 1.5}, "figures_source": "s"}, "whole đồng"),
        ({"action": "keep", "figures": {"benefit": 1}, "figures_source": "s"}, "unknown cost"),
        # Issue 12 item 5: typed figures need a source and must add up.
        ({"action": "keep", "figures": {"cost_before": 100, "cost_after": 90}}, "need a source"),
        (
            {"action": "keep", "figures_source": "Báo cáo",
             "figures": {"cost_before": 100, "cost_after": 90, "savings": 10**12}},
            "savings must equal before − after",
        ),
    ]  # fmt: skip
    for kwargs, message in cases:
        with pytest.raises(ServiceError, match=message):
            with session_scope(engine) as s:
                wf.add_proposal(
                    session=s, actor="ruth", plan_id=plan.id, procedure_id=p[0], **kwargs
                )
    # A withdrawn proposal is reopened when the procedure is added again.
    with session_scope(engine) as s:
        wf.withdraw_proposal(session=s, actor="ruth", proposal_id=ids["keep"])
    with session_scope(engine) as s:
        again = wf.add_proposal(
            session=s, actor="ruth", plan_id=ids["plan"], procedure_id=p[2], action="abolish",
            reason="Xem lại", figures={"cost_before": 100, "cost_after": 0},
            figures_source="Tính tay trong kiểm thử",
        )  # fmt: skip
        assert again.id == ids["keep"]
        assert (again.status, again.action, again.savings, again.cut_rate) == (
            "draft", "abolish", 100, 100.0,
        )  # fmt: skip


def test_new_procedure_is_issued(engine, world):
    p = world["procedures"]
    with session_scope(engine) as s:
        plan = wf.create_plan(session=s, actor="ruth", name="Ban hành mới", year=2027)
        prop = wf.add_proposal(
            session=s, actor="ruth", plan_id=plan.id, procedure_id=p[4], action="new",
            content="Ban hành thủ tục mới",
        )  # fmt: skip
        wf.submit_plan(session=s, actor="ruth", plan_id=plan.id)
        wf.decide_proposal(session=s, actor="chau", proposal_id=prop.id, verdict="approve")
    decision = enact_plan(
        engine, world, plan.id, adoption="8/QĐ-UBND", decision="9/QĐ-UBND",
        adopted_on=date(2027, 1, 5), issued_on=date(2027, 2, 1),
        published_on=date(2027, 3, 1), in_force_on=date(2027, 3, 15),
    )["decision"]  # fmt: skip
    with session_scope(engine) as s:
        items = wf.decision_items_frame(session=s, actor="an", decision_id=decision)
        assert list(items["section"]) == ["new"]
        assert s.get(Procedure, p[4]).status == "active"
        assert s.get(Procedure, p[4]).decision == "9/QĐ-UBND"
        title = s.get(Decision, decision).title
    assert "mới ban hành" in title


def _in_force(session, today):
    """The stage rows in force on ``today`` (the one definition of the stages)."""
    frame = wf.savings_by_stage(session=session, actor="an", today=today)
    return frame[frame["stage"] == "in_force"]


def test_savings_count_only_once_in_force(engine, world):
    ids = draft_plan(engine, world)
    with session_scope(engine) as s:
        assert _in_force(s, IN_FORCE_ON).empty  # a draft is only proposed
    ids = published_plan(engine, seed_more(engine))
    with session_scope(engine) as s:
        assert _in_force(s, IN_FORCE_ON - timedelta(days=1)).empty  # listed, not yet in force
        frame = _in_force(s, IN_FORCE_ON)
        plans = wf.plans_frame(session=s, actor="an")
    assert set(frame["plan_id"]) == {ids["plan"]}
    # keep is not routed by the adoption (it belongs to the báo cáo): three changes count
    assert sorted(frame["proposal_id"]) == sorted(ids[k] for k in ("amend", "abolish", "replace"))
    assert frame["savings"].sum() == 600_000 + 2_345_678 + 200_000
    assert set(frame["decision"]) == {"123/QĐ-UBND"}
    assert set(frame["in_force_on"]) == {IN_FORCE_ON}
    draft_row = plans.set_index("id").loc[ids["plan"] - 1]
    assert draft_row["status"] == "draft" and pd.isna(draft_row["decision"])


def seed_more(engine):
    """Second set of procedures (new codes) for the same users, in the same database."""
    from tests.workflow_support import DEFAULT_SPECS, make_procedures

    specs = [{**spec, "code": spec["code"].replace("1.", "2.")} for spec in DEFAULT_SPECS]
    with session_scope(engine) as s:
        ids = make_procedures(s, specs)
    return {"users": {"reviewer": "ruth", "chair": "chau"}, "procedures": ids}


def test_option_evaluated_through_the_cost_model(engine, world):
    from analysis.yamlio import load_yaml

    sheet = load_yaml(ROOT / "data" / "sheets" / "tax-reporting.yaml")
    option = next(o for o in sheet.pop("options") if o["id"] == "quarterly")
    option = {**option, "changes": [dict(c, value=int(c["value"])) for c in option["changes"]]}
    with session_scope(engine) as s:
        plan = wf.create_plan(session=s, actor="ruth", name="Thuế", year=2026)
        prop = wf.add_proposal(
            session=s, actor="ruth", plan_id=plan.id, procedure_id=world["procedures"][0],
            action="amend", option=option, sheet=sheet,
        )  # fmt: skip
        assert prop.cost_before == 975_000_000_000
        assert prop.cost_after == 325_000_000_000
        assert prop.savings == 650_000_000_000
        assert prop.cut_rate == 66.67
        assert prop.reason is None and prop.option["changes"][0]["type"] == "set_frequency"


def test_sign_in_is_needed_for_reading(engine, world):
    with session_scope(engine) as s:
        with pytest.raises(PermissionDenied, match="no active user"):
            wf.plans_frame(session=s, actor="ghost")
        with pytest.raises(PermissionDenied, match="sign in"):
            wf.proposals_frame(session=s, actor="")


def test_amend_option_changes_kept_verbatim(engine, world):
    ids = draft_plan(engine, world)
    with session_scope(engine) as s:
        shown = wf.show_plan(session=s, actor="an", plan_id=ids["plan"])
    amend = next(p for p in shown["proposals"] if p["id"] == ids["amend"])
    assert amend["option"] == AMEND_OPTION
    assert (amend["cost_before"], amend["cost_after"], amend["savings"]) == (
        1_000_000,
        400_000,
        600_000,
    )
    assert amend["cut_rate"] == 60.0 and amend["deadline_after"] == 2.0


def test_revision_numbers_stay_unique(engine, world):
    published_plan(engine, world)
    with engine.connect() as conn:
        dupes = conn.execute(
            text(
                "SELECT procedure_id, number, COUNT(*) FROM revision "
                "GROUP BY procedure_id, number HAVING COUNT(*) > 1"
            )
        ).all()
        revisions = conn.execute(select(func.count()).select_from(Revision)).scalar_one()
    assert dupes == []
    assert revisions == 6 + 4  # one per import, one per procedure the công bố changed
