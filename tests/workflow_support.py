"""Factory helpers for the workflow tests: users, procedures and a plan in a given state."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, select

from catalogue import cycle as wf
from catalogue.registry.auth import hash_password
from catalogue.registry.db import session_scope
from catalogue.registry.models import Procedure, Routing, User
from catalogue.registry.store import store_records
from tests.factories import make_record

# One user per role; cheap scrypt cost so that tests stay fast (verify reads n from the hash).
USERS = {"reviewer": "ruth", "chair": "chau", "analyst": "an", "admin": "adam"}
PASSWORD = "mat-khau-123"
FAST_HASH = hash_password(PASSWORD, n=16)

AMEND_OPTION = {
    "id": "giam-ho-so",
    "action": "amend",
    "changes": [
        {
            "type": "remove_document",
            "document": "Bản sao giấy tờ tùy thân",
            "reason": "Khai thác Cơ sở dữ liệu quốc gia về dân cư",
            "legal_change": "Sửa đổi khoản 1 Điều 5 Thông tư 04/2020/TT-BTP",
        },
        {
            "type": "set_deadline",
            "days": 2,
            "channel": "all",
            "reason": "Rút ngắn thời hạn giải quyết",
        },
    ],
}


def make_users(session: Session) -> dict[str, str]:
    """One active user per role; returns role → username."""
    for role, name in USERS.items():
        session.add(User(username=name, role=role, password_hash=FAST_HASH))
    session.flush()
    return dict(USERS)


def make_procedures(session: Session, specs: list[dict[str, Any]]) -> list[int]:
    """Store procedure records (``make_record`` overrides per spec); their ids in order."""
    records = [make_record(**spec) for spec in specs]
    store_records(session.connection(), records, source="test", actor="test")
    ids = []
    for rec in records:
        found = session.exec(
            select(Procedure).where(Procedure.code == rec["code"], Procedure.name == rec["name"])
        ).one()
        ids.append(found.id)
    return ids


DEFAULT_SPECS = [
    {
        "code": "1.000001",
        "name": "Đăng ký khai sinh",
        "documents": [
            {"name": "Tờ khai đăng ký khai sinh", "originals": 1, "copies": 0,
             "certified_copies": None, "template": None, "case": None, "raw": None},
            {"name": "Bản sao giấy tờ tùy thân", "originals": 0, "copies": 1,
             "certified_copies": None, "template": None, "case": None, "raw": None},
        ],
    },
    {"code": "1.000002", "name": "+Cấp phép xây dựng", "field": "Xây dựng"},
    {"code": "1.000003", "name": "Thủ tục giữ nguyên", "field": "Đất đai"},
    {"code": "1.000004", "name": "Thủ tục bị thay thế", "field": "Hộ tịch"},
    {"code": "1.000005", "name": "Thủ tục thay thế mới", "status": "draft"},
    {"code": "1.000006", "name": "Thủ tục bị từ chối"},
]  # fmt: skip


def seed(engine) -> dict[str, Any]:
    """Users and six procedures committed; returns role → name and the procedure ids."""
    with session_scope(engine) as session:
        users = make_users(session)
        ids = make_procedures(session, DEFAULT_SPECS)
    return {"users": users, "procedures": ids}


def draft_plan(engine, world: dict[str, Any]) -> dict[str, int]:
    """A draft plan with amend, abolish, keep, replace and a to-be-rejected proposal."""
    rev = world["users"]["reviewer"]
    p = world["procedures"]
    out: dict[str, int] = {}
    with session_scope(engine) as s:
        plan = wf.create_plan(
            session=s, actor=rev, name="Phương án 2026", year=2026, agency_scope="UBND tỉnh X",
            programme="NQ66-2026",
        )  # fmt: skip
        out["plan"] = plan.id
        out["amend"] = wf.add_proposal(
            session=s, actor=rev, plan_id=plan.id, procedure_id=p[0], action="amend",
            option=AMEND_OPTION, content="Bỏ bản sao giấy tờ tùy thân; thời hạn 2 ngày",
            figures={"cost_before": 1_000_000, "cost_after": 400_000,
                     "deadline_before": 5, "deadline_after": 2},
            figures_source="Tính tay trong kiểm thử",
        ).id  # fmt: skip
        out["abolish"] = wf.add_proposal(
            session=s, actor=rev, plan_id=plan.id, procedure_id=p[1], action="abolish",
            option={"id": "bo", "action": "abolish", "reason": "Không còn cần thiết"},
            reason="-Không còn cần thiết", legal_change="@Bãi bỏ Điều 7",
            figures={"cost_before": 2_345_678, "cost_after": 0},
            figures_source="Tính tay trong kiểm thử",
        ).id  # fmt: skip
        out["keep"] = wf.add_proposal(
            session=s, actor=rev, plan_id=plan.id, procedure_id=p[2], action="keep",
            figures={"cost_before": 500_000, "cost_after": 500_000},
            figures_source="Tính tay trong kiểm thử",
        ).id  # fmt: skip
        out["replace"] = wf.add_proposal(
            session=s, actor=rev, plan_id=plan.id, procedure_id=p[3], action="replace",
            reason="Hợp nhất", replacement_procedure_id=p[4],
            figures={"cost_before": 300_000, "cost_after": 100_000},
            figures_source="Tính tay trong kiểm thử",
        ).id  # fmt: skip
        out["reject"] = wf.add_proposal(
            session=s, actor=rev, plan_id=plan.id, procedure_id=p[5], action="abolish",
            reason="Đề xuất chưa thuyết phục", figures={"cost_before": 10, "cost_after": 0},
            figures_source="Tính tay trong kiểm thử",
        ).id  # fmt: skip
    return out


# The law's sequence for the default plan (PROCESS.md §1 stages 4-6): adopted on 01/12/2026,
# the act issued on 15/12/2026 and in force on 31/12/2026, the công bố signed on 22/12/2026
# (07 working days before: 23, 24, 25, 28, 29, 30, 31 December).
ADOPTION_NUMBER, DECISION_NUMBER, ACT_NUMBER = "125/QĐ-UBND", "123/QĐ-UBND", "05/2026/TT-BTP"
ADOPTED_ON, ACT_ISSUED_ON = date(2026, 12, 1), date(2026, 12, 15)
PUBLISHED_ON, IN_FORCE_ON = date(2026, 12, 22), date(2026, 12, 31)


def enact_plan(
    engine,
    world: dict[str, Any],
    plan_id: int,
    *,
    adoption: str = ADOPTION_NUMBER,
    decision: str = DECISION_NUMBER,
    act: str = ACT_NUMBER,
    routes: dict[int, dict[str, Any]] | None = None,
    adopted_on: date = ADOPTED_ON,
    issued_on: date = ACT_ISSUED_ON,
    published_on: date = PUBLISHED_ON,
    in_force_on: date = IN_FORCE_ON,
    signer: str = "Nguyễn Văn A",
) -> dict[str, Any]:
    """A submitted plan whose proposals are decided, taken through the law's sequence.

    The chair adopts it (each proposal routed as ``routes`` says, else as a kiến nghị to
    Bộ Tư pháp), the reviewer records the act and links it to every routing (wholly),
    the chair publishes the list citing it, and the date in force is reached. Returns the
    adoption, act and decision ids and ``routings`` (proposal id → routing id).
    """
    rev, chair = world["users"]["reviewer"], world["users"]["chair"]
    out: dict[str, Any] = {}
    with session_scope(engine) as s:
        pending = [
            p.id
            for p in s.exec(select(wf.Proposal).where(wf.Proposal.plan_id == plan_id))
            if p.status == "approved" and p.action != "keep"
        ]
        given = routes or {}
        out["adoption"] = wf.adopt_plan(
            session=s, actor=chair, plan_id=plan_id, number=adoption, signed_on=adopted_on,
            signer=signer,
            routes={
                i: given.get(i, {"route": "recommendation", "addressee": "Bộ Tư pháp"})
                for i in pending
            },
        ).id  # fmt: skip
    with session_scope(engine) as s:
        out["act"] = wf.record_act(
            session=s, actor=rev, number=act, title="Thông tư sửa đổi, bãi bỏ thủ tục hành chính",
            issuer="Bộ Tư pháp", issued_on=issued_on, in_force_on=in_force_on,
        ).id  # fmt: skip
        routings = s.exec(select(Routing).where(Routing.adoption_id == out["adoption"]))
        out["routings"] = {r.proposal_id: r.id for r in routings}
        for routing_id in out["routings"].values():
            wf.link_act(
                session=s, actor=rev, act_id=out["act"], routing_id=routing_id, extent="whole"
            )
    with session_scope(engine) as s:
        out["decision"] = wf.publish_list(
            session=s, actor=chair, number=decision, signed_on=published_on, signer=signer,
            entries=[{"routing_id": r, "act_id": out["act"]} for r in out["routings"].values()],
        ).decision.id  # fmt: skip
    with session_scope(engine) as s:
        wf.apply_due_changes(session=s, actor=chair, today=in_force_on)
    return out


def published_plan(engine, world: dict[str, Any]) -> dict[str, int]:
    """The draft plan taken through submission, decisions and a return, then the law's
    sequence (:func:`enact_plan`): adopted with the abolition routed to the province (Sở
    Xây dựng drafts it), the others as kiến nghị to Bộ Tư pháp; in force on 31/12/2026."""
    ids = draft_plan(engine, world)
    rev, chair = world["users"]["reviewer"], world["users"]["chair"]
    with session_scope(engine) as s:
        wf.submit_plan(session=s, actor=rev, plan_id=ids["plan"])
    with session_scope(engine) as s:
        for key in ("abolish", "keep", "replace"):
            wf.decide_proposal(session=s, actor=chair, proposal_id=ids[key], verdict="approve")
        wf.decide_proposal(
            session=s, actor=chair, proposal_id=ids["reject"], verdict="reject", comment="Chưa đủ"
        )
        wf.decide_proposal(
            session=s, actor=chair, proposal_id=ids["amend"], verdict="return", comment="Bổ sung"
        )
    with session_scope(engine) as s:
        version = s.get(wf.Proposal, ids["amend"]).version
        wf.edit_proposal(
            session=s, actor=rev, proposal_id=ids["amend"], expected_version=version,
            updates={"reason": "Đã bổ sung lý do theo ý kiến"},
        )  # fmt: skip
        wf.submit_plan(session=s, actor=rev, plan_id=ids["plan"])
    with session_scope(engine) as s:
        wf.decide_proposal(session=s, actor=chair, proposal_id=ids["amend"], verdict="approve")
    routes = {
        ids["abolish"]: {"route": "province", "department": "Sở Xây dựng",
                         "due_on": date(2026, 12, 10)},
    }  # fmt: skip
    enacted = enact_plan(engine, world, ids["plan"], routes=routes)
    ids.update(adoption=enacted["adoption"], act=enacted["act"], decision=enacted["decision"])
    ids.update({f"r_{k}": enacted["routings"][ids[k]] for k in ("amend", "abolish", "replace")})
    return ids


# --------------------------------------------------------------------------- issue 12 cycle

# A costing sheet for procedure 0 ("Đăng ký khai sinh"), priced by hand in
# tests/test_workflow_cycle.py: 279.600.000 đ/năm before, 120.900.000 đ/năm after FULL_OPTION.
KHAI_SINH_SHEET = {
    "procedure": {"code": "1.000001", "name": "Đăng ký khai sinh"},
    "date": "2026-01-01",
    "subject": "citizen",
    "hourly_rate": 50000,
    "population": 1000,
    "frequency": 2,
    "channels": {"direct": 0.6, "online": 0.4},
    "deadline_days": {"direct": 5, "online": 3},
    "documents": [{"name": "Tờ khai đăng ký khai sinh"}, {"name": "Bản sao giấy tờ tùy thân"}],
    "fees": [{"name": "Lệ phí", "amount": 8000, "currency": "VND", "channels": ["direct"]}],
    "activities": [
        {"name": "Chuẩn bị tờ khai", "hours": 1, "document": "Tờ khai đăng ký khai sinh"},
        {"name": "Chuẩn bị bản sao", "hours": 0.5, "document": "Bản sao giấy tờ tùy thân"},
        {"name": "Nộp trực tiếp", "hours": 2, "channels": ["direct"]},
    ],
}

# Every kind of change the catalogue and the sheet hold: a document, a fee (to USD), the
# channel shares, the frequency and the deadline.
FULL_OPTION = {
    "id": "don-gian-hoa",
    "action": "amend",
    "changes": [
        {"type": "remove_document", "document": "Bản sao giấy tờ tùy thân",
         "reason": "Khai thác CSDL quốc gia về dân cư",
         "legal_change": "Sửa đổi khoản 1 Điều 9 Nghị định 123/2015/NĐ-CP"},
        {"type": "set_fee", "name": "Lệ phí", "amount": 10, "currency": "USD",
         "reason": "Thu theo mức quy định cho người nước ngoài"},
        {"type": "set_channels", "value": {"direct": 0.2, "online": 0.8},
         "reason": "Đẩy mạnh dịch vụ công trực tuyến"},
        {"type": "set_frequency", "value": 1, "reason": "Một lần thay vì hai"},
        {"type": "set_deadline", "days": 2, "channel": "all", "reason": "Rút ngắn thời hạn"},
    ],
}  # fmt: skip


def submitted_plan(engine, world, proposals, name="Phương án 2027", year=2027):
    """A submitted plan whose proposals ({key: add_proposal kwargs}) are all approved."""
    rev, chair = world["users"]["reviewer"], world["users"]["chair"]
    ids: dict[str, int] = {}
    with session_scope(engine) as s:
        plan = wf.create_plan(session=s, actor=rev, name=name, year=year, programme="NQ66")
        ids["plan"] = plan.id
        for key, kwargs in proposals.items():
            ids[key] = wf.add_proposal(session=s, actor=rev, plan_id=plan.id, **kwargs).id
        wf.submit_plan(session=s, actor=rev, plan_id=plan.id)
    with session_scope(engine) as s:
        for key in proposals:
            wf.decide_proposal(session=s, actor=chair, proposal_id=ids[key], verdict="approve")
    return ids
