"""The calibration benchmark's own rules: which procedures are a group's typical ones, and
what the published figure covers (bench/calibration.py). Expected values by hand."""

from __future__ import annotations

import importlib.util
from decimal import Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def calibration():
    spec = importlib.util.spec_from_file_location("calibration", ROOT / "bench" / "calibration.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_tax_is_compared_with_its_time_added(calibration):
    # APCI tax: 73.750 đ of money and 2,9 hours; 2,9 × 62.500 = 181.250; 73.750 + 181.250
    total, how = calibration._published_total(
        "tax", {"cost": 73750, "hours": 2.9}, Decimal("62500")
    )
    assert total == 255000 and "2.9 h" in how


def test_other_groups_keep_their_published_cost(calibration):
    total, _ = calibration._published_total(
        "construction", {"cost": 64100000, "hours": 103.9}, Decimal("62500")
    )
    assert total == 64100000  # construction's figure already includes the time


LAND = {"fields": ["Đất đai"]}
CUSTOMS = {"fields": ["Hải quan"]}


@pytest.mark.parametrize(
    ("group", "spec", "field", "name", "member"),
    [
        ("land", LAND, "Đất đai", "Đăng ký đất đai, cấp Giấy chứng nhận lần đầu cho tổ chức", True),
        ("land", LAND, "Đất đai", "Đăng ký biến động chuyển mục đích sử dụng đất", True),
        ("land", LAND, "Đất đai", "Tổ chức nhận chuyển nhượng, nhận góp vốn bằng QSDĐ", True),
        ("land", LAND, "Đất đai", "Hòa giải tranh chấp đất đai", False),
        ("land", LAND, "Đất đai", "Cấp lại Giấy chứng nhận do bị mất", False),
        ("land", LAND, "Đất đai", "Đính chính Giấy chứng nhận đã cấp lần đầu có sai sót", False),
        ("land", LAND, "Đất đai",
         "Điều chỉnh quyết định giao đất, cho phép chuyển mục đích sử dụng đất", False),
        ("land", LAND, "Thuế", "Đăng ký biến động quyền sử dụng đất", False),  # not the field
        ("customs", CUSTOMS, "Hải quan", "Thủ tục hải quan đối với hàng hóa nhập khẩu", True),
        ("customs", CUSTOMS, "Hải quan", "Thủ tục hải quan đối với hàng hoá xuất khẩu", True),
        ("customs", CUSTOMS, "Hải quan", "Thủ tục bán hàng miễn thuế cho thuyền viên", False),
        ("customs", CUSTOMS, "Hải quan", "Thủ tục đăng ký tài khoản Cổng thông tin một cửa", False),
    ],
)  # fmt: skip
def test_typical_procedures(calibration, group, spec, field, name, member):
    assert calibration._member(group, spec, {"name": name, "field": field}) is member
