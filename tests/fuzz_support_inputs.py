"""Hypothesis strategies and file writers for the importer fuzz tests.

Each importer gets inputs built from a valid one with one to three fields replaced by a
hostile value (wrong type, huge or negative integer, NaN, control characters, text over
the field limit, deep nesting), plus whole-file nasties (alias bomb, nesting thousands
deep, impossible dates, 5.000-digit integers, truncated lines, bytes that are not UTF-8).
"""

from __future__ import annotations

import copy
import csv
import json
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from hypothesis import assume
from hypothesis import strategies as st

from catalogue.sources.formats import CSV_COLUMNS, SCALAR_KEYS, SHEETS
from catalogue.sources.limits import MAX_FIELD_CHARS
from catalogue.sources.portal import EXCEL_HEADER
from tests.factories import make_record

LONG = "x" * (MAX_FIELD_CHARS + 1)
ODD_TEXT = ["", " ", "=2+2", "\t=1", "a\x00b", "\x07", "\x1b[31m", "Không có thông tin", "-"]
texts = st.one_of(
    st.text(max_size=30),
    st.sampled_from(ODD_TEXT),
    st.just(LONG),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x1F), min_size=1, max_size=5),
)
numbers = st.one_of(
    st.integers(-(2**40), 2**40),
    st.integers(2**62, 2**70),
    st.integers(-(2**70), -(2**62)),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -1, 2**31, 2**53 + 1, 2**63, 1e17, 1e300]),
)
leaves = st.one_of(st.none(), st.booleans(), numbers, texts)


def _nest(depth: int) -> Any:
    value: Any = "đáy"
    for _ in range(depth):
        value = [value]
    return value


values = st.one_of(
    leaves,
    st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=4), inner, max_size=3)
        ),
        max_leaves=6,
    ),
    st.integers(60, 400).map(_nest),
)

# ---------------------------------------------------------------- own records

RECORD_PATHS: tuple[tuple, ...] = (
    *((k,) for k in ("code", "name", "field", "agency", "status", "decision", "result")),
    ("levels",),
    ("levels", 0),
    ("subjects",),
    ("subjects", 0),
    ("channels",),
    ("channels", 0),
    ("channels", 0, "kind"),
    ("channels", 0, "deadline"),
    ("channels", 0, "deadline", "value"),
    ("channels", 0, "deadline", "unit"),
    ("channels", 0, "fees"),
    ("channels", 0, "fees", 0, "amount"),
    ("channels", 0, "fees", 0, "free"),
    ("channels", 0, "fees", 0, "currency"),
    ("documents",),
    ("documents", 0, "name"),
    ("documents", 0, "copies"),
    ("documents", 0, "originals"),
    ("steps", 0),
    ("steps", 0, "order"),
    ("steps", 0, "text"),
    ("legal_bases", 0, "number"),
    ("volumes",),
    ("volumes", 0, "year"),
    ("volumes", 0, "received"),
    ("flags",),
    ("flags", 0),
)


def _base_record() -> dict[str, Any]:
    rec = make_record()
    rec["steps"] = rec.get("steps") or [{"order": 1, "text": "Nộp hồ sơ", "actor": None}]
    rec["legal_bases"] = rec.get("legal_bases") or [{"number": "1/2020/QH14", "title": "Luật"}]
    rec["volumes"] = [{"year": 2025, "received": 100, "resolved_on_time": 90}]
    rec["flags"] = [{"kind": "fee_unknown", "field": "fees", "message": "…", "raw": "?"}]
    return rec


def put(target: Any, path: tuple, value: Any) -> Any:
    """``target`` with the value at ``path`` replaced (in place where it exists)."""
    node = target
    for key in path[:-1]:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            return target
    try:
        node[path[-1]] = value
    except (IndexError, TypeError):
        pass
    return target


@st.composite
def records(draw) -> dict[str, Any]:
    """A valid record with one to three fields replaced by hostile values."""
    rec = _base_record()
    for path, value in draw(
        st.lists(st.tuples(st.sampled_from(RECORD_PATHS), values), min_size=1, max_size=3)
    ):
        put(rec, path, value)
    return rec


WHOLE_YAML = [
    "procedures: " + "[" * 3000 + "]" * 3000,
    "procedures:\n- name: A\n  decision: 2026-02-31\n",
    "procedures:\n- name: A\n  code: " + "9" * 5000 + "\n",
    "a: &a [x, x, x, x, x, x, x, x, x]\n"
    + "".join(
        f"{n}: &{n} [" + ",".join([f"*{p}"] * 9) + "]\n"
        for p, n in zip("abcdefg", "bcdefgh", strict=True)
    )
    + "procedures: [*h]\n",
    "procedures: [",
    "\ufeffprocedures: {}",
]
WHOLE_JSON = [
    '{"procedures": ' + "[" * 5000 + "]" * 5000 + "}",
    '{"procedures": [{"name": "A", "code": ' + "9" * 5000 + "}]}",
    '{"procedures": [{"name": NaN}]}',
    '{"procedures": [{"name": "A"',
    '{"procedures": [{"name": "\\ud800"}]}',
    "[]",
]


