"""A review year for the review tests: users, procedures with hand-computable sheets.

Costs (hourly rate 40.000 đ fixed on every sheet, so the parameters do not matter):

* 1.000001 Đăng ký khai sinh (Hộ tịch, Sở Tư pháp), 1.000 dossiers/year, direct only:
  tờ khai 1 h = 40.000; sao chụp bản sao 0,5 h + 2.000 = 22.000; nộp hồ sơ 2 h = 80.000;
  lệ phí 8.000 → 150.000 đ per execution → **150.000.000 đ/year**. Without the copy
  (remove_document drops its activity): 128.000 → **128.000.000 đ/year**; saving
  22.000.000 (14,67 %).
* 1.000002 Cấp phép xây dựng (Xây dựng, Sở Xây dựng): 1 h × 40.000 × 1 × 100 =
  **4.000.000 đ/year**, kept.
* 1.000003 Giao đất (Đất đai, Sở Tư pháp): 5 h × 40.000 = 200.000 × 2 × 10 =
  **4.000.000 đ/year**, abolished → 0.
* 1.000009 Thủ tục ngoài kế hoạch (Tư pháp khác): not in the plan.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from catalogue.costing.burden import save_sheet
from catalogue.cycle import review_plan as rp
from catalogue.registry.db import session_scope
from catalogue.registry.models import User
from tests.workflow_support import FAST_HASH, make_procedures, make_users

YEAR = 2027
SECOND_REVIEWER = "rita"

DOCS = [
    {"name": "Tờ khai đăng ký khai sinh", "originals": 1, "copies": 0,
     "certified_copies": None, "template": None, "case": None, "raw": None},
    {"name": "Bản sao giấy tờ tùy thân", "originals": 0, "copies": 1,
     "certified_copies": None, "template": None, "case": None, "raw": None},
]  # fmt: skip

SPECS = [
    {"code": "1.000001", "name": "Đăng ký khai sinh", "documents": DOCS},
    {"code": "1.000002", "name": "Cấp phép xây dựng", "field": "Xây dựng",
     "agency": "Sở Xây dựng"},
    {"code": "1.000003", "name": "Giao đất", "field": "Đất đai"},
    {"code": "1.000009", "name": "Thủ tục ngoài kế hoạch", "field": "Tư pháp khác"},
]  # fmt: skip

RATE = {"value": 40000, "source": "Giả định của bài kiểm thử", "method": "estimate"}
SHEETS = {
    "1.000001": {
        "subject": "citizen", "hourly_rate": RATE, "population": 1000, "frequency": 1,
        "channels": {"direct": 1}, "deadline_days": {"direct": 5},
        "documents": [{"name": "Tờ khai đăng ký khai sinh"},
                      {"name": "Bản sao giấy tờ tùy thân", "copies": 1}],
        "fees": [{"name": "Lệ phí", "amount": 8000}],
        "activities": [
            {"name": "Chuẩn bị tờ khai", "hours": 1, "document": "Tờ khai đăng ký khai sinh"},
            {"name": "Sao chụp giấy tờ", "hours": 0.5, "out_of_pocket": 2000,
             "document": "Bản sao giấy tờ tùy thân"},
            {"name": "Nộp hồ sơ", "hours": 2},
        ],
    },
    "1.000002": {"subject": "citizen", "hourly_rate": RATE, "population": 100, "frequency": 1,
                 "channels": {"direct": 1}, "activities": [{"name": "Nộp hồ sơ", "hours": 1}]},
    "1.000003": {"subject": "citizen", "hourly_rate": RATE, "population": 10, "frequency": 2,
                 "channels": {"direct": 1}, "activities": [{"name": "Nộp hồ sơ", "hours": 5}]},
}  # fmt: skip

# Every required answer of the form (and a few optional ones).
COMPLETE_ANSWERS = {
    "I.5": "Sở Tư pháp tỉnh Bình An",
    "II.1": "Quản lý hộ tịch",
    "II.3": False,
    "II.4": "có",
    "II.6": "không",
    "II.7": "Thủ tục cần thiết",
    "III.1": True,
    "III.2": "3",
    "III.3": False,
    "III.4": True,
    "IV.1": True,
    "IV.2": True,
    "IV.3": "Hợp pháp",
    "V.1": True,
    "VI.1": "amend",
    "VI.4": "Nguyễn Thị Rà Soát",
}

COMPONENTS_1 = [
    {"key": "document:1", "reasonable": True},
    {
        "key": "document:2",
        "reasonable": False,
        "reason": "Khai thác Cơ sở dữ liệu quốc gia về dân cư",
        "proposal": "Bỏ bản sao giấy tờ tùy thân",
        "legal_change": "Sửa đổi khoản 1 Điều 9 Nghị định 123/2015/NĐ-CP",
        "change": {"type": "remove_document"},
    },
    {"key": "deadline:direct", "reasonable": True},
    {"key": "fee:direct:1", "reasonable": True},
    {"key": "deadline:online", "reasonable": True},
    {"key": "fee:online:1", "reasonable": True},
]


def review_world(engine, *, approve: bool = True) -> dict[str, Any]:
    """Users, the four procedures, their sheets and the year's plan (approved by default)."""
    with session_scope(engine) as s:
        users = make_users(s)
        s.add(User(username=SECOND_REVIEWER, role="reviewer", password_hash=FAST_HASH))
        s.flush()
        ids = make_procedures(s, SPECS)
        codes = dict(zip([spec["code"] for spec in SPECS], ids, strict=True))
        for code, sheet in SHEETS.items():
            content = {"procedure": {"code": code}, "date": date(2027, 1, 1), **sheet}
            save_sheet(
                session=s, actor=users["reviewer"], procedure_id=codes[code], content=content
            )
        plan = rp.draft_review_plan(
            session=s, actor=users["reviewer"], year=YEAR, title="Kế hoạch rà soát năm 2027"
        )
        common = {"agency": "Sở Tư pháp", "start_on": date(2027, 3, 1), "end_on": date(2027, 6, 30)}
        rp.add_plan_item(session=s, actor=users["reviewer"], plan_id=plan.id, code="1.000001",
                         grounds="Nhiều phản ánh", tags=["complaints"], product="Phương án",
                         coordinating=["Công an tỉnh"], **common)  # fmt: skip
        rp.add_plan_item(session=s, actor=users["reviewer"], plan_id=plan.id, code="1.000002",
                         grounds="Chi phí cao", tags=["high_burden"], **common)  # fmt: skip
        rp.add_plan_item(session=s, actor=users["reviewer"], plan_id=plan.id, field="Đất đai",
                         grounds="Chương trình cắt giảm", tags=["programme"], **common)  # fmt: skip
        if approve:
            rp.approve_review_plan(session=s, actor=users["chair"], plan_id=plan.id,
                                   number="15/QĐ-UBND", approved_on=date(2027, 1, 20))  # fmt: skip
    return {"users": users, "codes": codes, "plan": plan.id}


def one_procedure_review_plan(
    session, *, year: int, code: str, title: str, grounds: str, approved_on: date | None
) -> int:
    """A review plan of ``year`` with the procedure ``code`` (Sở Tư pháp, 01/03–30/06,
    high burden), approved by the chair under 15/QĐ-UBND on ``approved_on`` when given
    (else left a draft); its id. Actors: the demo accounts ``reviewer`` and ``chair``."""
    plan = rp.draft_review_plan(session=session, actor="reviewer", year=year, title=title)
    rp.add_plan_item(
        session=session,
        actor="reviewer",
        plan_id=plan.id,
        code=code,
        agency="Sở Tư pháp",
        start_on=date(year, 3, 1),
        end_on=date(year, 6, 30),
        grounds=grounds,
        tags=["high_burden"],
    )
    if approved_on is not None:
        rp.approve_review_plan(
            session=session, actor="chair", plan_id=plan.id, number="15/QĐ-UBND",
            approved_on=approved_on,
        )  # fmt: skip
    return plan.id
