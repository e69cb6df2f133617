"""Every conclusion of a review makes a proposal and a cost form (issue 11, on SQLite and
PostgreSQL): keep, abolish, replace (the successor's sheet is the "after"), amend from
the components' typed changes and/or the reviewer's sheet after simplification.

Expected figures are worked out by hand below (TT 02/2017 Điều 27: hours × rate ×
people + out-of-pocket, plus fees, per execution; × frequency × population per year),
from the sheets of ``tests/review_support.py`` (rate 40.000 đ/h, one channel, direct):

* 1.000001 now: tờ khai 1 h × 40.000 = 40.000; sao chụp 0,5 h × 40.000 + 2.000 =
  22.000; nộp hồ sơ 2 h × 40.000 = 80.000; lệ phí 8.000 → 150.000 đ × 1 × 1.000 =
  **150.000.000 đ/year**.
* AFTER_ONLY (the after sheet alone): nộp hồ sơ 2 → 1 h = 40.000; lệ phí 8.000 → 5.000;
  population 1.000 → 800: 40.000 + 22.000 + 40.000 + 5.000 = 107.000 × 800 =
  **85.600.000**; saving 64.400.000; 64.400.000 ÷ 150.000.000 = **42,93 %**.
* typed remove_document (the copy and its 22.000 activity go) and an after sheet that
  also sets the population to 800: 128.000 × 800 = **102.400.000**.
* SUCCESSOR 1.000009 (replacing 1.000001): 1 h × 40.000 = 40.000 × 1 × 1.000 =
  **40.000.000**; saving 110.000.000; 110 ÷ 150 = **73,33 %**.
* 1.000003 abolished: 5 h × 40.000 = 200.000 × 2 × 10 = **4.000.000** → 0.
* 1.000002 kept: 1 h × 40.000 × 1 × 100 = **4.000.000** both before and after.
"""

from __future__ import annotations

import copy
import io
from datetime import date

import docx
import openpyxl
import pytest

from catalogue import cycle as wf
from catalogue.costing.burden import save_sheet
from catalogue.cycle import review as rv
from catalogue.cycle import review_option as ro
from catalogue.cycle.review_option import AMEND_WITHOUT_CHANGES, AfterSheetRefused
from catalogue.documents.review_docs import export_review_document
from catalogue.registry.db import session_scope
from catalogue.registry.errors import ServiceError
from catalogue.registry.models import Proposal, Review
from tests.review_support import COMPLETE_ANSWERS, COMPONENTS_1, RATE, SHEETS, YEAR, review_world

REASONABLE = [{"key": c["key"], "reasonable": True} for c in COMPONENTS_1]
FEE_TOO_HIGH = {"key": "fee:direct:1", "reasonable": False, "reason": "Lệ phí cao hơn chi phí",
                "legal_change": "Sửa đổi Nghị quyết lệ phí"}  # fmt: skip
SUCCESSOR = {"subject": "citizen", "hourly_rate": RATE, "population": 1000, "frequency": 1,
             "channels": {"direct": 1},
             "activities": [{"name": "Nộp hồ sơ", "hours": 1}]}  # fmt: skip


def _after(**changes):
    """The sheet of 1.000001 as typed for after simplification, with ``changes``."""
    sheet = copy.deepcopy(SHEETS["1.000001"])
    sheet.update({"procedure": {"code": "1.000001"}, "date": date(2027, 1, 1)})
    for key, value in changes.items():
        sheet[key] = value
    return sheet


AFTER_ONLY = _after(
    population=800,
    fees=[{"name": "Lệ phí", "amount": 5000}],
    activities=[
        {"name": "Chuẩn bị tờ khai", "hours": 1, "document": "Tờ khai đăng ký khai sinh"},
        {"name": "Sao chụp giấy tờ", "hours": 0.5, "out_of_pocket": 2000,
         "document": "Bản sao giấy tờ tùy thân"},
        {"name": "Nộp hồ sơ", "hours": 1},
    ],
)  # fmt: skip


@pytest.fixture
def world(engine):
    world = review_world(engine)
    with session_scope(engine) as s:
        content = {"procedure": {"code": "1.000009"}, "date": date(2027, 1, 1), **SUCCESSOR}
        save_sheet(session=s, actor=world["users"]["reviewer"],
                   procedure_id=world["codes"]["1.000009"], content=content)  # fmt: skip
        world["plan_id"] = wf.create_plan(session=s, actor=world["users"]["reviewer"],
                                          name="Phương án 2027", year=YEAR).id  # fmt: skip
    return world


