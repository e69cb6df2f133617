"""Data page: admins import an uploaded file with a progress bar driven by the importer,
bad files give a validation report, and the import service refuses anyone but admins."""

import json
from pathlib import Path

import pytest
from ui_helpers import assert_gated, no_exception, open_page, sign_in, texts

from catalogue.sources import service
from ui.state import data_import as data_import_state

ROOT = Path(__file__).resolve().parents[2]

CSV_MIME = "text/csv"


def _csv(count: int) -> bytes:
    """A CSV of ``count`` new procedures in the project's own flat template."""
    from catalogue.registry.records import empty_record
    from catalogue.sources.formats import export_text

    records = []
    for i in range(count):
        rec = empty_record()
        rec.update(
            code=f"9.9{i:05d}",
            name=f"Thủ tục thử nghiệm số {i}",
            field="Thử nghiệm",
            status="active",
            levels=["province"],
        )
        records.append(rec)
    return export_text(records, "csv").encode("utf-8")


def _import(at, name: str, payload: bytes, mime: str = CSV_MIME):
    at.file_uploader(key="data_upload").set_value((name, payload, mime))
    at.run()
    at.button(key="data_import").click().run()
    no_exception(at)
    return at


def test_admin_import_drives_the_progress_bar(app, monkeypatch):
    calls: list[int] = []
    real = service.import_files

    def spy(*args, progress=None, **kwargs):
        def record(read: int) -> None:
            calls.append(read)
            progress(read)

        return real(*args, progress=record, **kwargs)

    monkeypatch.setattr(service, "import_files", spy)
    at = open_page(sign_in(app.run(), "admin"), "data")
    at = _import(at, "thu-nghiem.csv", _csv(1200))
    assert calls == [500, 1000, 1200]  # every 500 records, then the total
    bar = at.get("progress")[0]
    assert bar.proto.text == "Hoàn tất: đã đọc 1.200 thủ tục."
    assert bar.proto.value == 100
    assert "thêm mới 1.200" in at.success[0].value
    at = open_page(at, "overview")
    assert {m.label: m.value for m in at.metric}["Số thủ tục"] == "1.255"


def test_bad_upload_gives_a_report_not_a_traceback(app):
    at = open_page(sign_in(app.run(), "admin"), "data")
    assert "data_import" not in [b.key for b in at.button]  # nothing to import yet
    at = _import(at, "hỏng.yaml", b"procedures: [\n  - {name: 1\n", "application/yaml")
    assert "chưa ghi dữ liệu nào" in at.error[0].value
    report = at.dataframe[0].value
    assert set(report["Tệp"]) == {"hỏng.yaml"}
    assert at.get("progress")[0].proto.value == 0


def test_only_admins_may_import_even_with_a_forged_role(app):
    at = app.run()
    # The page is routed by the role in the session; the service checks the user's real one.
    at.session_state["user"] = {"username": "reviewer", "role": "admin"}
    at = open_page(at.run(), "data")
    at = _import(at, "thu-nghiem.csv", _csv(3))
    assert "không được phép nhập dữ liệu danh mục" in at.error[0].value
    at = open_page(at, "overview")
    assert {m.label: m.value for m in at.metric}["Số thủ tục"] == "55"


def test_portal_upload_with_a_bad_line_is_reported(app):
    at = open_page(sign_in(app.run(), "admin"), "data")
    at.radio(key="data_source").set_value("portal").run()
    line = json.dumps({"khong_phai": "thủ tục"}, ensure_ascii=False).encode()
    at = _import(at, "cong-dvc.jsonl", line + b"\n", "application/jsonl")
    assert "cong-dvc.jsonl" in texts(at)  # problems reported against the upload's name


# --------------------------------------------------------------------------- statistics

STATS_HEADER = (
    "ma_tthc,ten_tthc,co_quan,cap,ky,tiep_nhan,truoc_han,dung_han,qua_han,"
    "dang_giai_quyet,truc_tuyen\n"
)
BIRTH = "1.001193"  # Thủ tục đăng ký khai sinh: 25.034 dossiers received in 2025 (demo)


def _birth_row(period: str, received: int, early: int, on_time: int, late: int) -> str:
    return f"{BIRTH},,,Cấp xã,{period},{received},{early},{on_time},{late},10,{received // 2}\n"


def _volume(url: str, code: str, year: int) -> dict | None:
    """The yearly volume of a procedure straight from the database, None when there is none."""
    from sqlalchemy import select

    from catalogue.registry.models import Procedure, Volume
    from catalogue.sources.service import open_catalogue

    engine = open_catalogue(url, migrate=False)
    try:
        with engine.connect() as conn:
            row = conn.execute(
                select(Volume.received, Volume.resolved_late, Volume.online)
                .join(Procedure, Procedure.id == Volume.procedure_id)
                .where(Procedure.code == code, Volume.year == year)
            ).first()
    finally:
        engine.dispose()
    return None if row is None else dict(row._mapping)


def _stat_rows(url: str) -> int:
    from sqlalchemy import func, select

    from catalogue.registry.models import DossierStat
    from catalogue.sources.service import open_catalogue

    engine = open_catalogue(url, migrate=False)
    try:
        with engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(DossierStat)).scalar()
    finally:
        engine.dispose()


def _import_stats(at, name: str, payload: bytes, mime: str = CSV_MIME):
    at.file_uploader(key="data_stats_upload").set_value((name, payload, mime))
    at.run()
    at.button(key="data_stats_import").click().run()
    no_exception(at)
    return at


