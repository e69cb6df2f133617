"""Matching a local list to national codes: scores, ambiguity, reviews, write-back."""

from __future__ import annotations

import csv
import random

import pytest
from openpyxl import Workbook, load_workbook

from catalogue.quality.matching import (
    MatchError,
    ReviewDecision,
    accepted_codes,
    auto_decisions,
    match_file,
    match_names,
    read_local_list,
    write_back,
)
from catalogue.quality.search import SearchIndex
from tests.match_support import SMALL
from tests.people_typing import typed, without_accents


@pytest.fixture
def index():
    return SearchIndex.build(SMALL)


def test_match_names_scores_and_status(index):
    results = match_names(
        [
            "Chung thuc di chuc",  # accents lost: a clear match
            "Cấp giấy phép môi trường",  # Bộ or tỉnh? a person decides
            "Cấp giấy phép môi trường (cấp tỉnh)",  # the note decides
            "Nuôi trồng thủy sản ở hồ",  # not in the catalogue
            "",
        ],
        index,
        rows=[2, 3, 4, 5, 6],
    )
    status = {r.row: r.status for r in results}
    assert status == {2: "matched", 3: "ambiguous", 4: "matched", 5: "no_match", 6: "no_match"}
    assert results[0].best.code == "2.001019" and results[0].best.score == 100.0
    assert {c.code for c in results[1].candidates[:2]} == {"1.010719", "1.010727"}
    assert results[2].best.code == "1.010727"
    assert results[0].as_dict()["candidates"][0]["code"] == "2.001019"


def test_one_candidate_per_code_and_top_k(index):
    (result,) = match_names(["dang ky ket hon"], index, top_k=2)
    codes = [c.code for c in result.candidates]
    assert codes[0] == "1.000894" and len(codes) == 2 and len(set(codes)) == 2


def test_margin_is_configurable(index):
    (strict,) = match_names(["dang ky ket hon"], index, margin=0)
    (loose,) = match_names(["dang ky ket hon"], index, margin=50)
    assert strict.status == "matched" and loose.status == "ambiguous"


def test_review_decisions(index):
    results = match_names(["Chung thuc di chuc", "Cấp giấy phép môi trường"], index)
    auto = auto_decisions(results)
    assert [(d.row, d.code) for d in auto] == [(0, "2.001019")]
    decisions = [
        *auto,
        ReviewDecision(1, "accept", "1.010727", "reviewer"),
        ReviewDecision(0, "reject"),
    ]
    assert accepted_codes(results, decisions) == {0: None, 1: "1.010727"}
    with pytest.raises(ValueError):
        accepted_codes(results, [ReviewDecision(9, "reject")])
    with pytest.raises(ValueError):
        ReviewDecision(0, "accept")


def write_csv(path, rows):
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def test_csv_round_trip_never_touches_the_input(index, tmp_path):
    src = write_csv(
        tmp_path / "local.csv",
        [["STT", "Tên thủ tục"], ["1", "Chung thuc di chuc"], ["2", ""], ["3", "=cmd()"]],
    )
    before = src.read_bytes()
    local = read_local_list(src, "ten thu tuc")
    assert (local.rows, local.names) == ([2, 4], ["Chung thuc di chuc", "=cmd()"])
    results = match_file(src, "Tên thủ tục", index)
    out = write_back(
        src, tmp_path / "out.csv", "Tên thủ tục", accepted_codes(results, auto_decisions(results))
    )
    assert src.read_bytes() == before
    rows = list(csv.reader(out.read_text(encoding="utf-8").splitlines()))
    assert rows[0][-1] == "ma_tthc_de_xuat"
    assert [r[-1] for r in rows[1:]] == ["2.001019", "", ""]
    with pytest.raises(MatchError):
        write_back(src, src, "Tên thủ tục", {})


def test_excel_with_banner_row(index, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH THỦ TỤC HÀNH CHÍNH"])
    ws.append(["Mã số", "Tên"])
    ws.append([None, "Cấp GCN giáo viên dạy thực hành lái xe"])
    ws.append([None, "Cap giay phep moi truong"])
    src = tmp_path / "local.xlsx"
    wb.save(src)
    before = src.read_bytes()
    results = match_file(src, "Tên", index)
    assert [r.row for r in results] == [3, 4]
    assert results[0].best.code == "1.001765"
    codes = accepted_codes(results, [ReviewDecision(4, "accept", "1.010719")])
    write_back(src, tmp_path / "out.xlsx", "Tên", codes)
    assert src.read_bytes() == before
    out = load_workbook(tmp_path / "out.xlsx").active
    assert out.cell(2, 3).value == "ma_tthc_de_xuat"
    assert [out.cell(r, 3).value for r in (3, 4)] == [None, "1.010719"]


def test_bad_inputs(index, tmp_path):
    src = write_csv(tmp_path / "a.csv", [["Tên"], ["x"]])
    with pytest.raises(MatchError):
        match_file(src, "Không có", index)
    with pytest.raises(MatchError):
        match_file(tmp_path / "missing.csv", "Tên", index)


def test_typing_slips_are_deterministic():
    name = "Cấp Giấy chứng nhận giáo viên dạy thực hành lái xe"
    assert without_accents(name) == "Cap Giay chung nhan giao vien day thuc hanh lai xe"
    a = typed(name, "mixed", random.Random(1))
    assert a == typed(name, "mixed", random.Random(1)) and a != name
    assert typed(name, "abbreviated", random.Random(1)).startswith("Cấp GCN")
    assert typed("Trả lại khu vực biển (cấp tỉnh)", "shifted_space", random.Random(3)) != (
        "Trả lại khu vực biển (cấp tỉnh)"
    )
    assert typed("Khai", "missing_space", random.Random(1)) is None