def _review(engine, world, answers, components=None, code="1.000001", after=None) -> int:
    """A reviewed form (every component reasonable unless ``components`` says otherwise)."""
    with session_scope(engine) as s:
        if components is None:
            parts = rv.registry_components(session=s, procedure_id=world["codes"][code])
            components = [{"key": c["key"], "reasonable": True} for c in parts]
        review = rv.fill_review(
            session=s, actor=world["users"]["reviewer"],
            data={"procedure": code, "year": YEAR, "answers": {**COMPLETE_ANSWERS, **answers},
                  "components": components, "reviewed": True},
        )  # fmt: skip
        if after is not None:
            ro.save_after_sheet(
                session=s, actor=world["users"]["reviewer"],
                procedure_id=world["codes"][code], year=YEAR, content=after,
            )  # fmt: skip
        return review.id


def _propose(engine, world, review_id) -> Proposal:
    with session_scope(engine) as s:
        p = rv.propose_from_review(session=s, actor=world["users"]["reviewer"],
                                   review_id=review_id, plan_id=world["plan_id"])  # fmt: skip
        s.expunge(p)
        return p


def _export(engine, world, kind, code):
    with session_scope(engine) as s:
        return export_review_document(session=s, actor=world["users"]["analyst"], kind=kind,
                                      year=YEAR, code=code)[0]  # fmt: skip


def _comparison(data: bytes) -> list[tuple]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Chi phí hiện tại", "Sau đơn giản hóa", "So sánh"]
    return [r for r in wb["So sánh"].iter_rows(min_row=6, values_only=True)]