def test_statistics_upload_changes_the_yearly_volume(app, app_db):
    assert _volume(app_db, BIRTH, 2025)["received"] == 25034
    months = "".join(_birth_row(f"2025-{m:02d}", 3000, 2000, 900, 50) for m in range(1, 13))
    # A row without a code: not stored, listed with its suggested code.
    codeless = ",Thủ tục cấp Giấy xác nhận tình trạng hôn nhân,,Cấp xã,2025-01,40,20,15,0,5,10\n"
    payload = (STATS_HEADER + months + codeless).encode("utf-8")
    at = open_page(sign_in(app.run(), "admin"), "data")
    assert [d.key for d in at.get("download_button")] == ["data_stats_sample"]
    at = _import_stats(at, "thong-ke-2025.csv", payload)
    assert not at.error
    summary = at.success[0].value
    assert "Đã lưu 12/13 dòng của 1 thủ tục" in summary and "ghi 1 số liệu năm" in summary
    assert "Kỳ 2025-01 đến 2025-12" in texts(at)
    assert "1 dòng không có mã TTHC nên chưa được lưu" in at.warning[0].value
    to_confirm = at.dataframe[0].value
    assert to_confirm["Dòng"].tolist() == [14]
    assert to_confirm["Mã gợi ý"].tolist() == ["1.004873"]
    # 12 months × 3.000 received, 50 late, 1.500 online
    assert _volume(app_db, BIRTH, 2025) == {
        "received": 36000,
        "resolved_late": 600,
        "online": 18000,
    }


def test_bad_statistics_file_names_row_and_column_and_changes_nothing(app, app_db):
    before = _volume(app_db, BIRTH, 2025)
    payload = STATS_HEADER + _birth_row("2025-01", 3000, 2000, 900, 50)
    payload += _birth_row("2025-02", 100, 80, 30, 5)  # 115 resolved of 100 received
    at = open_page(sign_in(app.run(), "admin"), "data")
    at = _import_stats(at, "thong-ke-hong.csv", payload.encode("utf-8"))
    assert "chưa ghi dữ liệu nào" in at.error[0].value
    assert not at.success
    report = at.dataframe[0].value
    assert report.to_dict("records") == [
        {
            "Tệp": "thong-ke-hong.csv",
            "Dòng": 3,
            "Trường": "truoc_han+dung_han+qua_han",
            "Lỗi": "số đã giải quyết lớn hơn số tiếp nhận",  # the Vietnamese half,
        }
    ]
    assert _volume(app_db, BIRTH, 2025) == before
    assert _stat_rows(app_db) == 0


def test_unreadable_statistics_file_is_reported_against_the_upload(app, app_db):
    at = open_page(sign_in(app.run(), "admin"), "data")
    at = _import_stats(at, "thieu-cot.csv", b"ma_tthc,ky\n1.001193,2025\n")
    report = at.dataframe[0].value
    assert set(report["Tệp"]) == {"thieu-cot.csv"}
    assert "thiếu cột" in report["Lỗi"][0] and "/tmp" not in report["Lỗi"][0]
    assert _stat_rows(app_db) == 0


def test_the_sample_file_imports_cleanly(app, app_db):
    name, make = data_import_state.sample_stats()
    payload = make()
    # BOM (Excel), headers in words; the importer reads them (the rest of this test)
    people = (
        "Mã TTHC,Tên TTHC,Cơ quan thực hiện,Cấp thực hiện,Kỳ báo cáo,Số hồ sơ tiếp nhận,"
        "Giải quyết trước hạn,Giải quyết đúng hạn,Giải quyết quá hạn,Đang giải quyết,"
        "Nộp trực tuyến"
    )
    assert name.endswith(".csv") and payload.startswith("\ufeff".encode() + people.encode())
    rows = payload.decode("utf-8").count("\n") - 1
    at = open_page(sign_in(app.run(), "admin"), "data")
    at = _import_stats(at, name, payload)
    assert f"Đã lưu {rows:,}/{rows:,} dòng".replace(",", ".") in at.success[0].value


@pytest.mark.parametrize("role", ["reviewer", "analyst", "chair"])
def test_non_admins_do_not_see_the_statistics_import(app, app_db, role):
    from streamlit.testing.v1 import AppTest

    at = sign_in(app.run(), role)
    assert_gated(at, "ui/pages/data.py")  # not in a non-admin's navigation
    # and the page itself, opened directly, shows nothing to import
    page = AppTest.from_file(str(ROOT / "ui" / "pages" / "data.py"), default_timeout=60)
    page.session_state["user"] = {"username": role, "role": role}
    page.run()
    no_exception(page)
    assert not page.get("file_uploader") and not page.get("download_button")
    assert "data_stats_import" not in [b.key for b in page.button]


def test_only_admins_may_import_statistics_even_with_a_forged_role(app, app_db):
    before = _volume(app_db, BIRTH, 2025)
    at = app.run()
    at.session_state["user"] = {"username": "reviewer", "role": "admin"}
    at = open_page(at.run(), "data")
    at = _import_stats(
        at, "thong-ke.csv", (STATS_HEADER + _birth_row("2025", 100, 50, 40, 5)).encode()
    )
    assert "không được phép nhập dữ liệu danh mục" in at.error[0].value
    assert _volume(app_db, BIRTH, 2025) == before
    assert _stat_rows(app_db) == 0
