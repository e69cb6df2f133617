"""The portal readers on the real shared data, and on small broken files.

Parse coverage against an independent reading of the raw text is in
``tests/test_portal_independent_reading.py``.
"""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

from catalogue.registry.errors import ImportFailed
from catalogue.sources.portal import (
    parse_portal_record,
    read_portal_excel,
    read_portal_file,
    read_portal_jsonl,
)

DATA = Path(__file__).resolve().parents[1].parent / "shared/data/portal"
JSONL = DATA / "procedures.jsonl.gz"
EXCEL_ROWS = {
    "danh-sach-tthc-BoTaiChinh.xlsx": 706,
    "danh-sach-tthc-BoTuPhap.xlsx": 271,
    "danh-sach-tthc-BoXayDung.xlsx": 525,
    "danh-sach-tthc-NongNghiepvaMoiTruong.xlsx": 537,
}


def need(path: Path) -> Path:
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"real data missing under CI: {path}")
        pytest.skip(f"real data not available: {path}")
    return path


@pytest.fixture(scope="module")
def portal_records():
    """(raw object, parsed record) for every line of the real file, read once."""
    need(JSONL)
    parsed = read_portal_jsonl(JSONL)
    with gzip.open(JSONL, "rt", encoding="utf-8") as handle:
        raw = [json.loads(line) for line in handle]
    assert len(parsed) == len(raw)
    return [(obj, record) for obj, (_, record) in zip(raw, parsed, strict=True)]


def by_code(portal_records, code):
    return next(record for obj, record in portal_records if obj["ma_thu_tuc"] == code)


# Parse coverage is measured against an independent reading of the raw text in
# tests/test_portal_independent_reading.py (the parser's own cut and vocabulary used to
# judge it here).


def test_every_record_parses(portal_records):
    assert len(portal_records) == 2039
    for obj, record in portal_records:
        assert record["code"] == obj["ma_thu_tuc"] and record["name"]
        assert record["issuing_agency"] in {
            "Bộ Tài chính",
            "Bộ Nông nghiệp và Môi trường",
            "Bộ Xây dựng",
            "Bộ Tư pháp",
        }
        for channel in record["channels"]:
            for fee in channel["fees"]:
                assert fee["amount"] is None or fee["amount"] >= 0
                assert isinstance(fee["amount"], int | float | type(None))
        assert "Không có thông tin" not in {
            record[k] for k in ("agency", "result", "conditions", "field", "kind")
        }
        assert not record["result"] or "Từ khóa" not in record["result"]


def test_every_deadline_and_fee_keeps_its_raw_text(portal_records):
    for _, record in portal_records:
        for channel in record["channels"]:
            assert channel["raw"]
            for fee in channel["fees"]:
                assert fee["raw"] and fee["raw"] in channel["raw"]
            if channel["deadline"]["raw"]:
                assert channel["deadline"]["raw"] in channel["raw"]
        for item in record["flags"]:
            assert set(item) == {"kind", "field", "message", "raw"}


# ---------------------------------------------------------------- spot checks


def test_spot_multi_level_bare_deadline_subjects_and_result(portal_records):
    record = by_code(portal_records, "1.000025")
    assert record["levels"] == ["ministry", "province", "other"]
    assert record["subjects"] == [
        "Doanh nghiệp có vốn đầu tư nước ngoài",
        "Tổ chức (không bao gồm doanh nghiệp, HTX)",
        "Doanh nghiệp",
        "Hợp tác xã",
    ]
    assert record["issuing_agency"] == "Bộ Nông nghiệp và Môi trường"
    assert record["agency"] == "Cơ quan chủ quản" and record["conditions"] is None
    assert record["decision"] == "379/QĐ-BNNMT"
    assert record["result"] == "Đề án sắp xếp, đổi mới các công ty nông, lâm nghiệp được phê duyệt"
    (channel,) = record["channels"]
    assert channel["kind"] == "direct"
    assert channel["deadline"] == {"value": 1, "unit": "unspecified", "raw": "1"}
    assert channel["fees"][0]["free"] is True
    assert [(b["number"], b["title"]) for b in record["legal_bases"]] == [
        ("118/2014/NĐ-CP", "Nghị định 118/2014/NĐ-CP"),
        ("02/2015/TT-BNNPTNT", "Thông tư 02/2015/TT-BNNPTNT"),
    ]
    assert [s["order"] for s in record["steps"]] == [1, 2, 3]
    assert record["documents"][0]["name"] == "Đề án sắp xếp, đổi mới của công ty nông, lâm nghiệp"


