"""Duplicates and matching page: reviewers and admins see near-duplicate groups that
follow the threshold, and match a local list without codes to national codes, decide
the ambiguous rows and download the list with the accepted codes; bad files give a
message, not a traceback."""

import csv
import io
from pathlib import Path

import pytest
from ui_helpers import assert_gated, no_exception, open_page, sign_in, texts

from ui.state import quality as quality_state

ROOT = Path(__file__).resolve().parents[2]
PAGE = "ui/pages/quality.py"
CSV_MIME = "text/csv"
# Misspelt, unaccented names as a district might keep them, and the national procedure
# each one means (by its exact catalogue name).
LOCAL_NAMES = {
    "dang ky khai sihn": "Thủ tục đăng ký khai sinh",
    "cap phieu ly lich tu phap cho co quan tien hanh to tung": (
        "Cấp Phiếu lý lịch tư pháp cho cơ quan tiến hành tố tụng"
    ),
    "cap phiu ly lich tu phap cho cong dan viet nam cu tru o nuoc ngoai": (
        "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam cư trú ở nước ngoài"
    ),
}
# Two national codes share this name: a person must choose.
AMBIGUOUS = "doi giay phep lai xe do nganh giao thong van tai cap"


def _demo_codes() -> dict[str, list[str]]:
    """Catalogue name → its codes, read from the demo catalogue file."""
    import yaml

    data = yaml.safe_load((ROOT / "data" / "demo" / "catalogue.yaml").read_text("utf-8"))
    procedures = data["procedures"] if isinstance(data, dict) else data
    codes: dict[str, list[str]] = {}
    for proc in procedures:
        codes.setdefault(proc["name"], [])
        if proc["code"] not in codes[proc["name"]]:
            codes[proc["name"]].append(proc["code"])
    return codes


