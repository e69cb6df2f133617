"""Bounded parsing and typed fields: each hostile input is a named problem (issues 14, 18).

Every case below ended in a Python traceback (or exhausted memory) before: the file,
line or row and field named here are worked out by hand from the input the test writes.
The database is compared whole before and after (:func:`tests.fuzz_support.dump`).
"""

from __future__ import annotations

import gzip
import json
import time
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml

from analysis import SheetError, load_parameters
from analysis.sheet import load_sheet
from catalogue.registry.errors import ImportFailed
from catalogue.sources import limits
from catalogue.sources.formats import neutralise, read_catalogue_file, unneutralise, write_csv
from catalogue.sources.portal import read_portal_excel
from catalogue.sources.service import import_files, import_portal_files
from tests.factories import make_record
from tests.fuzz_support import dump

ROOT = Path(__file__).resolve().parents[1]
BOMB = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    + "".join(
        f"{n}: &{n} [" + ",".join([f"*{p}"] * 9) + "]\n"
        for p, n in zip("abcdefgh", "bcdefghi", strict=True)
    )
    + "procedures: []\n"
)


def _problems(fn) -> list:
    with pytest.raises(ImportFailed) as failed:
        fn()
    return failed.value.problems


def _one(problems, *, line=None, field=None, contains: str):
    found = [p for p in problems if contains in p.message]
    assert found, [str(p) for p in problems]
    if line is not None:
        assert found[0].line == line, str(found[0])
    if field is not None:
        assert found[0].field == field, str(found[0])
    return found[0]