def test_spot_usd_fee_with_unknown_deadline(portal_records):
    record = by_code(portal_records, "1.003213")
    assert [c["kind"] for c in record["channels"]] == ["online", "postal", "direct"]
    for channel in record["channels"]:
        assert channel["deadline"]["value"] is None
        assert channel["deadline"]["raw"] == "Không có thông tin"
        (fee,) = channel["fees"]
        assert (fee["amount"], fee["currency"], fee["free"]) == (150, "USD", False)
        assert channel["description"].startswith("Mức lệ phí được quy đổi")
    assert record["documents"][0]["case"] == "Hồ sơ của người nhận con nuôi"


def test_spot_different_fees_per_channel_resolved_by_sibling(portal_records):
    record = by_code(portal_records, "2.002011")
    got = [
        (c["kind"], c["deadline"]["value"], c["fees"][0]["amount"], c["fees"][0]["kind"])
        for c in record["channels"]
    ]
    assert got == [
        ("online", 1, 100, "phi"),
        ("postal", 1, 100, "phi"),
        ("direct", 1, 25, "le_phi"),
    ]
    kinds = [f["kind"] for f in record["flags"]]
    assert kinds.count("deadline_fee_split") == 3
    assert "fee_amount_suspect" in kinds  # 100 VNĐ while the note says 100.000 đồng


def test_spot_glued_deadline_and_amount(portal_records):
    record = by_code(portal_records, "1.005103")
    channel = record["channels"][0]
    assert channel["kind"] == "online"
    assert channel["deadline"]["value"] == 1
    assert channel["fees"][0]["amount"] == 40000
    assert channel["fees"][0]["raw"] == "40,000 Việt Nam Đồng(- Xe ô tô từ 10 chỗ trở lên)"
    assert channel["description"].startswith("- Xe ô tô từ 10 chỗ trở lên\n- Thời hạn kiểm tra")


def test_spot_months_and_fee_unit(portal_records):
    record = by_code(portal_records, "1.002947")
    channel = record["channels"][0]
    assert (channel["deadline"]["value"], channel["deadline"]["unit"]) == (4, "months")
    assert (channel["fees"][0]["amount"], channel["fees"][0]["unit"]) == (2500000, "/lần")


def test_spot_case_sections_in_documents(portal_records):
    record = by_code(portal_records, "2.002011")
    cases = [d["case"] for d in record["documents"]]
    assert cases[0].startswith("(*) Trường hợp đăng ký thay đổi chủ sở hữu công ty")
    assert "Trường hợp đăng ký thay đổi thành viên hợp danh:" in cases
    assert len(set(cases)) >= 5
    assert record["levels"] == ["ministry", "province"]


# ---------------------------------------------------------------- Excel


@pytest.mark.parametrize(("name", "rows"), sorted(EXCEL_ROWS.items()))
def test_excel_exports(name, rows):
    records = read_portal_file(need(DATA / name))
    assert len(records) == rows
    assert records[0][0] == 3  # row 1 banner, row 2 header
    for _, record in records:
        assert record["code"] and record["name"] and record["levels"] == []
        # a list row alone is a stub: a draft (never costed) until its full record comes
        assert record["status"] == "draft"
        assert any(f["kind"] == "list_stub" for f in record["flags"])


def test_excel_spot_check_and_codes_match_jsonl(portal_records):
    records = dict(
        (record["code"], record)
        for _, record in read_portal_excel(need(DATA / "danh-sach-tthc-BoTuPhap.xlsx"))
    )
    record = records["1.000094"]
    assert record["name"] == "Thủ tục đăng ký kết hôn có yếu tố nước ngoài tại khu vực biên giới"
    assert (record["issuing_agency"], record["agency"], record["field"]) == (
        "Bộ Tư pháp",
        "Ủy ban nhân dân cấp xã",
        "Hộ tịch",
    )
    assert set(records) <= {obj["ma_thu_tuc"] for obj, _ in portal_records}


# ---------------------------------------------------------------- broken input

GOOD = {"ma_thu_tuc": "1.000001", "ten_thu_tuc": "Cấp phép", "cap_thuc_hien": "Cấp tỉnh"}


def write_lines(tmp_path, lines, name="p.jsonl", compress=False) -> Path:
    data = b"".join((line if isinstance(line, bytes) else line.encode()) + b"\n" for line in lines)
    path = tmp_path / name
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