def write_own(path: Path, fmt: str, rec: dict[str, Any], whole: str | None) -> Path:
    """One record in the project's format ``fmt`` (json, yaml, csv, xlsx)."""
    path = path.with_suffix("." + fmt)
    if whole is not None and fmt in ("json", "yaml"):
        path.write_text(whole, encoding="utf-8", errors="surrogatepass")
        return path
    doc = {"format": "tthc-catalogue/1", "procedures": [rec]}
    if fmt == "json":
        path.write_text(json.dumps(doc, ensure_ascii=True), encoding="utf-8")
    elif fmt == "yaml":
        try:
            text = yaml.safe_dump(doc, allow_unicode=True)
        except (yaml.YAMLError, RecursionError):
            assume(False)
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
    elif fmt == "csv":
        write_csv_cells(path, list(CSV_COLUMNS), [_procedure_row(rec)[1:-1]])
    else:
        write_workbook(path, _workbook_sheets(rec))
    return path


def _joined(value: Any, sep: str) -> Any:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return sep.join(value)
    return value


def _procedure_row(rec: dict[str, Any]) -> list[Any]:
    """procedure_no, the scalar keys, levels, subjects, flags: as the workbook holds them."""
    return [
        1,
        *(rec.get(k) for k in SCALAR_KEYS),
        _joined(rec.get("levels"), ","),
        _joined(rec.get("subjects"), "; "),
        rec.get("flags"),
    ]


def _item(items: Any, index: int = 0) -> dict:
    if isinstance(items, list) and len(items) > index and isinstance(items[index], dict):
        return items[index]
    return {"value": items}


def _workbook_sheets(rec: dict[str, Any]) -> dict[str, list[list[Any]]]:
    """The record as the entity sheets of the workbook, hostile values in their cells."""
    ch = _item(rec.get("channels"))
    deadline = _item(ch.get("deadline")) if isinstance(ch.get("deadline"), dict) else {}
    fee = _item(ch.get("fees"))
    doc = _item(rec.get("documents"))
    step = _item(rec.get("steps"))
    vol = _item(rec.get("volumes"))
    return {
        "procedures": [list(SHEETS["procedures"]), _procedure_row(rec)],
        "channels": [
            list(SHEETS["channels"]),
            [1, 1, ch.get("kind"), deadline.get("value"), deadline.get("unit"), None, None, None],
        ],
        "fees": [list(SHEETS["fees"]), [1, 1, *(fee.get(k) for k in SHEETS["fees"][2:])]],
        "documents": [
            list(SHEETS["documents"]),
            [1, *(doc.get(k) for k in SHEETS["documents"][1:])],
        ],
        "steps": [list(SHEETS["steps"]), [1, *(step.get(k) for k in SHEETS["steps"][1:])]],
        "volumes": [list(SHEETS["volumes"]), [1, *(vol.get(k) for k in SHEETS["volumes"][1:])]],
    }


