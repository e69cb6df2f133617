"""``tthc review-plan`` and ``tthc review``: from the approved plan to a proposal, by CLI.

Figures are the hand-computed ones of ``tests/review_support.py``.
"""

from __future__ import annotations

import json

import pytest
import yaml
from sqlalchemy import func
from sqlmodel import select
from typer.testing import CliRunner

from catalogue.registry.db import make_engine, session_scope, upgrade
from catalogue.registry.models import Review
from tests.cli_auth import invoke
from tests.review_support import COMPLETE_ANSWERS, COMPONENTS_1, SHEETS, review_world

runner = CliRunner()


def run(*args: str, ok: bool = True):
    result = invoke(list(args))  # signs the --as user in (TTHC_USER/TTHC_PASSWORD)
    if ok:
        assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def db(tmp_path):
    url = f"sqlite:///{tmp_path / 'review.sqlite'}"
    engine = make_engine(url)
    upgrade(engine)
    review_world(engine, approve=False)
    engine.dispose()
    return url


def _reviews(db) -> int:
    engine = make_engine(db)
    with session_scope(engine) as s:
        count = s.exec(select(func.count()).select_from(Review)).one()
    engine.dispose()
    return count


def test_from_plan_to_proposal(db, tmp_path):
    added = run(
        "review-plan",
        "add",
        "--year",
        "2027",
        "--code",
        "1.000009",
        "--agency",
        "Sở Tư pháp",
        "--start",
        "01/03/2027",
        "--end",
        "30/06/2027",
        "--grounds",
        "Nhiều phản ánh",
        "--tag",
        "complaints",
        "--as",
        "ruth",
        "--db",
        db,
    )
    assert "mục 4" in added.stdout
    refused = run(
        "review-plan",
        "approve",
        "--year",
        "2027",
        "--number",
        "15/QĐ-UBND",
        "--date",
        "05/02/2027",
        "--as",
        "ruth",
        "--db",
        db,
        ok=False,
    )
    assert refused.exit_code == 1 and "plan.approve" in refused.output
    approved = run(
        "review-plan",
        "approve",
        "--year",
        "2027",
        "--number",
        "15/QĐ-UBND",
        "--date",
        "05/02/2027",
        "--as",
        "chau",
        "--db",
        db,
    )
    assert "phê duyệt muộn" in approved.stdout
    shown = json.loads(
        run("review-plan", "show", "--year", "2027", "--json", "--as", "an", "--db", db).stdout
    )
    assert shown["late"] is True and len(shown["items"]) == 4

    bad = tmp_path / "bad.yaml"
    bad.write_text(
        yaml.safe_dump(
            {"procedure": "1.000001", "year": 2027, "answers": {**COMPLETE_ANSWERS, "II.99": "?"}},
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    refused = run("review", "fill", str(bad), "--as", "ruth", "--db", db, ok=False)
    assert refused.exit_code == 1 and "Câu II.99: không có trong biểu rà soát" in refused.output
    assert _reviews(db) == 0

    good = tmp_path / "answers.json"
    good.write_text(
        json.dumps(
            {
                "procedure": "1.000001",
                "year": 2027,
                "answers": COMPLETE_ANSWERS,
                "components": COMPONENTS_1,
                "reviewed": True,
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    filled = json.loads(
        run("review", "fill", str(good), "--as", "ruth", "--db", db, "--json").stdout
    )
    assert filled["status"] == "reviewed"
    shown = json.loads(
        run(
            "review", "show", "1.000001", "--year", "2027", "--json", "--as", "an", "--db", db
        ).stdout
    )
    assert shown["review"]["conclusion"] == "amend" and shown["missing"] == []

    stale = tmp_path / "stale.yaml"
    stale.write_text(
        yaml.safe_dump(
            {"procedure": "1.000001", "year": 2027, "version": 1, "answers": {"II.7": "Khác"}},
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    refused = run("review", "fill", str(stale), "--as", "rita", "--db", db, ok=False)
    assert refused.exit_code == 1 and "trước bạn" in refused.output

    plan = json.loads(
        run(
            "plan",
            "new",
            "--name",
            "Phương án 2027",
            "--year",
            "2027",
            "--as",
            "ruth",
            "--db",
            db,
            "--json",
        ).stdout
    )["plan_id"]
    # The cost form's sheet after simplification: without the copy (as the typed change
    # says) and with 800 births a year instead of 1.000 (only in this sheet). Per
    # execution 128.000 đ (review_support): 128.000 × 800 = 102.400.000 đ/year.
    after = {**SHEETS["1.000001"], "procedure": {"code": "1.000001"}, "date": "2027-01-01",
             "population": 800, "documents": [{"name": "Tờ khai đăng ký khai sinh"}],
             "activities": [{"name": "Chuẩn bị tờ khai", "hours": 1,
                             "document": "Tờ khai đăng ký khai sinh"},
                            {"name": "Nộp hồ sơ", "hours": 2}]}  # fmt: skip
    (tmp_path / "after.yaml").write_text(yaml.safe_dump(after, allow_unicode=True), "utf-8")
    saved = json.loads(
        run("review", "after-sheet", "1.000001", str(tmp_path / "after.yaml"), "--year", "2027",
            "--as", "ruth", "--db", db, "--json").stdout
    )  # fmt: skip
    assert [c["type"] for c in saved["changes"]] == ["remove_document", "set_population"]
    proposed = json.loads(
        run(
            "review",
            "propose",
            "1.000001",
            "--year",
            "2027",
            "--plan",
            str(plan),
            "--as",
            "ruth",
            "--db",
            db,
            "--json",
        ).stdout
    )
    assert proposed["action"] == "amend"
    assert proposed["reason"] == "Khai thác Cơ sở dữ liệu quốc gia về dân cư"
    assert (proposed["cost_before"], proposed["cost_after"]) == (150_000_000, 102_400_000)
    assert proposed["savings"] == 47_600_000 and proposed["figures_source"].startswith("model")
    word = tmp_path / "cost.docx"
    run("review", "export", "cost_word", "--year", "2027", "--code", "1.000001", "-o", str(word),
        "--as", "an", "--db", db)  # fmt: skip
    assert word.read_bytes()[:2] == b"PK"

    report = json.loads(
        run("review", "report", "--year", "2027", "--json", "--as", "an", "--db", db).stdout
    )
    assert report["totals"]["reviewed"] == 1 and report["totals"]["amend"] == 1
    assert report["sentence"].startswith("Rà soát 1 TTHC, giữ nguyên 0, đề nghị đơn giản hóa 1")


def test_a_review_outside_the_plan_is_refused(db, tmp_path):
    run(
        "review-plan",
        "approve",
        "--year",
        "2027",
        "--number",
        "1/QĐ-UBND",
        "--date",
        "2027-01-15",
        "--as",
        "chau",
        "--db",
        db,
    )
    path = tmp_path / "a.yaml"
    path.write_text(
        yaml.safe_dump({"procedure": "1.000009", "year": 2027, "answers": {}}), encoding="utf-8"
    )
    refused = run("review", "fill", str(path), "--as", "ruth", "--db", db, ok=False)
    assert "không có trong kế hoạch rà soát năm 2027" in refused.output
    path.write_text(yaml.safe_dump({"procedure": "1.000001", "year": 2027, "extra": 1}))
    refused = run("review", "fill", str(path), "--as", "ruth", "--db", db, ok=False)
    assert "trường không hợp lệ extra" in refused.output
    bad_day = run(
        "review-plan",
        "add",
        "--year",
        "2027",
        "--code",
        "1.000009",
        "--agency",
        "A",
        "--start",
        "32/01/2027",
        "--end",
        "01/02/2027",
        "--grounds",
        "g",
        "--as",
        "ruth",
        "--db",
        db,
        ok=False,
    )
    assert bad_day.exit_code == 2 and "--start" in bad_day.output
    assert _reviews(db) == 0


@pytest.mark.parametrize("group", ["review-plan", "review"])
def test_review_commands_have_help(group):
    result = run(group, "--help")
    for name in (
        ("draft", "add", "seed", "approve", "show")
        if group == "review-plan"
        else ("fill", "show", "check", "propose", "report", "export")
    ):
        assert name in result.stdout
        assert run(group, name, "--help").stdout.strip()


def test_seed_from_priorities_and_export(db, tmp_path):
    seeded = run(
        "review-plan",
        "seed",
        "--year",
        "2027",
        "--top",
        "1",
        "--agency",
        "Sở Tư pháp",
        "--start",
        "01/03/2027",
        "--end",
        "30/06/2027",
        "--as",
        "ruth",
        "--db",
        db,
    )
    assert "Đã thêm 1 thủ tục" in seeded.stdout
    shown = json.loads(
        run("review-plan", "show", "--year", "2027", "--json", "--as", "an", "--db", db).stdout
    )
    assert len(shown["items"]) == 4 and shown["items"][3]["tags"] == ["priority"]
    assert shown["items"][3]["grounds"].startswith("Xếp hạng ưu tiên rà soát thứ ")
    out = tmp_path / "kh.docx"
    refused = run("review", "export", "plan", "--year", "2027", "-o", str(out), "--as", "an",
                  "--db", db, ok=False)  # fmt: skip
    assert refused.exit_code == 1 and "người đứng đầu cơ quan chủ trì" in refused.output
    run("profile", "set", "--province", "Hòa Sơn", "--authority", "Ủy ban nhân dân tỉnh Hòa Sơn",
        "--place", "Hòa Sơn", "--chair", "Đỗ Minh Quân", "--review-head", "Giám đốc Sở Tư pháp",
        "--archive", "VT, NC", "--as", "adam", "--db", db)  # fmt: skip
    run("review", "export", "plan", "--year", "2027", "-o", str(out), "--as", "an", "--db", db)
    assert out.read_bytes()[:2] == b"PK"
    refused = run("review", "export", "form", "--year", "2027", "--as", "an", "--db", db, ok=False)
    assert refused.exit_code == 2 and "--code" in refused.output