def line(**fields) -> str:
    return json.dumps({**GOOD, **fields}, ensure_ascii=False)


def problems_of(path):
    with pytest.raises(ImportFailed) as caught:
        read_portal_file(path)
    return caught.value.problems


def where(problems):
    return [(p.line, p.field) for p in problems]


def test_gzip_and_plain_read_the_same(tmp_path):
    lines = [line(), line(ma_thu_tuc="1.000002")]
    plain = read_portal_file(write_lines(tmp_path, lines))
    packed = read_portal_file(write_lines(tmp_path, lines, "p.jsonl.gz", compress=True))
    assert plain == packed and [n for n, _ in plain] == [1, 2]


@pytest.mark.parametrize(
    ("bad", "field", "words"),
    [
        ('{"ma_thu_tuc": "1.000009", "ten_thu', None, "truncated"),
        ("{ma_thu_tuc: 1}", None, "invalid JSON"),
        (line(ten_thu_tuc="Cấp phép").encode()[:-2] + b'\xff\xfe"}', None, "UTF-8"),
        (line(ma_thu_tuc=""), "ma_thu_tuc", "required"),
        (json.dumps({"ma_thu_tuc": "1.000009"}), "ten_thu_tuc", "required"),
        (
            line(ma_thu_tuc="1.000009", cap_thuc_hien="Cấp tỉnh, Cấp thôn"),
            "cap_thuc_hien",
            "unknown level",
        ),
        (
            line(
                ma_thu_tuc="1.000009",
                cach_thuc_thuc_hien="Hình thức nộpThời gianPhí, lệ phíMô tả"
                "Trực tiếp5 Ngày làm việc-70,000 VNĐ",
            ),
            "cach_thuc_thuc_hien",
            "negative fee",
        ),
        (line(), "ma_thu_tuc", "duplicate"),
    ],
)
def test_each_bad_line_is_located(tmp_path, bad, field, words):
    path = write_lines(tmp_path, [line(), line(ma_thu_tuc="1.000002"), bad])
    (problem,) = problems_of(path)
    assert (problem.file, problem.line, problem.field) == (str(path), 3, field)
    assert words in problem.message


def test_all_problems_of_a_file_are_reported(tmp_path):
    path = write_lines(
        tmp_path,
        [
            line(),
            '{"ma_thu_tuc": "1.0',  # truncated
            line(ma_thu_tuc="1.000003", cap_thuc_hien="Cấp thôn"),  # unknown level
            line(ma_thu_tuc="1.000004", ten_thu_tuc=""),  # missing name
            line(),  # duplicate of line 1
        ],
        compress=True,
    )
    assert where(problems_of(path)) == [
        (2, None),
        (3, "cap_thuc_hien"),
        (4, "ten_thu_tuc"),
        (5, "ma_thu_tuc"),
    ]


@pytest.mark.parametrize("content", [b"", b"\n\n  \n", gzip.compress(b"", mtime=0)])
def test_empty_file(tmp_path, content):
    path = tmp_path / "empty.jsonl"
    path.write_bytes(content)
    (problem,) = problems_of(path)
    assert (problem.file, problem.line, problem.field) == (str(path), None, None)
    assert "empty" in problem.message


def test_excel_problems_name_row_and_column(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["DANH SÁCH THỦ TỤC HÀNH CHÍNH"])
    sheet.append(["Mã số", "Tên", "Cơ quan ban hành", "Cơ quan thực hiện", "Lĩnh vực"])
    sheet.append(["1.000001", "Cấp phép", "Bộ Tư pháp", "Sở Tư pháp", "Hộ tịch"])
    sheet.append(["1.000002", None, "Bộ Tư pháp", "Sở Tư pháp", "Hộ tịch"])
    sheet.append(["1.000001", "Cấp phép", "Bộ Tư pháp", "Sở Tư pháp", "Hộ tịch"])
    path = tmp_path / "list.xlsx"
    workbook.save(path)
    problems = problems_of(path)
    assert [(p.file, p.line, p.field) for p in problems] == [
        (str(path), 4, "Tên"),
        (str(path), 5, "Mã số"),
    ]


def test_parse_portal_record_never_raises_on_odd_values():
    record = parse_portal_record({"ma_thu_tuc": 12, "cach_thuc_thuc_hien": None, "x": [1]})
    assert record["code"] is None and record["channels"] == []