def _word(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    return "\n".join([p.text for p in document.paragraphs]
                     + [" | ".join(c.text for c in r.cells) for t in document.tables
                        for r in t.rows])  # fmt: skip


def test_amend_without_a_typed_change_is_refused_by_name(engine, world):
    review_id = _review(engine, world, {"VI.1": "amend"}, REASONABLE)
    with pytest.raises(ServiceError) as refused:
        _propose(engine, world, review_id)
    message = str(refused.value)
    assert message == AMEND_WITHOUT_CHANGES
    assert message.startswith("Kết luận sửa đổi, bổ sung nhưng chưa có thành phần nào được "
                              "đánh giá là chưa hợp lý")  # fmt: skip
    for kind in ("cost", "cost_word"):
        with pytest.raises(ServiceError, match="chưa có thành phần nào"):
            _export(engine, world, kind, "1.000001")
    with session_scope(engine) as s:
        assert s.get(Review, review_id).proposal_id is None


def test_amend_from_the_after_sheet_only(engine, world):
    components = [*REASONABLE[:3], FEE_TOO_HIGH, *REASONABLE[4:]]
    answers = {"VI.1": "amend", "VI.3": "Giảm thời gian nộp hồ sơ"}
    review_id = _review(engine, world, answers, components, after=AFTER_ONLY)
    p = _propose(engine, world, review_id)
    assert p.option["action"] == "amend"
    # Each change of the sheet as a typed change; the fee's reason is the fee component's.
    assert p.option["changes"] == [
        {"type": "set_activity", "name": "Nộp hồ sơ", "hours": 1,
         "reason": "Giảm thời gian nộp hồ sơ"},
        {"type": "set_fee", "name": "Lệ phí", "amount": 5000, "reason": "Lệ phí cao hơn chi phí",
         "legal_change": "Sửa đổi Nghị quyết lệ phí"},
        {"type": "set_population", "value": 800, "reason": "Giảm thời gian nộp hồ sơ"},
    ]  # fmt: skip
    assert (p.cost_before, p.cost_after, p.savings) == (150_000_000, 85_600_000, 64_400_000)
    assert p.cut_rate == pytest.approx(42.93)
    assert p.figures_source.startswith("model")  # from the cost model, not typed
    assert p.reason == "Lệ phí cao hơn chi phí; Giảm thời gian nộp hồ sơ"
    assert _comparison(_export(engine, world, "cost", "1.000001")) == [
        ("Chi phí hiện tại", 150_000_000), ("Sau đơn giản hóa", 85_600_000),
        ("Chi phí tiết kiệm", 64_400_000)]  # fmt: skip


def test_typed_changes_and_the_after_sheet_together_count_each_change_once(engine, world):
    after = _after(
        population=800,
        documents=[{"name": "Tờ khai đăng ký khai sinh"}],
        activities=[{"name": "Chuẩn bị tờ khai", "hours": 1,
                     "document": "Tờ khai đăng ký khai sinh"}, {"name": "Nộp hồ sơ", "hours": 2}],
    )  # fmt: skip
    review_id = _review(engine, world, {"VI.1": "amend"}, COMPONENTS_1, after=after)
    p = _propose(engine, world, review_id)
    assert [c["type"] for c in p.option["changes"]] == ["remove_document", "set_population"]
    assert (p.cost_before, p.cost_after) == (150_000_000, 102_400_000)


def test_an_after_sheet_no_change_type_can_say_is_refused_whole(engine, world):
    review_id = _review(engine, world, {"VI.1": "amend"}, REASONABLE)
    new_fee = _after(fees=[{"name": "Lệ phí", "amount": 8000}, {"name": "Phí mới", "amount": 1}])
    with session_scope(engine) as s:
        version = s.get(Review, review_id).version
    with session_scope(engine) as s, pytest.raises(AfterSheetRefused, match="'Phí mới'"):
        ro.save_after_sheet(
            session=s, actor=world["users"]["reviewer"],
            procedure_id=world["codes"]["1.000001"], year=YEAR, content=new_fee,
        )  # fmt: skip
    with session_scope(engine) as s:
        stored = s.get(Review, review_id)
        assert (stored.after_sheet, stored.version) == (None, version)


def test_replace_prices_the_successor_from_its_sheet(engine, world):
    answers = {"VI.1": "replace", "VI.2": "1.000009", "VI.3": "Thay bằng thủ tục trực tuyến"}
    review_id = _review(engine, world, answers, REASONABLE)
    p = _propose(engine, world, review_id)
    assert (p.action, p.replacement_procedure_id) == ("replace", world["codes"]["1.000009"])
    assert (p.cost_before, p.cost_after, p.savings) == (150_000_000, 40_000_000, 110_000_000)
    assert p.cut_rate == pytest.approx(73.33)
    assert p.reason == "Thay bằng thủ tục trực tuyến"
    data = _export(engine, world, "cost", "1.000001")
    assert _comparison(data) == [("Chi phí hiện tại", 150_000_000),
                                 ("Sau đơn giản hóa", 40_000_000),
                                 ("Chi phí tiết kiệm", 110_000_000)]  # fmt: skip
    after = openpyxl.load_workbook(io.BytesIO(data))["Sau đơn giản hóa"]
    assert "mã 1.000009" in after["A3"].value  # the note names the successor
    assert [r[1] for r in after.iter_rows(min_row=6, values_only=True)][0] == "Nộp hồ sơ"
    text = _word(_export(engine, world, "cost_word", "1.000001"))
    assert "Chi phí tiết kiệm: 110.000.000 đồng/năm; tỷ lệ cắt giảm 73,33 %." in text


def test_abolish_and_keep_cost_forms(engine, world):
    _review(engine, world, {"VI.1": "abolish", "VI.3": "Không còn cần thiết"}, code="1.000003")
    _review(engine, world, {"VI.1": "keep"}, code="1.000002")
    abolished = _export(engine, world, "cost", "1.000003")
    assert _comparison(abolished) == [("Chi phí hiện tại", 4_000_000), ("Sau đơn giản hóa", 0),
                                      ("Chi phí tiết kiệm", 4_000_000)]  # fmt: skip
    after = list(openpyxl.load_workbook(io.BytesIO(abolished))["Sau đơn giản hóa"]
                 .iter_rows(min_row=6, values_only=True))  # fmt: skip
    assert len(after) == 1 and after[0][6] == 0  # the totals row only
    assert _comparison(_export(engine, world, "cost", "1.000002")) == [
        ("Chi phí hiện tại", 4_000_000), ("Sau đơn giản hóa", 4_000_000),
        ("Chi phí tiết kiệm", 0)]  # fmt: skip
    kept = _word(_export(engine, world, "cost_word", "1.000002"))
    assert "không đề xuất đơn giản hóa" in kept
    assert "Chi phí tiết kiệm: 0 đồng/năm; tỷ lệ cắt giảm 0,00 %." in kept
    abolished_text = _word(_export(engine, world, "cost_word", "1.000003"))
    assert "Chi phí tuân thủ sau đơn giản hóa: 0 đồng/năm;" in abolished_text