def _yaml_doc(path: Path, records) -> Path:
    text = yaml.safe_dump({"format": "tthc-catalogue/1", "procedures": records}, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    return path


def _portal_line(**fields) -> str:
    base = {"ma_thu_tuc": "1.000001", "ten_thu_tuc": "Cấp phép", "cap_thuc_hien": "Cấp tỉnh"}
    return json.dumps(base | fields, ensure_ascii=False)


# ---------------------------------------------------------------- YAML


def test_yaml_alias_bomb_is_refused_quickly(tmp_path):
    path = tmp_path / "bomb.yaml"
    path.write_text(BOMB, encoding="utf-8")
    assert len(BOMB.encode()) < 600  # 9⁹ ≈ 387 million strings once expanded
    started = time.process_time()
    problem = _one(_problems(lambda: read_catalogue_file(path)), contains="aliases expand")
    # Expanded sizes: a = 1 + 9 = 10, b = 1 + 9·10 = 91, c = 820, d = 7.381, e = 66.430,
    # f = 597.871 nodes: f (line 6) is the first beyond 100.000 extra nodes.
    assert "line 6" in problem.message
    assert time.process_time() - started < 5  # refused, not expanded (generous bound)


def test_yaml_nested_thousands_deep_and_impossible_dates(tmp_path):
    deep = tmp_path / "deep.yaml"
    deep.write_text("procedures: " + "[" * 5000 + "]" * 5000, encoding="utf-8")
    _one(_problems(lambda: read_catalogue_file(deep)), contains="nested more than 64")
    dated = tmp_path / "dated.yaml"
    dated.write_text("procedures:\n- name: A\n  decision: 2026-02-31\n", encoding="utf-8")
    problem = _one(_problems(lambda: read_catalogue_file(dated)), contains="impossible date")
    assert "line 3" in problem.message
    digits = tmp_path / "digits.yaml"
    digits.write_text("procedures:\n- name: A\n  code: " + "9" * 5000 + "\n", encoding="utf-8")
    _one(_problems(lambda: read_catalogue_file(digits)), contains="5000 digits")


def test_costing_sheet_bomb_and_impossible_date_are_sheet_problems(tmp_path):
    params = load_parameters()
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(BOMB.replace("procedures: []\n", ""), encoding="utf-8")
    with pytest.raises(SheetError) as failed:
        load_sheet(bomb, params=params)
    assert "aliases expand" in str(failed.value)
    text = (ROOT / "data" / "sheets" / "tax-reporting.yaml").read_text(encoding="utf-8")
    bad_date = tmp_path / "date.yaml"
    bad_date.write_text(text.replace("date: 2026-01-01", "date: 2026-02-31"), encoding="utf-8")
    with pytest.raises(SheetError) as failed:
        load_sheet(bad_date, params=params)
    assert "impossible date '2026-02-31'" in str(failed.value)
    assert failed.value.problems[0].path.startswith("line 4,")


# ---------------------------------------------------------------- JSON and types


def test_portal_lines_with_wrong_types_depth_and_nul(tmp_path, engine):
    path = tmp_path / "p.jsonl"
    lines = [
        _portal_line(),  # 1: valid
        _portal_line(ten_thu_tuc={"vi": "Cấp phép"}),  # 2: an object where text is expected
        _portal_line(cap_thuc_hien=["Cấp tỉnh"]),  # 3: a list
        _portal_line(linh_vuc=12),  # 4: a number
        '{"ma_thu_tuc": "1.2", "x": ' + "[" * 3000 + "]" * 3000 + "}",  # 5: 3001 deep
        _portal_line(co_quan_thuc_hien="Sở\u0000Tư pháp"),  # 6: NUL (PostgreSQL refuses it)
        _portal_line(yeu_cau_dieu_kien="x" * (limits.MAX_FIELD_CHARS + 1)),  # 7: too long
        '{"ma_thu_tuc": "1.3", "ten_thu_tuc": "A", "n": ' + "9" * 5000 + "}",  # 8
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = dump(engine)
    problems = _problems(lambda: import_portal_files(engine, [path]))
    assert dump(engine) == before
    _one(problems, line=2, field="ten_thu_tuc", contains="must be text, got an object")
    _one(problems, line=3, field="cap_thuc_hien", contains="must be text, got a list")
    _one(problems, line=4, field="linh_vuc", contains="must be text, got a number")
    # 27 characters before the first "[", depth 1 is "{": depth 65 is at column 27 + 64
    assert "column 91" in _one(problems, line=5, contains="nested more than 64").message
    _one(problems, line=6, field="co_quan_thuc_hien", contains="U+0000")
    _one(problems, line=7, field="yeu_cau_dieu_kien", contains="100001 characters")
    _one(problems, line=8, contains="5000 digits")
    assert not [p for p in problems if p.line == 1]


def test_own_json_types_and_integer_ranges(tmp_path, engine):
    def record(**over):
        return make_record(**over)

    records = [
        record(code="1.1", name=["A"]),  # [0] a list where text is expected
        record(code="1.2", levels="province"),  # [1] text where a list is expected
        record(code="1.3", volumes=[{"year": 2025, "received": 2**63}]),  # [2] beyond bigint
        record(code="1.4", documents=[{"name": "Tờ khai", "copies": 2**31}]),  # [3] > integer
        record(code="1.5", channels=[{"kind": "direct", "fees": [{"amount": 1e300}]}]),  # [4]
        record(code="1.6", channels=["direct"]),  # [5] text where an object is expected
        record(code="1.7", steps=[{"order": 1, "text": "Bước\u0007một"}]),  # [6] BEL
    ]
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"procedures": records}, ensure_ascii=False), encoding="utf-8")
    before = dump(engine)
    problems = _problems(lambda: import_files(engine, [path]))
    assert dump(engine) == before
    by_field = {p.field: p.message for p in problems}
    assert by_field["name"] == "must be text, got a list"
    assert by_field["levels"] == "must be a list, got str"
    assert "9223372036854775808 is outside" in by_field["volumes[0].received"]
    assert "2147483648 is outside" in by_field["documents[0].copies"]
    assert "beyond the largest amount" in by_field["channels[0].fees[0].amount"]
    assert by_field["channels[0]"] == "must be an object, got str"
    assert "U+0007" in by_field["steps[0].text"]
    assert sorted(p.line for p in problems) == [1, 2, 3, 4, 5, 6, 7]  # JSON: item numbers


