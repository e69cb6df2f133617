"""Pickers that tell procedures apart, tables with key columns first, savings led by the
programmes, downloads for people (issue 15, items 6-9)."""

from __future__ import annotations

import sqlite3

from ui_helpers import no_exception, open_page


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
