"""The review plan, the review form and the year's report, on SQLite and PostgreSQL.

Expected figures are worked out by hand in ``tests/review_support.py``'s docstring.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func
from sqlmodel import select

from catalogue import cycle as wf
from catalogue.cycle import review as rv
from catalogue.cycle import review_plan as rp
from catalogue.cycle.review_report import review_report
from catalogue.registry.db import session_scope
from catalogue.registry.errors import ConcurrentEdit, PermissionDenied, ServiceError
from catalogue.registry.models import AuditLog, Proposal, Review, ReviewPlanItem
from tests.review_support import (
    COMPLETE_ANSWERS,
    COMPONENTS_1,
    SECOND_REVIEWER,
    YEAR,
    review_world,
)


@pytest.fixture
def world(engine):
    return review_world(engine)


def _counts(engine) -> tuple[int, int, int]:
    with session_scope(engine) as s:
        return (
            s.exec(select(func.count()).select_from(Review)).one(),
            s.exec(select(func.count()).select_from(AuditLog)).one(),
            s.exec(select(func.count()).select_from(ReviewPlanItem)).one(),
        )


def _fill(engine, world, code="1.000001", answers=None, components=None, reviewed=False):
    with session_scope(engine) as s:
        review = rv.fill_review(
            session=s, actor=world["users"]["reviewer"],
            data={"procedure": code, "year": YEAR, "answers": answers or {},
                  "components": components or [], "reviewed": reviewed},
        )  # fmt: skip
        return review.id, review.version


# --------------------------------------------------------------------------- the plan


def test_plan_is_approved_on_time_or_shown_late(engine):
    world = review_world(engine, approve=False)
    chair, rev = world["users"]["chair"], world["users"]["reviewer"]
    with session_scope(engine) as s, pytest.raises(PermissionDenied):
        rp.approve_review_plan(session=s, actor=rev, plan_id=world["plan"], number="1/QĐ-UBND",
                               approved_on=date(2027, 1, 2))  # fmt: skip
    with session_scope(engine) as s:
        plan = rp.approve_review_plan(session=s, actor=chair, plan_id=world["plan"],
                                      number="27/QĐ-UBND",
                                      approved_on=date(2027, 2, 1))  # fmt: skip
        assert rp.is_late(plan) is True  # 1 February is after 31 January
    with session_scope(engine) as s:
        shown = rp.show_review_plan(session=s, actor=world["users"]["analyst"], year=YEAR)
    assert shown["late"] is True and shown["number"] == "27/QĐ-UBND"
    assert [i["code"] or i["field"] for i in shown["items"]] == ["1.000001", "1.000002", "Đất đai"]
    assert shown["items"][0]["coordinating"] == ["Công an tỉnh"]
    assert shown["items"][2]["procedures"][0]["code"] == "1.000003"
    assert {i["progress"] for i in shown["items"]} == {"not_started"}
    with session_scope(engine) as s, pytest.raises(ServiceError, match="đã được phê duyệt"):
        rp.add_plan_item(session=s, actor=rev, plan_id=world["plan"], code="1.000009",
                         agency="X", start_on=date(2027, 3, 1), end_on=date(2027, 4, 1),
                         grounds="g")  # fmt: skip


def test_on_the_last_day_is_not_late(engine):
    world = review_world(engine, approve=False)
    with session_scope(engine) as s:
        plan = rp.approve_review_plan(session=s, actor=world["users"]["chair"],
                                      plan_id=world["plan"], number="2/QĐ-UBND",
                                      approved_on=date(2027, 1, 31))  # fmt: skip
        assert rp.is_late(plan) is False


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"code": "9.999999"}, "mã TTHC '9.999999' không có trong danh mục"),
        ({"code": "1.000009", "field": "Đất đai"}, "đúng một trong mã TTHC hoặc lĩnh vực"),
        ({"code": "1.000009", "end_on": date(2027, 2, 1)}, "ngày kết thúc phải sau"),
        ({"code": "1.000009", "tags": ["hot"]}, "nhãn căn cứ không hợp lệ: hot"),
        ({"code": "1.000009", "grounds": " "}, "thiếu căn cứ lựa chọn"),
        ({"code": "1.000001"}, "1.000001 đã có trong kế hoạch"),
    ],
)
def test_bad_items_are_refused_and_nothing_is_stored(engine, values, message):
    world = review_world(engine, approve=False)
    before = _counts(engine)
    args = {"agency": "Sở Tư pháp", "start_on": date(2027, 3, 1), "end_on": date(2027, 4, 1),
            "grounds": "Căn cứ", **values}  # fmt: skip
    with session_scope(engine) as s, pytest.raises(ServiceError, match=message):
        rp.add_plan_item(session=s, actor=world["users"]["reviewer"], plan_id=world["plan"], **args)
    assert _counts(engine) == before


def test_ranking_seeds_the_top_n_with_their_explanations(engine):
    world = review_world(engine, approve=False)
    ranking = [  # as review_priorities returns it; 1.000001 is already in the plan
        {"rank": 1, "code": "1.000001", "explanation": "chi phí cao"},
        {"rank": 2, "code": "1.000009", "explanation": "trễ hạn 30 %"},
        {"rank": 3, "code": None, "explanation": "không mã"},
        {"rank": 4, "code": "1.000003", "explanation": "nhiều giấy tờ"},
        {"rank": 5, "code": "1.000002", "explanation": "bị bỏ qua (đã đủ 2)"},
    ]
    with session_scope(engine) as s:
        added = rp.seed_from_ranking(
            session=s, actor=world["users"]["reviewer"], plan_id=world["plan"], ranking=ranking,
            top=2, agency="Sở Tư pháp", start_on=date(2027, 3, 1), end_on=date(2027, 5, 1),
        )  # fmt: skip
        got = [(i.code, i.grounds, i.tags, i.position) for i in added]
    assert got == [
        ("1.000009", "Xếp hạng ưu tiên rà soát thứ 2: trễ hạn 30 %", ["priority"], 4),
        ("1.000003", "Xếp hạng ưu tiên rà soát thứ 4: nhiều giấy tờ", ["priority"], 5),
    ]


# --------------------------------------------------------------------------- the form


def test_components_are_prefilled_from_the_registry(engine, world):
    with session_scope(engine) as s:
        parts = rv.registry_components(session=s, procedure_id=world["codes"]["1.000001"])
    assert [(c["key"], c["detail"]) for c in parts] == [
        ("document:1", "1 bản chính"),
        ("document:2", "1 bản sao"),
        ("deadline:direct", "5 Ngày làm việc"),
        ("fee:direct:1", "8.000 đồng/bản"),
        ("deadline:online", "3 Ngày làm việc"),
        ("fee:online:1", "Miễn phí"),
    ]
    assert parts[1]["label"] == "Thành phần hồ sơ: Bản sao giấy tờ tùy thân"


@pytest.mark.parametrize(
    ("answers", "components", "message"),
    [
        ({"II.9": "x"}, [], r"Câu II\.9: không có trong biểu rà soát"),
        ({"II.3": "có lẽ"}, [], r"Câu II\.3 \(Mục tiêu có thay đổi .*\): phải là có hoặc không"),
        ({"VI.1": "sửa"}, [], r"Câu VI\.1 \(Kết luận rà soát\): phải là một trong keep"),
        ({"III.2": "3.5"}, [], r"Câu III\.2 \(Thời hạn đề xuất .*\): '3.5' không phải số"),
        ({"II.1": ["a"]}, [], r"Câu II\.1 .*: phải là văn bản"),
        ({}, [{"key": "document:7", "reasonable": True}], r"bộ phận 'document:7' không có"),
        ({}, [{"key": "document:2", "reasonable": "maybe"}], r"reasonable: phải là có hoặc không"),
        ({}, [{"key": "document:2", "reasonable": False, "change": {"type": "drop"}}],
         r"change\.type: loại thay đổi không hợp lệ"),
        ({}, [{"key": "deadline:direct", "reasonable": False, "change": {"type": "set_deadline"}}],
         r"change\.days: missing"),
    ],
)  # fmt: skip
def test_bad_answers_are_refused_whole(engine, world, answers, components, message):
    before = _counts(engine)
    good = {"II.1": "Quản lý hộ tịch"}  # a valid answer in the same file is not stored either
    with pytest.raises(rv.AnswersRefused, match=message):
        _fill(engine, world, answers={**good, **answers}, components=components)
    assert _counts(engine) == before


def test_a_procedure_outside_the_approved_plan_is_refused(engine, world):
    before = _counts(engine)
    with pytest.raises(ServiceError, match="1.000009 không có trong kế hoạch rà soát năm 2027"):
        _fill(engine, world, code="1.000009", answers={"II.1": "x"})
    with pytest.raises(ServiceError, match="Năm 2028 chưa có kế hoạch rà soát được phê duyệt"):
        with session_scope(engine) as s:
            rv.save_review(session=s, actor=world["users"]["reviewer"],
                           procedure_id=world["codes"]["1.000001"], year=2028,
                           answers={})  # fmt: skip
    assert _counts(engine) == before


def test_an_unapproved_plan_admits_no_review(engine):
    world = review_world(engine, approve=False)
    with pytest.raises(ServiceError, match="chưa có kế hoạch rà soát được phê duyệt"):
        _fill(engine, world, answers={"II.1": "x"})


def test_saves_are_versioned_audited_and_stale_ones_refused(engine, world):
    review_id, version = _fill(engine, world, answers={"II.1": "Quản lý hộ tịch"})
    assert version == 1
    with session_scope(engine) as s:
        r = rv.save_review(session=s, actor=world["users"]["reviewer"],
                           procedure_id=world["codes"]["1.000001"], year=YEAR,
                           answers={"II.7": "Cần thiết"}, expected_version=1)  # fmt: skip
        assert r.version == 2
        # earlier answers are kept, section I is prefilled from the record
        assert r.answers["II.1"] == "Quản lý hộ tịch" and r.answers["I.1"] == "Đăng ký khai sinh"
        assert r.answers["I.4"] == "Nghị định 123/2015/NĐ-CP"
    before = _counts(engine)
    with pytest.raises(ConcurrentEdit), session_scope(engine) as s:
        rv.save_review(session=s, actor=SECOND_REVIEWER, procedure_id=world["codes"]["1.000001"],
                       year=YEAR, answers={"II.7": "Không cần"}, expected_version=1)  # fmt: skip
    assert _counts(engine) == before
    with session_scope(engine) as s:
        actions = s.exec(
            select(AuditLog.action).where(AuditLog.entity == "review").order_by(AuditLog.id)
        ).all()
        assert actions == ["review.create", "review.save"]
        assert s.get(Review, review_id).answers["II.7"] == "Cần thiết"


def test_cannot_be_marked_reviewed_with_a_required_answer_missing(engine, world):
    answers = {k: v for k, v in COMPLETE_ANSWERS.items() if k != "II.1"}
    with pytest.raises(rv.AnswersRefused) as refused:
        _fill(engine, world, answers=answers, components=COMPONENTS_1[:-1], reviewed=True)
    problems = refused.value.problems
    assert problems == [
        "Câu II.1 (Mục tiêu quản lý nhà nước của thủ tục hành chính): chưa trả lời "
        "(required answer missing)",
        "Câu III.components (Từng bộ phận tạo thành thủ tục hành chính có rõ ràng, cụ thể và "
        "hợp lý không?): chưa đánh giá bộ phận 'Phí, lệ phí (trực tuyến) 1'",
    ]
    assert _counts(engine)[0] == 0  # the whole file was refused: no review stored


def test_conditional_questions_are_required_only_when_they_apply(engine, world):
    answers = {**COMPLETE_ANSWERS, "III.1": False}
    answers.pop("III.2")
    review_id, _ = _fill(engine, world, answers=answers, components=COMPONENTS_1, reviewed=True)
    with session_scope(engine) as s:
        assert s.get(Review, review_id).status == "reviewed"
    with pytest.raises(rv.AnswersRefused, match=r"Câu VI\.2 \(Mã thủ tục hành chính thay thế"):
        _fill(engine, world, answers={"VI.1": "replace"}, reviewed=True)


def _reviewed_world(engine, world):
    """1.000001 amend, 1.000002 keep, 1.000003 abolish: all reviewed."""
    _fill(engine, world, answers=COMPLETE_ANSWERS, components=COMPONENTS_1, reviewed=True)
    keep = {**COMPLETE_ANSWERS, "VI.1": "keep"}
    with session_scope(engine) as s:
        parts = rv.registry_components(session=s, procedure_id=world["codes"]["1.000002"])
    _fill(engine, world, code="1.000002", answers=keep,
          components=[{"key": c["key"], "reasonable": True} for c in parts],
          reviewed=True)  # fmt: skip
    abolish = {**COMPLETE_ANSWERS, "VI.1": "abolish", "VI.3": "Không còn cần thiết"}
    _fill(engine, world, code="1.000003", answers=abolish,
          components=[{"key": c["key"], "reasonable": True} for c in parts],
          reviewed=True)  # fmt: skip


def test_from_review_to_proposal_with_the_reviews_reasons(engine, world):
    _reviewed_world(engine, world)
    rev = world["users"]["reviewer"]
    with session_scope(engine) as s:
        plan = wf.create_plan(session=s, actor=rev, name="Phương án 2027", year=YEAR)
        reviews = {r.procedure_id: r for r in s.exec(select(Review))}
        keep = reviews[world["codes"]["1.000002"]]
        with pytest.raises(ServiceError, match="giữ nguyên"):
            rv.propose_from_review(session=s, actor=rev, review_id=keep.id, plan_id=plan.id)
        amend = reviews[world["codes"]["1.000001"]]
        proposal = rv.propose_from_review(session=s, actor=rev, review_id=amend.id, plan_id=plan.id)
        plan_id, proposal_id = plan.id, proposal.id
    with session_scope(engine) as s:
        p = s.get(Proposal, proposal_id)
        assert p.action == "amend"
        assert p.reason == "Khai thác Cơ sở dữ liệu quốc gia về dân cư"
        assert p.content == "Bỏ bản sao giấy tờ tùy thân"
        assert p.legal_change == "Sửa đổi khoản 1 Điều 9 Nghị định 123/2015/NĐ-CP"
        assert p.option["changes"] == [{
            "type": "remove_document", "document": "Bản sao giấy tờ tùy thân",
            "reason": "Khai thác Cơ sở dữ liệu quốc gia về dân cư",
            "legal_change": "Sửa đổi khoản 1 Điều 9 Nghị định 123/2015/NĐ-CP",
        }]  # fmt: skip
        assert (p.cost_before, p.cost_after, p.savings) == (150_000_000, 128_000_000, 22_000_000)
        assert p.cut_rate == pytest.approx(14.67)
        assert s.get(Review, amend.id).proposal_id == proposal_id
        assert wf.show_plan(session=s, actor=rev, plan_id=plan_id)["proposals"][0]["id"] == p.id


def test_a_draft_review_cannot_be_proposed_and_checks_need_another_person(engine, world):
    review_id, _ = _fill(engine, world, answers={"II.1": "x"})
    rev = world["users"]["reviewer"]
    with session_scope(engine) as s:
        plan = wf.create_plan(session=s, actor=rev, name="P", year=YEAR)
        with pytest.raises(ServiceError, match="chưa hoàn thành"):
            rv.propose_from_review(session=s, actor=rev, review_id=review_id, plan_id=plan.id)
    review_id, _ = _fill(engine, world, answers=COMPLETE_ANSWERS, components=COMPONENTS_1,
                         reviewed=True)  # fmt: skip
    with session_scope(engine) as s, pytest.raises(ServiceError, match="phải khác người rà soát"):
        rv.check_review(session=s, actor=rev, review_id=review_id)
    with session_scope(engine) as s, pytest.raises(PermissionDenied):
        rv.check_review(session=s, actor=world["users"]["analyst"], review_id=review_id)
    with session_scope(engine) as s:
        assert rv.check_review(session=s, actor=SECOND_REVIEWER, review_id=review_id).status == (
            "checked"
        )


def test_progress_per_item(engine, world):
    with session_scope(engine) as s:
        shown = rp.show_review_plan(session=s, actor=world["users"]["analyst"], year=YEAR)
    assert [i["progress"] for i in shown["items"]] == ["not_started"] * 3
    _fill(engine, world, answers={"II.1": "x"})
    _reviewed_world(engine, world)
    with session_scope(engine) as s:
        review = s.exec(
            select(Review).where(Review.procedure_id == world["codes"]["1.000002"])
        ).one()
        rv.check_review(session=s, actor=SECOND_REVIEWER, review_id=review.id)
        shown = rp.show_review_plan(session=s, actor=world["users"]["analyst"], year=YEAR)
    got = [(i["progress"], i["conclusions"]) for i in shown["items"]]
    assert got == [
        ("reviewed", {"amend": 1}),
        ("checked", {"keep": 1}),
        ("reviewed", {"abolish": 1}),
    ]


def test_report_of_the_review_year(engine, world):
    _reviewed_world(engine, world)
    with session_scope(engine) as s:
        report = review_report(session=s, actor=world["users"]["analyst"], year=YEAR)
    assert report["sentence"] == (
        "Rà soát 3 TTHC, giữ nguyên 1, đề nghị đơn giản hóa 2 (sửa đổi, bổ sung 1; thay thế 0; "
        "bãi bỏ 1)"
    )
    t = report["totals"]
    # 150.000.000 + 4.000.000 + 4.000.000 before; 128.000.000 + 4.000.000 + 0 after
    assert (t["cost_before"], t["cost_after"], t["savings"]) == (
        158_000_000,
        132_000_000,
        26_000_000,
    )
    assert t["cut_rate"] == pytest.approx(16.46)  # 26 / 158 = 16,455… %
    by_agency = {r["agency"]: r for r in report["by_agency"]}
    assert {k: by_agency["Sở Tư pháp"][k] for k in ("reviewed", "amend", "abolish", "keep")} == {
        "reviewed": 2, "amend": 1, "abolish": 1, "keep": 0}  # fmt: skip
    assert (by_agency["Sở Tư pháp"]["cost_before"], by_agency["Sở Tư pháp"]["cost_after"]) == (
        154_000_000, 128_000_000)  # fmt: skip
    by_field = {r["field"]: r["reviewed"] for r in report["by_field"]}
    assert by_field == {"Hộ tịch": 1, "Xây dựng": 1, "Đất đai": 1}
