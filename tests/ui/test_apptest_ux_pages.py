"""Pickers that tell procedures apart, tables with key columns first, savings led by the
programmes, downloads for people (issue 15, items 6-9)."""

from __future__ import annotations

import sqlite3

import cycle_fixture
from ui_helpers import no_exception, open_page, sign_in


def _abolish_first_named(url: str, name: str) -> tuple[int, int]:
    """Abolish the first demo procedure called ``name``; (abolished id, other id)."""
    path = url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        query = "select id from procedure where name = ? order by id"
        ids = [r[0] for r in db.execute(query, (name,))]
        assert len(ids) >= 2, "the demo catalogue has the same name at two levels"
        db.execute("update procedure set status = 'abolished' where id = ?", (ids[0],))
    return ids[0], ids[1]


def test_a_picker_marks_an_abolished_procedure_and_puts_it_last(app, app_db):
    path = app_db.removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        name = db.execute(
            "select name from procedure group by name having count(*) > 1 order by name limit 1"
        ).fetchone()[0]
    abolished, active = _abolish_first_named(app_db, name)
    at = open_page(app.run(), "catalogue")
    at.text_input(key="catalogue_query").input(name).run()
    no_exception(at)
    picker = at.selectbox(key="catalogue_pick")
    lines = {o for o in picker.options if name in o}
    retired = [o for o in picker.options if o.startswith("⊘")]
    assert len(retired) >= 1 and "Đã bãi bỏ" in retired[0] and "không còn hiệu lực" in retired[0]
    # every line says level, agency and status; the abolished one comes after the others
    assert all(" · " in o and "Cấp" in o for o in lines)
    assert picker.options.index(retired[0]) > max(
        picker.options.index(o) for o in lines if not o.startswith("⊘")
    )
    table = at.dataframe[0].value
    assert list(table.columns[:4]) == ["Mã TTHC", "Tên thủ tục", "Cấp thực hiện", "Tình trạng"]


cycle_db_file, cycle_app = cycle_fixture.cycle_db_file, cycle_fixture.cycle_app  # fixtures


def _as(cycle_app, role):
    at, pid = cycle_app
    at.session_state["user"] = {"username": role, "role": role, "full_name": None}
    at.session_state["procedure_id"] = pid
    return at.run()


def test_the_savings_page_leads_with_progress_against_each_programme(cycle_app):
    at = open_page(_as(cycle_app, "analyst"), "savings")
    # The first figures are the programmes' cuts against their targets, in words.
    first = at.metric[0]
    assert first.label == "Chi phí tuân thủ"
    assert first.value.endswith("/ mục tiêu 50,00 %") or "/ mục tiêu" in first.value
    assert at.subheader[0].value == "Tiến độ so với mục tiêu"
    headings = [s.value for s in at.subheader]
    assert headings.index("Tiến độ so với mục tiêu") < headings.index(
        "Tỷ lệ cắt giảm của các đề xuất đã được phê duyệt"
    )
    assert "Đang trên đường thực hiện" in headings


def test_the_savings_csv_has_vietnamese_headers_words_and_a_bom(cycle_db_file):
    """The CSV button serves the page's table: Vietnamese headers, levels as words, BOM."""
    import csv
    import io

    from catalogue.costing.burden import catalogue_costs
    from catalogue.costing.reports import savings_overview
    from catalogue.registry.db import session_scope
    from catalogue.sources.service import open_catalogue
    from ui.report_widgets import savings_grouped, savings_view
    from ui.state import reports as reports_state

    engine = open_catalogue(f"sqlite:///{cycle_db_file}", migrate=False)
    with session_scope(engine) as db:
        report = savings_overview(session=db, actor="analyst", costs=catalogue_costs(engine))
    engine.dispose()
    data = reports_state.csv_bytes(savings_view(savings_grouped(report, "level"), "level"))
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Cấp thực hiện", "Chi phí tiết kiệm (đồng/năm)", "Tỷ lệ cắt giảm"]
    assert {r[0] for r in rows[1:]} <= {"Cấp tỉnh", "Cấp xã", "Cấp huyện", "Cấp bộ", "Cơ quan khác"}
    assert all(r[1].endswith(" đ") or " đ (" in r[1] for r in rows[1:])


def test_the_statistics_sample_is_labelled_as_a_sample_and_has_a_bom(app):
    from ui.state import data_import

    at = sign_in(app.run(), "admin")
    at = open_page(at, "data")
    button = next(b for b in at.get("download_button") if b.key == "data_stats_sample")
    assert "MẪU" in button.proto.label and "giả lập" in button.proto.label
    name, make = data_import.sample_stats()
    assert name.startswith("MAU-") and "gia-lap" in name
    assert make().startswith("\ufeff".encode())


def test_a_decided_proposal_is_confirmed_and_stays_in_view(cycle_app):
    at = open_page(_as(cycle_app, "chair"), "queue")
    chosen = at.selectbox(key="queue_pick").value
    line = at.selectbox(key="queue_pick").options[0]
    assert line.startswith(f"Đề xuất #{chosen}: ") and " · " in line  # code, level, agency…
    at.button(key="queue_decide_button").click().run()
    no_exception(at)
    assert at.success[0].value.startswith(f"Chấp thuận: Đề xuất #{chosen}: ")
    assert "Không có đề xuất nào chờ phê duyệt." in [i.value for i in at.info]
    # the decided proposal is still listed, with its new status, under the plan to approve
    table = at.dataframe[-1].value
    assert f"#{chosen}" in table["Số"].tolist()
    assert table.set_index("Số").loc[f"#{chosen}", "Trạng thái"] == "Đã phê duyệt"


def test_a_signed_out_link_asks_to_sign_in_then_opens_the_page(app):
    from ui_helpers import PASSWORDS, assert_gated

    at = assert_gated(app.run(), "ui/pages/plan.py")
    assert "Sau khi đăng nhập, trang sẽ được mở ngay." in at.info[0].value
    at.switch_page("ui/pages/account.py").run()
    at.text_input(key="account_username").input("reviewer")
    at.text_input(key="account_password").input(PASSWORDS["reviewer"])
    at.button(key="account_submit").click().run()
    no_exception(at)
    assert at.title[0].value == "Lập phương án đơn giản hóa"  # the page the link asked for
