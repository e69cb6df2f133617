"""Every download button in ui/ serves a file for people (issue 15 item 9): Vietnamese
headers with spaces (never ``snake_case``), levels, actions and stages in Vietnamese words
(never codes such as ``commune`` or ``amend``), CSV in UTF-8 with a BOM.

The buttons are found twice: in the source (each file of ui/ that calls
``download_button``) and on the pages, where a wrapper records what each button serves
while every page runs as the role that sees it, on the demo cycle database. A source
file whose buttons no page run reached must be named below with the test that checks it.
"""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import cycle_fixture
import pytest
from ui_helpers import no_exception, open_page

cycle_db_file, cycle_app = cycle_fixture.cycle_db_file, cycle_fixture.cycle_app  # fixtures

UI = Path(__file__).resolve().parents[2] / "ui"
SNAKE = re.compile(r"^[a-z]+(?:_[a-z0-9]+)+$")
# The codes of vocabularies a person must never read in a download (levels, statuses,
# actions, stages, channels), as whole cell values.
CODES = {
    "ministry", "province", "district", "commune", "other", "active", "amended", "replaced",
    "abolished", "draft", "submitted", "approved", "rejected", "published", "keep", "amend",
    "abolish", "replace", "supplement", "proposed", "adopted", "enacted", "in_force",
    "direct", "online", "postal", "citizen", "enterprise",
}  # fmt: skip
# Buttons no page run below reaches, each with the test that checks its file.
ELSEWHERE = {
    "quality.py": "tests/ui/test_apptest_quality.py (needs an uploaded list)",
    "onestop_widgets.py": "Biểu 06 workbook, tests/test_stats_bieu06.py (needs a period)",
    "review.py": "review form, cost form and report, tests/test_review_docs.py (needs a review)",
    "review_plan.py": "the review plan, tests/test_review_docs.py (needs a review plan)",
}
# (role, page) runs that show every other button on the demo cycle.
RUNS = [
    ("analyst", "savings"),
    ("chair", "queue"),
    ("reviewer", "decisions"),
    ("admin", "data"),
]


def _source_files() -> set[str]:
    return {p.name for p in UI.rglob("*.py") if "download_button(" in p.read_text(encoding="utf-8")}


def _record(monkeypatch) -> list[dict]:
    import streamlit as st
    from streamlit.delta_generator import DeltaGenerator

    served: list[dict] = []
    real = DeltaGenerator.download_button

    def wrapper(self, label, data, file_name=None, *args, **kwargs):
        frame = sys._getframe(1)
        while frame.f_code.co_filename == __file__:  # st.download_button's lambda below
            frame = frame.f_back
        caller = Path(frame.f_code.co_filename).name
        # a deferred file is made now, while the page runs as its user
        made = data() if callable(data) else data
        served.append({"file": caller, "name": file_name, "data": made, "label": label})
        return real(self, label, data, file_name, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", wrapper)
    monkeypatch.setattr(st, "download_button", lambda *a, **k: wrapper(st._main, *a, **k))
    return served


def _cells(name: str, data: bytes) -> tuple[list[str], list[str]]:
    """(header cells, every text cell) of a CSV, Excel or Word file."""
    if name.endswith(".csv"):
        import csv

        assert data.startswith("\ufeff".encode()), f"{name}: CSV without a BOM"
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        return rows[0] if rows else [], [c for row in rows for c in row]
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(data), read_only=True)
        cells = [
            str(c)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for c in row
            if isinstance(c, str)
        ]
        return cells, cells  # headers sit anywhere below the titles: every cell is checked
    if name.endswith(".docx"):
        from docx import Document

        doc = Document(io.BytesIO(data))
        cells = [p.text for p in doc.paragraphs]
        cells += [c.text for t in doc.tables for row in t.rows for c in row.cells]
        return cells, cells
    return [], []


def test_every_download_button_serves_a_file_for_people(cycle_app, monkeypatch):
    served = _record(monkeypatch)
    at, pid = cycle_app
    for role, page in RUNS:
        at.session_state["user"] = {"username": role, "role": role, "full_name": None}
        at.session_state["procedure_id"] = pid
        at = open_page(at.run(), page)
        no_exception(at)
    reached = {s["file"] for s in served}
    assert _source_files() - reached == set(ELSEWHERE), (sorted(reached), ELSEWHERE)
    problems, checked = [], 0
    for item in served:
        data = item["data"]
        data = data.encode("utf-8") if isinstance(data, str) else data
        name = str(item["name"])
        headers, cells = _cells(name, data)
        checked += bool(cells)
        problems += [f"{name}: header {h!r}" for h in headers if SNAKE.match(h.strip())]
        problems += [f"{name}: code {c!r}" for c in cells if c.strip() in CODES]
    assert checked >= 5, [s["name"] for s in served]  # tables and documents, not only images
    assert problems == []


@pytest.mark.parametrize("name", sorted(ELSEWHERE))
def test_buttons_checked_elsewhere_still_exist(name):
    assert name in _source_files()