def cell(value: Any) -> Any:
    """A value openpyxl can write into a cell (containers as their text)."""
    if isinstance(value, list | dict):
        value = json.dumps(value)[:1000]
    if isinstance(value, float) and value != value:
        return "nan"
    if isinstance(value, float) and abs(value) == float("inf"):
        return str(value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 2**63:
        return str(value)
    if isinstance(value, str):
        # openpyxl cannot write control characters into a cell at all
        return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", value)[:32000]
    return value


def write_workbook(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    """A workbook with the given sheets and rows (cells made writable)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append([cell(v) for v in row])
    wb.save(path)
    return path


def write_csv_cells(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    """CSV with every cell as text (containers as JSON, as a spreadsheet would hold them)."""
    with path.open("w", encoding="utf-8", newline="", errors="surrogatepass") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for row in rows:
            writer.writerow(
                [
                    json.dumps(v) if isinstance(v, list | dict) else "" if v is None else v
                    for v in row
                ]
            )
    return path


# ---------------------------------------------------------------- portal

PORTAL_FIELDS = (
    "ma_thu_tuc",
    "ten_thu_tuc",
    "linh_vuc",
    "cap_thuc_hien",
    "co_quan_thuc_hien",
    "cach_thuc_thuc_hien",
    "thanh_phan_ho_so",
    "trinh_tu_thuc_hien",
    "can_cu_phap_ly",
    "doi_tuong_thuc_hien",
    "ket_qua_xu_ly",
    "_source_folder",
)
PORTAL_BASE = {
    "ma_thu_tuc": "1.000001",
    "ten_thu_tuc": "Cấp bản sao trích lục hộ tịch",
    "linh_vuc": "Hộ tịch",
    "cap_thuc_hien": "Cấp tỉnh, Cấp xã",
    "co_quan_thuc_hien": "Sở Tư pháp",
    "cach_thuc_thuc_hien": "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp5 Ngày làm việc"
    "Lệ phí : 8.000 Đồng",
    "thanh_phan_ho_so": "Tên giấy tờMẫu đơn, tờ khaiSố lượngTờ khaiBản chính: 1Bản sao: 0",
    "trinh_tu_thuc_hien": "Bước 1: Nộp hồ sơ",
    "can_cu_phap_ly": "Tên văn bản pháp lýMã văn bảnLuật Hộ tịch60/2014/QH13",
    "_source_folder": "bo-tu-phap",
}
WHOLE_LINES = [
    b'{"ma_thu_tuc": "1.2", "x": ' + b"[" * 3000 + b"]" * 3000 + b"}",
    b'{"ma_thu_tuc": "1.2", "ten_thu_tuc": ' + b"9" * 5000 + b"}",
    b'{"ma_thu_tuc": "1.2", "ten_thu_tuc": "A',
    b'{"ma_thu_tuc": "1.2", "ten_thu_tuc": "\xff\xfe"}',
    b'{"ma_thu_tuc": "1.2", "ten_thu_tuc": "\\ud800"}',
    b'{"ma_thu_tuc": "1.2", "ten_thu_tuc": NaN}',
    b"[1, 2]",
]


@st.composite
def portal_objects(draw) -> dict[str, Any]:
    """A valid portal object with one to three fields hostile (or absent)."""
    obj = copy.deepcopy(PORTAL_BASE)
    for field, value in draw(
        st.lists(st.tuples(st.sampled_from(PORTAL_FIELDS), values), min_size=1, max_size=3)
    ):
        obj[field] = value
    return obj


def write_portal(path: Path, obj: dict[str, Any], whole: bytes | None) -> Path:
    """One JSON line (or a whole-line nasty) in a .jsonl file."""
    path = path.with_suffix(".jsonl")
    line = whole if whole is not None else json.dumps(obj, ensure_ascii=True).encode()
    path.write_bytes(line + b"\n")
    return path


def portal_list_rows(draw_cells: list[Any], header_ok: bool) -> list[list[Any]]:
    """Rows of a 'Danh sách TTHC' export: banner, header, one hostile row."""
    header = list(EXCEL_HEADER) if header_ok else list(EXCEL_HEADER[:3])
    return [["DANH SÁCH THỦ TỤC HÀNH CHÍNH"], header, draw_cells]


# ---------------------------------------------------------------- statistics and sheets

STATS_HEADER = [
    "ma_tthc",
    "co_quan",
    "ky",
    "tiep_nhan",
    "truoc_han",
    "dung_han",
    "qua_han",
    "dang_giai_quyet",
    "truc_tuyen",
]
STATS_BASE = ["1.000001", "Sở Tư pháp", "2025-03", "100", "50", "30", "5", "3", "40"]
count_texts = st.one_of(
    texts,
    st.integers(-5, 10**25).map(str),
    st.sampled_from(["1.234", "2,5", "9" * 40, "1e9", "nan", "-0", "٣"]),
)
period_texts = st.one_of(
    texts, st.sampled_from(["2025", "2025-Q5", "31/02/2025", "2025-13", "02/2025", "9999"])
)


@st.composite
def stats_rows(draw) -> list[list[Any]]:
    """One to three statistics rows, each with hostile cells."""
    rows = []
    for _ in range(draw(st.integers(1, 3))):
        row = list(STATS_BASE)
        for index in draw(st.lists(st.integers(0, len(row) - 1), min_size=1, max_size=3)):
            row[index] = draw(period_texts if index == 2 else count_texts if index > 2 else texts)
        rows.append(row)
    return rows


SHEET_PATHS: tuple[tuple, ...] = (
    ("procedure",),
    ("procedure", "code"),
    ("date",),
    ("subject",),
    ("population",),
    ("population", "value"),
    ("frequency",),
    ("channels",),
    ("channels", "online"),
    ("documents",),
    ("documents", 0),
    ("activities", 0, "hours"),
    ("activities", 0, "people"),
    ("activities", 0),
    ("hourly_rate",),
    ("fees",),
    ("options",),
    ("options", 1, "changes", 0, "value"),
    ("options", 1, "changes", 0, "type"),
    ("options", 1, "action"),
    ("options", 0),
)
sheet_values = st.one_of(
    values,
    st.decimals(allow_nan=False, allow_infinity=False, places=3),
    st.sampled_from([date(2026, 2, 28), datetime(2026, 1, 1, 5), "2026-02-31", Decimal("1E+40")]),
)


@st.composite
def sheets(draw, base: dict[str, Any]) -> dict[str, Any]:
    """The tax-reporting sheet with one to three entries hostile."""
    data = copy.deepcopy(base)
    for path, value in draw(
        st.lists(st.tuples(st.sampled_from(SHEET_PATHS), sheet_values), min_size=1, max_size=3)
    ):
        put(data, path, value)
    return data