def _local_csv(names: list[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["stt", "ten_thu_tuc", "co_quan"])
    for i, name in enumerate(names, start=1):
        writer.writerow([i, name, "UBND huyện Tân Phước"])
    return buffer.getvalue().encode("utf-8")


def _signed_in(app, role: str):
    return open_page(sign_in(app.run(), role), "quality")


@pytest.mark.parametrize("role", ["reviewer", "admin"])
def test_reviewers_and_admins_open_the_page(app, role):
    at = _signed_in(app, role)
    assert at.title[0].value == "Trùng lặp và gắn mã TTHC"
    assert at.slider(key="quality_threshold").value == 90


@pytest.mark.parametrize("role", [None, "analyst", "chair"])
def test_others_are_not_routed_to_the_page(app, role):
    from streamlit.testing.v1 import AppTest

    at = app.run() if role is None else sign_in(app.run(), role)
    assert_gated(at, PAGE)
    # and the page itself, opened directly, shows nothing but a message
    page = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    if role is not None:
        page.session_state["user"] = {"username": role, "role": role}
    page.run()
    no_exception(page)
    assert "Vai trò của bạn không được dùng chức năng này." in texts(page)
    assert not page.get("file_uploader") and not page.slider


def _group_count(at) -> int:
    return int({m.label: m.value for m in at.metric}["Nhóm trùng lặp"].replace(".", ""))


def _add_procedure(url: str, code: str, name: str) -> None:
    """Add one procedure to the test's database through the catalogue import service."""
    import tempfile

    from catalogue.registry.records import empty_record
    from catalogue.sources.formats import export_text
    from catalogue.sources.service import import_files, open_catalogue

    record = empty_record()
    record.update(code=code, name=name, field="Xây dựng", status="active", levels=["district"])
    engine = open_catalogue(url, migrate=False)
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "them.csv"
            path.write_text(export_text([record], "csv"), encoding="utf-8")
            import_files(engine, [path], actor="admin")
    finally:
        engine.dispose()


def test_duplicate_groups_follow_the_threshold_and_the_same_code_switch(app, app_db):
    # A near-duplicate under another code: one word more than a demo procedure.
    _add_procedure(app_db, "9.900001", "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ tạm")
    at = _signed_in(app, "reviewer")
    at_90 = _group_count(at)
    at.slider(key="quality_threshold").set_value(80).run()
    no_exception(at)
    assert _group_count(at) == at_90 + 1  # the added one scores 86
    assert "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ tạm" in texts(at)
    at.slider(key="quality_threshold").set_value(100).run()
    no_exception(at)
    at_100 = _group_count(at)
    assert at_100 >= 1
    assert at.expander, "each group is shown in an expander"
    # The demo publishes some national procedures at both district and commune level.
    at.checkbox(key="quality_same_code").check().run()
    no_exception(at)
    assert _group_count(at) > at_100
    shown = texts(at)
    assert "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ" in shown
    assert "Khác nhau ở:" in shown and "cấp thực hiện" in shown
    assert "Cấp huyện" in shown and "Cấp xã" in shown


def _upload(at, name: str, payload: bytes, mime: str = CSV_MIME):
    at.file_uploader(key="quality_upload").set_value((name, payload, mime))
    at.run()
    no_exception(at)
    return at


def test_a_local_list_is_matched_reviewed_and_written_back(app, monkeypatch):
    written: list[bytes] = []
    real = quality_state.matched_file

    def spy(*args, **kwargs):
        written.append(real(*args, **kwargs))
        return written[-1]

    monkeypatch.setattr(quality_state, "matched_file", spy)
    codes = _demo_codes()
    expected = {row: codes[name][0] for row, name in enumerate(LOCAL_NAMES.values(), start=2)}
    ambiguous_row = len(LOCAL_NAMES) + 2
    choices = codes["Đổi giấy phép lái xe do ngành Giao thông vận tải cấp"]
    assert len(choices) == 2

    at = _upload(_signed_in(app, "reviewer"), "ds-huyen.csv", _local_csv([*LOCAL_NAMES, AMBIGUOUS]))
    assert at.selectbox(key="quality_column").value == "ten_thu_tuc"
    at.button(key="quality_run").click().run()
    no_exception(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Số dòng"] == "4"
    assert metrics["Mơ hồ — cần người quyết định"] == "1"
    table = at.dataframe[-1].value.set_index("Dòng")
    assert {row: table.at[row, "Mã gợi ý"] for row in expected} == expected
    assert table.at[ambiguous_row, "Mã gợi ý"] in choices
    assert table.at[ambiguous_row, "Kết quả"].startswith("⚠")
    # Clear matches are accepted automatically; only the ambiguous row waits for a person.
    assert [s.key for s in at.selectbox if s.key.startswith("quality_pick_")] == [
        f"quality_pick_{ambiguous_row}"
    ]
    assert "Đã nhận 3 mã, loại 0 dòng, còn 1 dòng chờ xem xét." in texts(at)

    at.selectbox(key=f"quality_pick_{ambiguous_row}").set_value(choices[1]).run()
    no_exception(at)
    assert "Đã nhận 4 mã, loại 0 dòng, còn 0 dòng chờ xem xét." in texts(at)
    assert [d.key for d in at.get("download_button")] == ["quality_download"]
    assert written[-1].startswith("\ufeff".encode())  # UTF-8 with BOM: Excel reads it
    rows = list(csv.DictReader(io.StringIO(written[-1].decode("utf-8-sig"))))
    assert [r["ten_thu_tuc"] for r in rows] == [*LOCAL_NAMES, AMBIGUOUS]
    assert [r["Mã TTHC đề xuất"] for r in rows] == [*expected.values(), choices[1]]

    # Rejecting a row the machine accepted leaves its cell empty.
    at.radio(key="quality_scope").set_value("all").run()
    at.selectbox(key="quality_pick_2").set_value("reject").run()
    no_exception(at)
    assert "Đã nhận 3 mã, loại 1 dòng, còn 0 dòng chờ xem xét." in texts(at)
    rows = list(csv.DictReader(io.StringIO(written[-1].decode("utf-8-sig"))))
    assert [r["Mã TTHC đề xuất"] for r in rows] == ["", *list(expected.values())[1:], choices[1]]


def test_a_file_without_the_chosen_column_gives_a_message(app, monkeypatch):
    # The column list offers a name column the file does not have (as when a header is
    # further down than the reader looks): matching says so instead of failing.
    monkeypatch.setattr(quality_state, "upload_columns", lambda name, payload: ["ten_thu_tuc"])
    payload = "stt,co_quan\n1,UBND huyện Tân Phước\n".encode()
    at = _upload(_signed_in(app, "reviewer"), "ds.csv", payload)
    at.button(key="quality_run").click().run()
    no_exception(at)
    assert "Không đọc được tệp" in at.error[0].value
    assert "ten_thu_tuc" in at.error[0].value
    assert not at.get("download_button")


@pytest.mark.parametrize(
    ("name", "payload", "mime"),
    [
        ("ds.csv", b"\xff\xfe\x00\x01 not text \x9c\x80", CSV_MIME),
        ("ds.xlsx", b"this is not a workbook", "application/vnd.ms-excel"),
        ("ds.csv", b"", CSV_MIME),
    ],
)
def test_an_unreadable_upload_gives_a_message(app, name, payload, mime):
    at = _upload(_signed_in(app, "admin"), name, payload, mime)
    assert "Không đọc được tệp" in at.error[0].value
    assert name in at.error[0].value
    assert not at.get("download_button") and "quality_run" not in [b.key for b in at.button]


def test_an_excel_list_with_a_banner_gets_its_codes_in_a_new_column(app, monkeypatch):
    from openpyxl import Workbook, load_workbook

    written: list[bytes] = []
    real = quality_state.matched_file
    monkeypatch.setattr(
        quality_state, "matched_file", lambda *a, **k: written.append(real(*a, **k)) or written[-1]
    )
    book = Workbook()
    sheet = book.active
    sheet.append(["DANH MỤC TTHC CẤP HUYỆN TÂN PHƯỚC"])  # a banner above the header
    sheet.append(["STT", "Tên thủ tục", "Ghi chú"])
    sheet.append([1, "thu tuc dang ky ket hon", None])
    buffer = io.BytesIO()
    book.save(buffer)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    at = _upload(_signed_in(app, "admin"), "ds.xlsx", buffer.getvalue(), xlsx)
    assert at.selectbox(key="quality_column").value == "Tên thủ tục"
    at.button(key="quality_run").click().run()
    no_exception(at)
    rows = list(load_workbook(io.BytesIO(written[-1])).active.iter_rows(values_only=True))
    code = _demo_codes()["Thủ tục đăng ký kết hôn"][0]
    assert rows[1] == ("STT", "Tên thủ tục", "Ghi chú", "Mã TTHC đề xuất")
    assert rows[2] == (1, "thu tuc dang ky ket hon", None, code)
