"""The cost form: Vietnamese numbers, the sheet as tables and back, messages per cell.

The expected yearly cost (150.000.000 đ, and 140.000.000 đ with 0,25 h of copying) is
worked out by hand in ``tests/review_support.py``.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest
from sqlmodel import select

from catalogue.costing import cost_form as cf
from catalogue.cycle.common import evaluate_option
from catalogue.registry.db import session_scope
from catalogue.registry.models import CostingSheet
from tests.review_support import SHEETS


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0,5", "0.5"), ("1.234.567", "1234567"), ("1.234,5", "1234.5"), ("12", "12"),
     (" 40.000 ", "40000"), (3, "3"), (0.25, "0.25")],
)  # fmt: skip
def test_vietnamese_numbers(text, expected):
    assert cf.parse_vn_number(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["1,234.5", "1.5", "12.34", "abc", "1..000", ""])
def test_numbers_written_otherwise_are_refused(text):
    with pytest.raises(cf.CostFormError):
        cf.parse_vn_number(text)


def test_sheet_as_tables_and_back():
    tables = cf.tables_from_sheet(SHEETS["1.000001"])
    activities = tables["Hoạt động"]
    assert activities["Số giờ"].tolist() == ["1", "0,5", "2"]
    assert activities["Chi phí khác (đồng)"].tolist() == ["0", "2.000", "0"]
    assert tables["Cách thức thực hiện"].values.tolist() == [["trực tiếp", "100", "5"]]
    figures = tables["Đối tượng, tần suất"]
    assert figures["Giá trị"].tolist() == ["1.000", "1", "40.000"]
    assert figures["Phương pháp"].tolist() == ["", "", "ước tính"]
    data = cf.sheet_from_tables(tables, base={"subject": "citizen", "date": "2027-01-01"})
    assert evaluate_option(data, {"action": "keep"}).cost_before == 150_000_000
    tables["Hoạt động"].loc[1, "Số giờ"] = "0,25"  # copying: 0,25 h × 40.000 + 2.000 = 12.000
    data = cf.sheet_from_tables(tables, base={"subject": "citizen", "date": "2027-01-01"})
    assert evaluate_option(data, {"action": "keep"}).cost_before == 140_000_000


def test_every_bad_cell_is_named_by_table_row_and_column():
    tables = cf.tables_from_sheet(SHEETS["1.000001"])
    tables["Hoạt động"].loc[2, "Số giờ"] = "-1"
    tables["Hoạt động"].loc[0, "Số người"] = "hai"
    tables["Hoạt động"].loc[1, "Cách thức"] = "fax"
    tables["Phí, lệ phí"].loc[0, "Đơn vị tiền"] = "EUR"
    tables["Cách thức thực hiện"] = pd.DataFrame(
        [["trực tiếp", "60", "5"], ["trực tuyến", "30", ""]],
        columns=cf.TABLES["Cách thức thực hiện"],
    )
    tables["Đối tượng, tần suất"] = tables["Đối tượng, tần suất"].iloc[[0, 2]]
    with pytest.raises(cf.CostFormRefused) as refused:
        cf.sheet_from_tables(tables)
    assert refused.value.problems == [
        "Hoạt động, dòng 1, Số người: 'hai' không phải số viết theo cách Việt Nam "
        "(ví dụ 1.234.567 hoặc 0,5)",
        "Hoạt động, dòng 2, Cách thức: cách thức 'fax' không hợp lệ "
        "(trực tiếp, trực tuyến, bưu chính)",
        "Hoạt động, dòng 3, Số giờ: phải là số không âm",
        "Phí, lệ phí, dòng 1, Đơn vị tiền: phải là VND hoặc USD",
        "Cách thức thực hiện, Tỷ lệ (%): tổng các tỷ lệ phải bằng 100 (đang là 90)",
        "Đối tượng, tần suất: thiếu dòng 'Số lần thực hiện/đối tượng/năm' (missing row)",
    ]


def test_saving_the_form_stores_the_sheet_or_nothing(engine):
    from tests.review_support import review_world

    world = review_world(engine, approve=False)
    pid = world["codes"]["1.000002"]
    tables = cf.tables_from_sheet(SHEETS["1.000002"])
    tables["Hoạt động"].loc[0, "Số giờ"] = "1,5"
    with session_scope(engine) as s:
        stored = cf.save_cost_form(session=s, actor=world["users"]["reviewer"], procedure_id=pid,
                                   tables=tables, base={"subject": "citizen"})  # fmt: skip
        version = stored.version
        assert stored.content["activities"][0]["hours"] == 1.5
    tables["Hoạt động"].loc[0, "Số giờ"] = "x"
    with session_scope(engine) as s, pytest.raises(cf.CostFormRefused, match="dòng 1, Số giờ"):
        cf.save_cost_form(session=s, actor=world["users"]["reviewer"], procedure_id=pid,
                          tables=tables, expected_version=version)  # fmt: skip
    with session_scope(engine) as s:
        row = s.exec(select(CostingSheet).where(CostingSheet.procedure_id == pid)).one()
        assert row.version == version and row.content["activities"][0]["hours"] == 1.5
