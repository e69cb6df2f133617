"""Data page: admins import an uploaded file with a progress bar driven by the importer,
bad files give a validation report, and the import service refuses anyone but admins."""

import gzip
import json

import pytest
from ui_helpers import no_exception, open_page, sign_in, texts

from ui import state

CSV_MIME = "text/csv"


def _csv(count: int) -> bytes:
    """A CSV of ``count`` new procedures in the project's own flat template."""
    from catalogue.formats import export_text
    from catalogue.records import empty_record

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
    real = state.registry.import_files

    def spy(*args, progress=None, **kwargs):
        def record(read: int) -> None:
            calls.append(read)
            progress(read)

        return real(*args, progress=record, **kwargs)

    monkeypatch.setattr(state.registry, "import_files", spy)
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


@pytest.mark.parametrize(
    ("name", "payload", "portal", "expected"),
    [
        ("tthc.jsonl", b'{"a": 1}\n{"a": 2}\n\n{"a": 3}\n', True, 3),
        ("tthc.jsonl.gz", gzip.compress(b'{"a": 1}\n{"a": 2}\n'), True, 2),
        ("danh-muc.csv", b"code,name\n1,a\n2,b\n", False, 2),
        ("danh-muc.yaml", b"procedures:\n  - {name: a}\n", False, None),
        ("danh-sach.xlsx", b"PK\x03\x04rest-of-a-workbook", True, None),
    ],
)
def test_expected_records(name, payload, portal, expected):
    assert state.expected_records(name, payload, portal=portal) == expected


def test_portal_upload_with_a_bad_line_is_reported(app):
    at = open_page(sign_in(app.run(), "admin"), "data")
    at.radio(key="data_source").set_value("portal").run()
    line = json.dumps({"khong_phai": "thủ tục"}, ensure_ascii=False).encode()
    at = _import(at, "cong-dvc.jsonl", line + b"\n", "application/jsonl")
    assert "cong-dvc.jsonl" in texts(at)  # problems reported against the upload's name