def test_own_json_nested_deep_is_refused_before_parsing(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text('{"procedures": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    _one(_problems(lambda: read_catalogue_file(path)), contains="nested more than 64")


# ---------------------------------------------------------------- CSV and workbooks


def test_csv_field_over_the_limit_names_its_line(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(
        "code,name\n1.1,Cấp phép\n1.2," + "x" * 200_000 + "\n1.3,Khác\n", encoding="utf-8"
    )
    _one(_problems(lambda: read_catalogue_file(path)), line=3, contains="longer than 100000")


def _zip_member(path: Path, name: str, chunks) -> None:
    mode = "a" if path.exists() else "w"
    with zipfile.ZipFile(path, mode, zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        with book.open(name, "w", force_zip64=True) as member:
            for chunk in chunks:
                member.write(chunk)


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory) -> Path:
    """An honest .xlsx-shaped zip: 520 MiB of XML in a few MB (made once per module)."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.xlsx"
    _zip_member(path, "[Content_Types].xml", [b"<Types/>"])
    zeros = b"0" * (1 << 20)
    _zip_member(path, "xl/worksheets/sheet1.xml", (zeros for _ in range(520)))
    return path


def test_xlsx_zip_bomb_is_refused_before_reading(zip_bomb, engine):
    path = zip_bomb
    assert path.stat().st_size < 4 * (1 << 20)
    before = dump(engine)
    for run in (lambda: read_catalogue_file(path), lambda: import_portal_files(engine, [path])):
        _one(_problems(run), contains="decompresses to")
    assert dump(engine) == before


def test_million_row_xlsx_is_refused_from_its_dimension(tmp_path):
    path = tmp_path / "rows.xlsx"
    head = (
        b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main"><dimension ref="A1:E1000000"/><sheetData>'
    )
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    _zip_member(path, "xl/worksheets/sheet1.xml", [head, *(row * 10_000 for _ in range(100))])
    started = time.process_time()
    _one(_problems(lambda: read_portal_excel(path)), contains="1000000 rows (at most 300000)")
    assert time.process_time() - started < 5  # the declared size, never the rows


def test_worksheet_rows_counts_rows_whatever_the_file_declares():
    class Sheet:
        def iter_rows(self, values_only):
            return iter([("a",)] * 11)

    rows = limits.worksheet_rows(Sheet(), "f.xlsx", max_rows=10)
    problems = _problems(lambda: list(rows))
    _one(problems, line=11, contains="more than 10 rows")


def test_gzip_lines_without_end_are_refused_at_the_line_limit(tmp_path):
    path = tmp_path / "p.jsonl.gz"
    with gzip.open(path, "wb") as fh:
        fh.write(_portal_line().encode() + b"\n")
        fh.write(b'{"ma_thu_tuc": "' + b"1" * (limits.MAX_LINE_BYTES + 10))
    from catalogue.sources.portal import read_portal_jsonl

    _one(_problems(lambda: read_portal_jsonl(path)), line=2, contains="line longer than")


# ---------------------------------------------------------------- exports


@pytest.mark.parametrize("text", ["=2+2", "+cmd|' /C calc'!A0", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_neutralise_every_formula_prefix(text):
    assert neutralise(text) == "'" + text
    assert unneutralise(neutralise(text)) == text


def test_csv_quotes_a_carriage_return_inside_a_field(tmp_path):
    import csv
    import io

    out = io.StringIO()
    write_csv([make_record(name="Dòng một\r=2+2")], out)
    rows = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert len(rows) == 2  # header and one procedure: the CR did not start a row
    assert rows[1][1] == "Dòng một\r=2+2"


def test_exports_quote_a_carriage_return():
    from catalogue.documents import exports

    text = exports._csv_text([["a\r=2+2", "b"]])
    assert text == '"a\r=2+2",b\r\n'


# ---------------------------------------------------------------- dashboard settings


def test_dashboard_hides_tracebacks_and_raw_table_downloads():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    client = config["client"]
    assert client["showErrorDetails"] == "none"  # not False: that is "stacktrace"
    assert client["disableDataExport"] is True
    assert config["server"]["maxUploadSize"] * 1024 * 1024 == limits.MAX_UPLOAD_BYTES
