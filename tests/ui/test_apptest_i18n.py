"""Translation catalogues and display formats of the dashboard."""

from datetime import date

import pytest

from ui import i18n


def test_both_catalogues_have_the_same_keys():
    vi, en = i18n.catalogue("vi"), i18n.catalogue("en")
    assert sorted(set(vi) - set(en)) == []
    assert sorted(set(en) - set(vi)) == []


def test_every_key_used_in_the_code_exists():
    import re
    from pathlib import Path

    root = Path(i18n.__file__).resolve().parents[1]
    sources = [root / "app.py", *(root / "ui").rglob("*.py")]
    used = set()
    for path in sources:
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_0-9.]+)["']""", path.read_text("utf-8")))
    missing = sorted(key for key in used if key not in i18n.catalogue("vi"))
    assert missing == []


@pytest.mark.parametrize(
    ("func", "value", "expected"),
    [
        (i18n.money, 1234567, "1.234.567 đ"),
        (i18n.money, 975_000_000_000, "975.000.000.000 đ (975 tỷ đồng)"),
        (i18n.percent, 66.666, "66,67 %"),
        (i18n.day, date(2026, 12, 31), "31/12/2026"),
        (i18n.number, 1234.5, "1.234,5"),
        (i18n.money, None, "—"),
        (i18n.money, float("nan"), "—"),
        (i18n.percent, float("nan"), "—"),
    ],
)
def test_vietnamese_formats(func, value, expected):
    assert func(value, 1) == expected if func is i18n.number else func(value) == expected
